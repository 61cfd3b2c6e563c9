/**
 * Changes as people read them: `+` added (green), `-` removed (red), `~` changed (yellow), one
 * path per line, values as compact JSON. Pure: colour is decided by the caller (render/style.ts).
 */
import pc from 'picocolors';
import type { Change } from './diff.js';

export interface RenderChangesOptions {
  color: boolean;
  /** Prefix of every line. */
  indent?: string;
  /** Values longer than this are cut with an ellipsis (a whole added object can be large). */
  maxValueLength?: number;
}

export function renderChanges(changes: readonly Change[], options: RenderChangesOptions): string[] {
  const c = pc.createColors(options.color);
  const indent = options.indent ?? '  ';
  const max = options.maxValueLength ?? 200;
  return changes.map((change) => {
    switch (change.op) {
      case 'add':
        return c.green(`${indent}+ ${change.path}: ${formatValue(change.new, max)}`);
      case 'remove':
        return c.red(`${indent}- ${change.path}: ${formatValue(change.old, max)}`);
      case 'change':
        return c.yellow(`${indent}~ ${change.path}: ${formatValue(change.old, max)} → ${formatValue(change.new, max)}`);
    }
  });
}

export function formatValue(value: unknown, max: number): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
