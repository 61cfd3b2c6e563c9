/**
 * Helpers shared by the simulated workload controllers (ReplicaSet, Deployment, DaemonSet) and the
 * Service-facing ones: pod-template hashing (kubernetes-facts.md §5), label selectors, pod
 * readiness/availability, ownerReferences, and reading API errors the store throws.
 */
import { compareText } from '../../lib/compare.js';
import type { KubeObject, OwnerReference } from '../../lib/kube-object.js';

// ---------------------------------------------------------------------------------------------
// Plain-JSON access
// ---------------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested field defensively: objects come from users and may be any shape. */
export function field(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function obj(value: unknown, ...path: string[]): JsonObject | undefined {
  const v = field(value, ...path);
  return isObject(v) ? v : undefined;
}

export function arr(value: unknown, ...path: string[]): unknown[] {
  const v = field(value, ...path);
  return Array.isArray(v) ? v : [];
}

export function str(value: unknown, ...path: string[]): string | undefined {
  const v = field(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function num(value: unknown, ...path: string[]): number | undefined {
  const v = field(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** JSON with object keys sorted and undefined members dropped: a stable text for hashing/equality. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

// ---------------------------------------------------------------------------------------------
// Pod-template hash (kubernetes-facts.md §5)
// ---------------------------------------------------------------------------------------------

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bit, as Go's hash/fnv New32a. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * apimachinery's rand.SafeEncodeString: each character's byte value indexes the 27-letter
 * alphabet, so a decimal string only ever yields `4 5 6 7 8 9 b c d f`.
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * controller.ComputeHash: FNV-32a over the template (the real one hashes Go's spew dump of the
 * struct; canonical JSON is our stand-in), then the collision count as 8 little-endian bytes,
 * printed in decimal and safe-encoded.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  const bytes = new TextEncoder().encode(canonicalJson(template));
  let hash = fnv32a(bytes);
  if (collisionCount !== undefined) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(extra, hash);
  }
  return safeEncodeString(String(hash));
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** A template's copy without the given label (EqualIgnoreHash compares templates this way). */
export function withoutLabel(template: unknown, label: string): unknown {
  const copy = clone(template);
  const labels = obj(copy, 'metadata', 'labels');
  if (labels) {
    delete labels[label];
    const meta = obj(copy, 'metadata');
    if (meta && Object.keys(labels).length === 0) delete meta.labels;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Label selectors (kubernetes-facts.md §1)
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** metav1.LabelSelector semantics; an empty selector matches everything, a missing one nothing. */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string> | undefined): boolean {
  if (!isObject(selector)) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels))) if (have[k] !== v) return false;
  for (const req of arr(selector, 'matchExpressions')) {
    const key = str(req, 'key') ?? '';
    const values = arr(req, 'values').filter((v): v is string => typeof v === 'string');
    const present = Object.prototype.hasOwnProperty.call(have, key);
    switch (str(req, 'operator')) {
      case 'In':
        if (!present || !values.includes(have[key] ?? '')) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[key] ?? '')) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Service spec.selector: a plain map; callers check for nil/empty first (empty selects nothing there). */
export function matchesMap(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  return Object.entries(selector).every(([k, v]) => have[k] === v);
}

export function isEmptySelector(selector: unknown): boolean {
  return (
    !isObject(selector) ||
    (Object.keys(stringMap(selector.matchLabels)).length === 0 && arr(selector, 'matchExpressions').length === 0)
  );
}

// ---------------------------------------------------------------------------------------------
// Owners
// ---------------------------------------------------------------------------------------------

export function controllerRef(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRef(object);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/** The reference every built-in controller stamps on what it creates. */
export function ownerReference(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function labelsOf(object: KubeObject): Record<string, string> {
  return object.metadata.labels ?? {};
}

export function isTerminating(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined && object.metadata.deletionTimestamp !== null;
}

export function creationMs(object: KubeObject): number {
  const t = Date.parse(object.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
}

/**
 * Oldest first; equal creation times by name (controller.ReplicaSetsByCreationTimestamp, the
 * DaemonSet controller's podByCreationTimestampAndPhase, history.byRevision). creationTimestamp
 * has whole seconds, so objects created in the same second tie often: the name keeps the order
 * total and deterministic.
 */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return creationMs(a) - creationMs(b) || compareText(a.metadata.name ?? '', b.metadata.name ?? '');
}

// ---------------------------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------------------------

export function podPhase(pod: KubeObject): string {
  return str(pod, 'status', 'phase') ?? '';
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !isTerminating(pod);
}

export function podCondition(pod: KubeObject, type: string): JsonObject | undefined {
  return arr(pod, 'status', 'conditions').find((c): c is JsonObject => isObject(c) && c.type === type);
}

export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** spec.replicas of a Deployment, ReplicaSet or StatefulSet; the API defaults it to 1. */
export function specReplicas(workload: KubeObject): number {
  return num(workload, 'spec', 'replicas') ?? 1;
}

/** spec.minReadySeconds as the real milliseconds it lasts at the cluster's speed (ctx.duration). */
export function minReadyRealMs(workload: KubeObject, ctx: { duration(simulatedMs: number): number }): number {
  return ctx.duration((num(workload, 'spec', 'minReadySeconds') ?? 0) * 1000);
}

/**
 * podutil.IsPodAvailable: Ready, and Ready for at least minReadySeconds (given here as the real
 * milliseconds it lasts at the cluster's speed). Returns how long until it will be, to requeue.
 */
export function podAvailability(pod: KubeObject, minReadyMs: number, now: number): { available: boolean; waitMs?: number } {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return { available: false };
  if (minReadyMs <= 0) return { available: true };
  const since = Date.parse(typeof ready.lastTransitionTime === 'string' ? ready.lastTransitionTime : '');
  if (!Number.isFinite(since)) return { available: true };
  const due = since + minReadyMs;
  return due <= now ? { available: true } : { available: false, waitMs: due - now };
}

export function podNodeName(pod: KubeObject): string | undefined {
  return str(pod, 'spec', 'nodeName') || undefined;
}

/** A Pod for a workload's template: generateName `<owner>-`, template labels/annotations, controller ref. */
export function podFromTemplate(
  template: unknown,
  namespace: string,
  generateName: string,
  owner: OwnerReference,
): KubeObject {
  const meta = obj(template, 'metadata') ?? {};
  const metadata: KubeObject['metadata'] = { generateName, namespace };
  const labels = stringMap(meta.labels);
  if (Object.keys(labels).length) metadata.labels = labels;
  const annotations = stringMap(meta.annotations);
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const finalizers = arr(meta, 'finalizers').filter((f): f is string => typeof f === 'string');
  if (finalizers.length) metadata.finalizers = finalizers;
  metadata.ownerReferences = [owner];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: clone(obj(template, 'spec') ?? {}) };
}

// ---------------------------------------------------------------------------------------------
// intstr (maxSurge / maxUnavailable)
// ---------------------------------------------------------------------------------------------

/** intstr.GetScaledValueFromIntOrPercent: percentages of `total`, rounded up or down. */
export function scaledValue(value: unknown, total: number, roundUp: boolean, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value.trim());
    if (m) {
      const exact = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(exact) : Math.floor(exact);
    }
    const n = Number(value);
    if (Number.isInteger(n)) return n;
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------
// API errors thrown by the store
// ---------------------------------------------------------------------------------------------

export function apiErrorCode(error: unknown): number | undefined {
  const code = field(error, 'status', 'code');
  return typeof code === 'number' ? code : undefined;
}

export function apiErrorReason(error: unknown): string | undefined {
  return str(error, 'status', 'reason');
}

export function errorMessage(error: unknown): string {
  const message = str(error, 'status', 'message');
  if (message) return message;
  return error instanceof Error ? error.message : String(error);
}

export function isNotFound(error: unknown): boolean {
  return apiErrorCode(error) === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return apiErrorCode(error) === 409 && apiErrorReason(error) === 'AlreadyExists';
}
