/**
 * Defensive readers for objects kept as plain JSON. The analysers see objects as any server
 * version sends them (and, through recordings, as anything a file holds), so no field is trusted
 * to exist or to have its documented type: every read narrows, and a wrong type reads as absent.
 */

export type Rec = Record<string, unknown>;

export function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, or an empty one. */
export function rec(value: unknown): Rec {
  return isRec(value) ? value : {};
}

/** The value as an array of objects; non-object items are dropped. */
export function recs(value: unknown): Rec[] {
  return Array.isArray(value) ? value.filter(isRec) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Reads a nested field: get(obj, 'spec', 'ports'). */
export function get(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isRec(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A string→string map (labels, selectors); entries with non-string values are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRec(value)) return out;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** An RFC 3339 timestamp as epoch milliseconds, or undefined (absent, null, unparsable). */
export function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function meta(obj: unknown): Rec {
  return rec(get(obj, 'metadata'));
}

export function nameOf(obj: unknown): string {
  return str(meta(obj)['name']) ?? '';
}

/** An object's labels; read once per object (perObject below), frozen. */
export const labelsOf: (obj: unknown) => Readonly<Record<string, string>> = perObject((obj) => Object.freeze(stringMap(meta(obj)['labels'])));

/**
 * `read` memoised by object identity. The model hands an unchanged object over as the same object
 * from update to update (model/object-cache.ts), and a trace re-reads every object on every update
 * (issue 6: per-update cost): what depends on the object alone is read once. Only for readers of
 * the object alone (never of `now`), whose results callers do not mutate (freeze them). Values
 * that are not objects are read each time.
 */
export function perObject<T>(read: (value: unknown) => T): (value: unknown) => T {
  // One lookup per call, not has() then get(): these run tens of times per update. An undefined
  // result is stored as a marker, so that a miss and a remembered undefined differ.
  const memo = new WeakMap<object, T | typeof UNDEFINED>();
  return (value) => {
    if (typeof value !== 'object' || value === null) return read(value);
    const seen = memo.get(value);
    if (seen !== undefined) return seen === UNDEFINED ? (undefined as T) : seen;
    const result = read(value);
    memo.set(value, result === undefined ? UNDEFINED : result);
    return result;
  };
}

const UNDEFINED: unique symbol = Symbol('undefined');

/**
 * A memo keyed by an object's identity — a model's frozen list, a list of Pod views — and what else
 * the value was read for (`deps`, compared item by item with ===): the analysers' per-update reads
 * of things that seldom change (issue 6). One value per key, replaced when the deps differ. Values
 * are shared between calls: freeze them, or copy them on the way out.
 */
export function memoByIdentity<K extends object, V>(): (key: K, deps: readonly unknown[], read: () => V) => V {
  const memo = new WeakMap<K, { deps: readonly unknown[]; value: V }>();
  return (key, deps, read) => {
    const seen = memo.get(key);
    if (seen !== undefined && sameItems(seen.deps, deps)) return seen.value;
    const value = read();
    memo.set(key, { deps, value });
    return value;
  };
}

/** Whether two lists hold the same items (by identity) in the same order. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** "3 Pods" / "1 Pod". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** At most `max` lines, then "… and N more", so a view stays bounded however many objects exist. */
export function capLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `… and ${lines.length - max} more`];
}
