/**
 * Plain-JSON helpers shared by the object rules and the patch engine. Objects are kept as
 * untyped JSON (kube-object.ts), so every read narrows with these instead of casting.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `obj[key]`, created (and stored) when absent or not an object. */
export function ensureObject(obj: JsonObject, key: string): JsonObject {
  const current = obj[key];
  if (isObject(current)) return current;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

/** `obj[key]` when it is an object, else undefined. */
export function objectAt(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = obj?.[key];
  return isObject(value) ? value : undefined;
}

/** The objects of the array at `obj[key]` (non-objects are skipped); [] when absent. */
export function objectsAt(obj: JsonObject | undefined, key: string): JsonObject[] {
  const value = obj?.[key];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function stringAt(obj: JsonObject | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Sets `obj[key] = value` only when the key is absent (null counts as absent, as in Go's nil). */
export function setDefault(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
