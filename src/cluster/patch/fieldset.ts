/**
 * Field sets for server-side apply (sigs.k8s.io/structured-merge-diff fieldpath), in the
 * FieldsV1 encoding managedFields use: `f:<field>` for a map field, `k:{"name":"x"}` for an
 * item of a keyed list, `v:"x"` for a member of a set-like scalar list; `{}` marks an owned leaf
 * and `".": {}` an owned node that also has owned children (list items).
 */
import { deepEqual, isObject, type JsonObject } from '../objects/json.js';
import type { PatchSchema } from './schema.js';

/** One step of a path, in its FieldsV1 spelling ('f:spec', 'k:{"name":"x"}', 'v:"x"'). */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  child(element: PathElement): FieldSet {
    let node = this.children.get(element);
    if (!node) {
      node = new FieldSet();
      this.children.set(element, node);
    }
    return node;
  }

  insert(path: FieldPath): void {
    const [head, ...rest] = path;
    if (head === undefined) this.member = true;
    else this.child(head).insert(rest);
  }

  has(path: FieldPath): boolean {
    return this.find(path)?.member === true;
  }

  /** True when the path or anything under it is a member. */
  touches(path: FieldPath): boolean {
    const node = this.find(path);
    return node !== undefined && (node.member || node.members().length > 0);
  }

  /** True when the path has members below it (a keyed list item with fields, for instance). */
  hasChildren(path: FieldPath): boolean {
    return (this.find(path)?.children.size ?? 0) > 0;
  }

  remove(path: FieldPath): void {
    const node = this.find(path);
    if (node) node.member = false;
    this.prune();
  }

  /** Every member path, parents before children. */
  members(prefix: FieldPath = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const [element, node] of this.children) {
      const path = [...prefix, element];
      if (node.member) out.push(path);
      out.push(...node.members(path));
    }
    return out;
  }

  isEmpty(): boolean {
    return this.members().length === 0;
  }

  private find(path: FieldPath): FieldSet | undefined {
    const [head, ...rest] = path;
    return head === undefined ? this : this.children.get(head)?.find(rest);
  }

  /** Drops branches that no longer hold a member. */
  private prune(): boolean {
    for (const [element, node] of this.children) if (!node.prune()) this.children.delete(element);
    return this.member || this.children.size > 0;
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const [element, node] of this.children) {
      const inner = node.toFieldsV1();
      out[element] = node.member && node.children.size > 0 ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    fill(set, json);
    return set;
  }
}

function fill(node: FieldSet, json: unknown): void {
  if (!isObject(json)) return;
  for (const [element, value] of Object.entries(json)) {
    if (element === '.') {
      node.member = true;
      continue;
    }
    const child = node.child(element);
    if (isObject(value) && Object.keys(value).length === 0) child.member = true;
    else fill(child, value);
  }
}

/** The serialized key of a keyed list item: `k:{"name":"x"}`. */
export function keyElement(mergeKey: string, value: unknown): PathElement {
  return `k:${JSON.stringify({ [mergeKey]: value })}`;
}

/**
 * Top-level and metadata fields the server manages itself; structured-merge-diff's strip-meta
 * manager never records them in a field set.
 */
const UNOWNED_ROOT = new Set(['apiVersion', 'kind', 'status']);
const UNOWNED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** The fields an applied configuration sets (nulls set nothing). */
export function fieldSetOf(object: JsonObject, schema: PatchSchema): FieldSet {
  const set = new FieldSet();
  for (const [key, value] of Object.entries(object)) {
    if (UNOWNED_ROOT.has(key) || value === null || value === undefined) continue;
    if (key === 'metadata' && isObject(value)) {
      const node = set.child('f:metadata');
      const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !UNOWNED_META.has(k)));
      walkMap(rest, ['metadata'], node, schema);
      if (node.children.size === 0) set.children.delete('f:metadata');
      continue;
    }
    walkValue(value, [key], set.child(`f:${key}`), schema);
  }
  return set;
}

function walkMap(map: JsonObject, path: string[], node: FieldSet, schema: PatchSchema): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === null || value === undefined) continue;
    walkValue(value, [...path, key], node.child(`f:${key}`), schema);
  }
}

function walkValue(value: unknown, path: string[], node: FieldSet, schema: PatchSchema): void {
  const rule = schema.rule(path);
  if (isObject(value)) {
    if (rule?.kind === 'atomic-map' || Object.keys(value).length === 0) node.member = true;
    else walkMap(value, path, node, schema);
    return;
  }
  if (Array.isArray(value) && rule?.kind === 'map-list') {
    if (value.length === 0) node.member = true;
    for (const item of value) {
      if (!isObject(item)) continue;
      const itemNode = node.child(keyElement(rule.mergeKey, item[rule.mergeKey]));
      itemNode.member = true;
      walkMap(item, path, itemNode, schema);
    }
    return;
  }
  if (Array.isArray(value) && rule?.kind === 'set') {
    if (value.length === 0) node.member = true;
    for (const item of value) node.child(`v:${JSON.stringify(item)}`).member = true;
    return;
  }
  node.member = true;
}

type Located = { found: true; value: unknown } | { found: false };

/** The value a field path names inside an object. */
export function valueAt(object: unknown, path: FieldPath): Located {
  let value: unknown = object;
  for (const element of path) {
    const next = step(value, element);
    if (!next.found) return next;
    value = next.value;
  }
  return { found: true, value };
}

function step(value: unknown, element: PathElement): Located {
  if (element.startsWith('f:')) {
    const key = element.slice(2);
    return isObject(value) && key in value ? { found: true, value: value[key] } : { found: false };
  }
  if (!Array.isArray(value)) return { found: false };
  const index = indexOf(value, element);
  return index >= 0 ? { found: true, value: value[index] } : { found: false };
}

function indexOf(list: unknown[], element: PathElement): number {
  if (element.startsWith('k:')) {
    const key = JSON.parse(element.slice(2)) as JsonObject;
    return list.findIndex((item) => isObject(item) && Object.entries(key).every(([k, v]) => deepEqual(item[k], v)));
  }
  if (element.startsWith('v:')) {
    const wanted: unknown = JSON.parse(element.slice(2));
    return list.findIndex((item) => deepEqual(item, wanted));
  }
  return -1;
}

/** Removes the field or list item a path names; false when it was not there. */
export function deleteAt(object: JsonObject, path: FieldPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(object, path.slice(0, -1));
  if (!parent.found) return false;
  const last = path[path.length - 1] ?? '';
  if (last.startsWith('f:')) {
    if (!isObject(parent.value) || !(last.slice(2) in parent.value)) return false;
    delete parent.value[last.slice(2)];
    return true;
  }
  if (!Array.isArray(parent.value)) return false;
  const index = indexOf(parent.value, last);
  if (index < 0) return false;
  parent.value.splice(index, 1);
  return true;
}

/** A path as structured-merge-diff prints it in conflicts: `.spec.containers[name="x"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('k:')) {
        const key = JSON.parse(element.slice(2)) as JsonObject;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      if (element.startsWith('v:')) return `[=${element.slice(2)}]`;
      return `[${element}]`;
    })
    .join('');
}
