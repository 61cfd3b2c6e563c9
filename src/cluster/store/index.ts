/**
 * The embedded cluster's object store. createStore wires the store to the per-kind object rules
 * (src/cluster/objects/) and the patch engine (src/cluster/patch/).
 */
import { defaultObject, validateObject } from '../objects/index.js';
import { applyPatch } from '../patch/index.js';
import { createStoreWithRules } from './store.js';
import type { Store, StoreOptions } from './types.js';

export function createStore(options: StoreOptions): Store {
  return createStoreWithRules({ ...options, rules: { defaultObject, validateObject, applyPatch } });
}

export { createStoreWithRules, type InternalStoreOptions, type StoreRules } from './store.js';
export { createRegistry, qualifiedResource, apiVersionOf } from './registry.js';
export * from './errors.js';
export {
  parseLabelSelector,
  matchesLabels,
  labelSelectorToString,
  labelSelectorToParsed,
  matchesLabelSelectorObject,
  parseFieldSelector,
  matchesFields,
  labelKeyErrors,
  labelValueErrors,
  type LabelSelector,
  type LabelSelectorParsed,
  type LabelRequirement,
  type FieldSelectorParsed,
  type FieldRequirement,
} from './selectors.js';
export { bookmarkEvent, INITIAL_EVENTS_END_ANNOTATION } from './watch.js';
export type * from './types.js';
