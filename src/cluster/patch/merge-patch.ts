/**
 * RFC 7386 JSON merge patch (kubectl label/annotate, patch --type=merge): objects merge
 * recursively, null deletes, anything else — lists included — replaces.
 */
import { isObject, type JsonObject } from '../objects/json.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
