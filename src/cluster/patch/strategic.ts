/**
 * Strategic merge patch, as k8s.io/apimachinery/pkg/util/strategicpatch applies it on the
 * server (kubectl apply and kubectl patch send these; kubectl-wire-notes.md "Writes"):
 *
 * - maps merge recursively; `null` deletes a key;
 * - lists with a merge key (schema.ts) merge item by item on that key; other lists are replaced;
 *   scalar lists with merge strategy (finalizers) merge as sets;
 * - directives: `$patch: replace | delete` in a map, `{"$patch": "replace"}` as a list item,
 *   `{"$patch": "delete", <key>: …}` to delete one keyed item, `$retainKeys`,
 *   `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 *
 * Errors use the messages of strategicpatch/mergepatch; malformed directives are 400s and a
 * patch outside its $retainKeys is a 422, as interpretStrategicMergePatchError maps them.
 */
import { deepEqual, isObject, type JsonObject } from '../objects/json.js';
import { badRequest, PatchError } from './errors.js';
import type { PatchSchema } from './schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

function isDirectiveKey(key: string): boolean {
  return key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE);
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}

/** Merges `patch` into a copy of `original`; neither input is modified. */
export function strategicMerge(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  return mergeMap(structuredClone(original), patch, schema, []);
}

/** `original` is owned by the caller and changed in place. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema, path: string[]): JsonObject {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    // handleDirectiveInMergeMap: replace = the patch as is; delete = an empty map.
    if (directive === 'replace') {
      const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== DIRECTIVE));
      return mergeMap({}, rest, schema, path);
    }
    if (directive === 'delete') return {};
    throw badRequest(`unknown patch type: ${String(directive)} in map: ${describe(patch)}`);
  }

  if (RETAIN_KEYS in patch) {
    const retain = patch[RETAIN_KEYS];
    if (!Array.isArray(retain) || !retain.every((k) => typeof k === 'string')) throw badRequest('invalid patch format of retainKeys');
    for (const key of Object.keys(patch)) {
      if (!isDirectiveKey(key) && patch[key] !== null && !retain.includes(key)) {
        throw new PatchError(422, "patch content doesn't match retainKeys list");
      }
    }
    for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
  }

  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE)) continue;
    const field = key.slice(DELETE_FROM_PRIMITIVE.length);
    if (!Array.isArray(values)) throw badRequest('invalid patch format of primitive list');
    const current = original[field];
    if (current === undefined || current === null) continue;
    if (!Array.isArray(current)) throw badRequest('invalid patch format of primitive list');
    original[field] = current.filter((item) => !values.some((v) => deepEqual(v, item)));
  }

  // $setElementOrder needs the server's order from before this patch.
  const serverLists = new Map<string, unknown[]>();
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    const current = original[field];
    serverLists.set(field, Array.isArray(current) ? current : []);
  }

  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    const childPath = [...path, key];
    if (isObject(value)) {
      original[key] = mergeMap(isObject(current) ? current : {}, value, schema, childPath);
    } else if (Array.isArray(value)) {
      original[key] = mergeList(Array.isArray(current) ? current : [], value, schema, childPath);
    } else {
      original[key] = value;
    }
  }

  for (const [field, server] of serverLists) {
    const order = patch[`${SET_ORDER}${field}`];
    if (!Array.isArray(order)) throw badRequest('invalid patch format of setElementOrder list');
    const list = original[field];
    if (Array.isArray(list)) original[field] = applyElementOrder(list, order, server, schema.rule([...path, field]));
  }
  return original;
}

function mergeList(original: unknown[], patch: unknown[], schema: PatchSchema, path: string[]): unknown[] {
  const rule = schema.rule(path);
  const replaceMarker = patch.findIndex((item) => isObject(item) && item[DIRECTIVE] === 'replace');
  if (!rule || rule.kind === 'atomic-map' || replaceMarker >= 0) {
    // Atomic list (no patchStrategy) or `{"$patch": "replace"}`: the patch's items are the list.
    return patch
      .filter((item) => !(isObject(item) && (item[DIRECTIVE] === 'replace' || item[DIRECTIVE] === 'delete')))
      .map((item) => (isObject(item) ? mergeMap({}, item, schema, path) : item));
  }
  if (rule.kind === 'set') {
    const merged = [...original];
    for (const item of patch) if (!merged.some((have) => deepEqual(have, item))) merged.push(item);
    return merged;
  }

  const { mergeKey } = rule;
  let merged = [...original];
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) {
      throw badRequest(`map: ${describe(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const key = item[mergeKey];
    const directive = item[DIRECTIVE];
    const sameKey = (have: unknown): boolean => isObject(have) && deepEqual(have[mergeKey], key);
    if (directive === 'delete') {
      merged = merged.filter((have) => !sameKey(have));
      continue;
    }
    if (directive !== undefined && directive !== 'merge') {
      throw badRequest(`unknown patch type: ${String(directive)} in map: ${describe(item)}`);
    }
    const body = Object.fromEntries(Object.entries(item).filter(([k]) => k !== DIRECTIVE));
    const at = merged.findIndex(sameKey);
    const existing = merged[at];
    if (at >= 0 && isObject(existing)) merged[at] = mergeMap(existing, body, schema, path);
    else merged.push(mergeMap({}, body, schema, path));
  }
  return merged;
}

/**
 * normalizeElementOrder + mergeSortedSlice: items named in `$setElementOrder` take that order;
 * items the patch did not name (added by someone else) keep their place relative to the server's
 * order, going first whenever the next named item did not precede them on the server.
 */
function applyElementOrder(list: unknown[], order: unknown[], server: unknown[], rule: ReturnType<PatchSchema['rule']>): unknown[] {
  const mergeKey = rule?.kind === 'map-list' ? rule.mergeKey : undefined;
  const keyOf = (item: unknown): unknown => (mergeKey !== undefined && isObject(item) ? item[mergeKey] : item);
  const indexIn = (items: unknown[], item: unknown): number => items.findIndex((other) => deepEqual(keyOf(other), keyOf(item)));

  const named = list.filter((item) => indexIn(order, item) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const unnamed = list.filter((item) => indexIn(order, item) < 0);

  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < named.length || j < unnamed.length) {
    if (j >= unnamed.length) result.push(named[i++]);
    else if (i >= named.length) result.push(unnamed[j++]);
    else {
      const left = indexIn(server, named[i]);
      const right = indexIn(server, unnamed[j]);
      if (left >= 0 && right >= 0 && left < right) result.push(named[i++]);
      else result.push(unnamed[j++]);
    }
  }
  return result;
}
