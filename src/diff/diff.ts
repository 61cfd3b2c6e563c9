/**
 * A structural JSON diff for `kubespy status` and `kubespy changes` (design.md §3, issue 5).
 * Pure: no I/O, no clock (design.md §7.1).
 *
 * - Objects are compared key by key; a key present on one side only is an add or a remove.
 * - `null` and a missing key are different things (a controller that writes `"reason": null`
 *   changed the object), so they are reported as such.
 * - A value whose JSON type changes (object → string, array → null …) is one `change` of the whole
 *   value: descending into it would report noise.
 * - Arrays of objects are matched by a key when one fits, the way strategic merge patch matches
 *   list elements by their patchMergeKey (conditions by `type`, containers by `name`, …), so a
 *   condition moving in the list is not reported as every condition changing. Otherwise, by index.
 */

export type ChangeOp = 'add' | 'remove' | 'change';

export interface Change {
  /** `.status.conditions[type=Ready].status`, `.spec.ports[0]`, `.metadata.labels["app.kubernetes.io/name"]`. */
  path: string;
  op: ChangeOp;
  /** Present for `remove` and `change`. */
  old?: unknown;
  /** Present for `add` and `change`. */
  new?: unknown;
}

export interface DiffOptions {
  /** Paths (as rendered in Change.path) left out, with everything below them. */
  ignore?: readonly string[];
  /** Prefix of every path (e.g. `.status` when diffing only the status). */
  root?: string;
}

/**
 * Which field identifies the elements of an array, by the array's field name: the merge keys
 * Kubernetes itself uses for these lists (patchMergeKey in the API types), plus the natural
 * identity of load-balancer ingress points and EndpointSlice endpoints.
 */
const KEYS_BY_FIELD: Record<string, readonly string[]> = {
  conditions: ['type'],
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  containerStatuses: ['name'],
  initContainerStatuses: ['name'],
  ephemeralContainerStatuses: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  env: ['name'],
  ports: ['containerPort', 'port', 'name'],
  addresses: ['ip', 'address'],
  notReadyAddresses: ['ip'],
  endpoints: ['targetRef.name', 'addresses.0'],
  ingress: ['ip', 'hostname'],
  podIPs: ['ip'],
  hostIPs: ['ip'],
  ownerReferences: ['uid'],
  taints: ['key'],
  images: ['names.0'],
};

/** Tried for any other array of objects. */
const GENERIC_KEYS = ['name', 'type', 'uid'] as const;

type Json = unknown;

export function diff(before: Json, after: Json, options: DiffOptions = {}): Change[] {
  const changes: Change[] = [];
  const ignore = new Set(options.ignore ?? []);
  walk(before, after, options.root ?? '', '', changes, ignore);
  return changes;
}

type Kind = 'object' | 'array' | 'null' | 'missing' | 'primitive';

function kindOf(value: Json): Kind {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return 'primitive';
}

function walk(before: Json, after: Json, path: string, field: string, out: Change[], ignore: Set<string>): void {
  if (ignore.has(path)) return;
  const a = kindOf(before);
  const b = kindOf(after);
  if (a === 'missing' && b === 'missing') return;
  if (a === 'missing') {
    out.push({ path: path || '.', op: 'add', new: after });
    return;
  }
  if (b === 'missing') {
    out.push({ path: path || '.', op: 'remove', old: before });
    return;
  }
  if (a === 'object' && b === 'object') {
    const left = before as Record<string, Json>;
    const right = after as Record<string, Json>;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) walk(left[key], right[key], `${path}${keySegment(key)}`, key, out, ignore);
    return;
  }
  if (a === 'array' && b === 'array') {
    walkArray(before as Json[], after as Json[], path, field, out, ignore);
    return;
  }
  if (a === b && a === 'null') return;
  if (a === 'primitive' && b === 'primitive' && before === after) return;
  out.push({ path: path || '.', op: 'change', old: before, new: after });
}

function walkArray(before: Json[], after: Json[], path: string, field: string, out: Change[], ignore: Set<string>): void {
  const key = matchKey(before, after, field);
  if (key === undefined) {
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) walk(before[i], after[i], `${path}[${i}]`, '', out, ignore);
    return;
  }
  const left = new Map(before.map((item) => [String(lookup(item, key)), item]));
  const right = new Map(after.map((item) => [String(lookup(item, key)), item]));
  // Removed elements first, in their old order; then the new list's order.
  for (const [id, item] of left) if (!right.has(id)) walk(item, undefined, `${path}[${key}=${id}]`, '', out, ignore);
  for (const [id, item] of right) walk(left.get(id), item, `${path}[${key}=${id}]`, '', out, ignore);
}

/** The first candidate field every element of both arrays has, as a scalar, unique on each side. */
function matchKey(before: Json[], after: Json[], field: string): string | undefined {
  const all = [...before, ...after];
  if (all.length === 0 || !all.every((item) => kindOf(item) === 'object')) return undefined;
  const candidates = KEYS_BY_FIELD[field] ?? GENERIC_KEYS;
  return candidates.find((key) => identifies(before, key) && identifies(after, key));
}

function identifies(items: Json[], key: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const value = lookup(item, key);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
    const id = String(value);
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

/** A dotted lookup (`targetRef.name`, `addresses.0`). */
function lookup(item: Json, key: string): Json {
  let current = item;
  for (const part of key.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Json>)[part];
  }
  return current;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `.name`, or `["app.kubernetes.io/name"]` for keys a dot would make ambiguous. */
function keySegment(key: string): string {
  return PLAIN_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
