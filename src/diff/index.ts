/** diff/: structural JSON diffs for `kubespy status` and `kubespy changes`. */
export { diff, type Change, type ChangeOp, type DiffOptions } from './diff.js';
export { formatValue, renderChanges, type RenderChangesOptions } from './render.js';
