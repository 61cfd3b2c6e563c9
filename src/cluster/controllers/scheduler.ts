/**
 * The embedded cluster's default-scheduler: binds Pending Pods to Nodes. It runs the filters of
 * kube-scheduler's default profile that matter without volumes — NodeUnschedulable,
 * TaintToleration, NodeAffinity (nodeSelector + required node affinity), NodeResourcesFit — in that
 * order, each Node failing on the first filter it does not pass, and words failures exactly as
 * kube-scheduler's FitError does (kubernetes-facts.md §4). It scores the fitting Nodes like
 * NodeResourcesLeastAllocated (Pods without requests count as 100m / 200Mi, the scheduler's
 * non-zero defaults), so replicas spread over the Nodes.
 */
import type { TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { KeyedQueue, QueueLoop, objectKey, splitKey } from './runtime.js';
import type { Controller, ControllerContext } from './runtime.js';
import type { StoreChange } from '../store/types.js';
import { compareText } from '../../lib/compare.js';
import { metaTimeNow } from '../time.js';

export const SCHEDULER_NAME = 'default-scheduler';

/* ------------------------------------------------------------------ quantities */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a resource.Quantity ("500m", "1.5", "128Mi", "1G", "1e3") into base units (cores, bytes,
 * counts). Undefined when malformed. ("K" is not a real Quantity suffix but is accepted as k.)
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?)$/.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? '';
  return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** Millicores, rounded up as the API rounds sub-milli CPU. */
export function cpuMillis(value: unknown): number {
  const cores = parseQuantity(value);
  return cores === undefined ? 0 : Math.ceil(Math.round(cores * 1e9) / 1e6);
}

export function memoryBytes(value: unknown): number {
  const bytes = parseQuantity(value);
  return bytes === undefined ? 0 : Math.ceil(bytes);
}

/* ------------------------------------------------------------------ pod and node views */

export interface Requests {
  cpu: number; // millicores
  memory: number; // bytes
}

interface ContainerLike {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function containerRequests(container: ContainerLike): Requests {
  // API defaulting copies limits into missing requests; do the same for un-defaulted objects.
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  return {
    cpu: cpuMillis(requests.cpu ?? limits.cpu),
    memory: memoryBytes(requests.memory ?? limits.memory),
  };
}

/**
 * A Pod's effective requests: the sum over its containers, but at least the largest init
 * container's (init containers run one at a time, before the others), plus spec.overhead.
 */
export function podRequests(pod: KubeObject): Requests {
  const spec = record(pod.spec);
  const sum: Requests = { cpu: 0, memory: 0 };
  for (const c of array(spec.containers)) {
    const r = containerRequests(record(c) as ContainerLike);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of array(spec.initContainers)) {
    const r = containerRequests(record(c) as ContainerLike);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = record(spec.overhead);
  sum.cpu += cpuMillis(overhead.cpu);
  sum.memory += memoryBytes(overhead.memory);
  return sum;
}

function isTerminal(pod: KubeObject): boolean {
  const phase = record(pod.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  const operator = toleration.operator ?? 'Equal';
  if (!toleration.key) return operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  if (operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

interface NodeSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

function requirementMatches(req: NodeSelectorRequirement, get: (key: string) => string | undefined): boolean {
  const value = req.key === undefined ? undefined : get(req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number.parseInt(value ?? '', 10);
      const want = Number.parseInt(values[0] ?? '', 10);
      if (!Number.isFinite(have) || !Number.isFinite(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity (terms ORed). */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = record(pod.spec);
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(record(spec.nodeSelector))) {
    if (labels[key] !== value) return false;
  }
  const required = record(record(record(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  if (!('nodeSelectorTerms' in required)) return true;
  const fields = (key: string) => (key === 'metadata.name' ? node.metadata.name : undefined);
  return array(required.nodeSelectorTerms).some((raw) => {
    const term = record(raw);
    const expressions = array(term.matchExpressions) as NodeSelectorRequirement[];
    const matchFields = array(term.matchFields) as NodeSelectorRequirement[];
    // A term with no requirements selects nothing (k8s.io/component-helpers nodeaffinity).
    if (expressions.length === 0 && matchFields.length === 0) return false;
    return expressions.every((r) => requirementMatches(r, (k) => labels[k])) && matchFields.every((r) => requirementMatches(r, fields));
  });
}

/* ------------------------------------------------------------------ filtering */

/** Whether a failure can be resolved by preempting Pods (only resource fit can). */
interface Failure {
  reasons: string[];
  resolvable: boolean;
}

export interface NodeUsage {
  requested: Requests;
  pods: number;
  /** Requests counted with the scheduler's non-zero defaults, for scoring. */
  nonZero: Requests;
}

const NON_ZERO_CPU = 100;
const NON_ZERO_MEMORY = 200 * 2 ** 20;

/** What a Pod occupies on its Node: bound and not finished (Pods being deleted still count). */
interface Placement {
  node: string;
  requests: Requests;
}

function placementOf(pod: KubeObject): Placement | undefined {
  const node = record(pod.spec).nodeName;
  if (typeof node !== 'string' || !node || isTerminal(pod)) return undefined;
  return { node, requests: podRequests(pod) };
}

/** Adds (sign 1) or removes (sign -1) a Pod's placement to a per-Node tally. */
function tally(usage: Map<string, NodeUsage>, placement: Placement, sign: 1 | -1): void {
  const u = usage.get(placement.node) ?? { requested: { cpu: 0, memory: 0 }, pods: 0, nonZero: { cpu: 0, memory: 0 } };
  const r = placement.requests;
  u.requested.cpu += sign * r.cpu;
  u.requested.memory += sign * r.memory;
  u.nonZero.cpu += sign * (r.cpu || NON_ZERO_CPU);
  u.nonZero.memory += sign * (r.memory || NON_ZERO_MEMORY);
  u.pods += sign;
  if (u.pods > 0) usage.set(placement.node, u);
  else usage.delete(placement.node);
}

export function usageOf(pods: KubeObject[]): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const pod of pods) {
    const placement = placementOf(pod);
    if (placement) tally(usage, placement, 1);
  }
  return usage;
}

function allocatable(node: KubeObject): { cpu: number; memory: number; pods: number } {
  const status = record(node.status);
  const alloc = record(status.allocatable ?? status.capacity);
  return { cpu: cpuMillis(alloc.cpu), memory: memoryBytes(alloc.memory), pods: parseQuantity(alloc.pods) ?? 0 };
}

/** Runs the filters on one Node; undefined when the Pod fits. */
export function filterNode(pod: KubeObject, node: KubeObject, usage: NodeUsage | undefined): Failure | undefined {
  const spec = record(pod.spec);
  const tolerations = array(spec.tolerations) as Toleration[];
  const nodeSpec = record(node.spec);
  if (nodeSpec.unschedulable === true) {
    const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    if (!tolerations.some((t) => tolerates(t, unschedulableTaint))) return { reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  for (const raw of array(nodeSpec.taints)) {
    const taint = record(raw) as unknown as Taint;
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => tolerates(t, taint))) {
      return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], resolvable: false };
    }
  }
  if (!matchesNodeAffinity(pod, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const alloc = allocatable(node);
  const used = usage ?? { requested: { cpu: 0, memory: 0 }, pods: 0, nonZero: { cpu: 0, memory: 0 } };
  const want = podRequests(pod);
  const reasons: string[] = [];
  if (used.pods + 1 > alloc.pods) reasons.push('Too many pods');
  if (want.cpu > 0 && used.requested.cpu + want.cpu > alloc.cpu) reasons.push('Insufficient cpu');
  if (want.memory > 0 && used.requested.memory + want.memory > alloc.memory) reasons.push('Insufficient memory');
  return reasons.length ? { reasons, resolvable: true } : undefined;
}

function histogram(entries: string[]): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e, (counts.get(e) ?? 0) + 1);
  // kube-scheduler prints "<count> <reason>" strings sorted as strings.
  return [...counts].map(([reason, count]) => `${count} ${reason}`).sort().join(', ');
}

/**
 * kube-scheduler's FitError message plus the preemption PostFilter's, e.g.
 * `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No
 * preemption victims found for incoming pod.`
 */
export function unschedulableMessage(nodeCount: number, failures: Failure[]): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  const reasons = failures.flatMap((f) => f.reasons);
  const preemption = failures.map((f) => (f.resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling'));
  return `0/${nodeCount} nodes are available: ${histogram(reasons)}. preemption: 0/${nodeCount} nodes are available: ${histogram(preemption)}.`;
}

export type ScheduleResult = { node: string } | { message: string };

/** Picks a Node for `pod`: the least allocated of those that fit (ties: by name). */
export function schedule(pod: KubeObject, nodes: KubeObject[], pods: KubeObject[]): ScheduleResult {
  return scheduleOnto(pod, nodes, usageOf(pods));
}

function scheduleOnto(pod: KubeObject, nodes: KubeObject[], usage: ReadonlyMap<string, NodeUsage>): ScheduleResult {
  const failures: Failure[] = [];
  let best: { node: string; score: number } | undefined;
  const want = podRequests(pod);
  const sorted = [...nodes].sort((a, b) => compareText(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const node of sorted) {
    const name = node.metadata.name ?? '';
    const u = usage.get(name);
    const failure = filterNode(pod, node, u);
    if (failure) {
      failures.push(failure);
      continue;
    }
    const alloc = allocatable(node);
    const cpu = (u?.nonZero.cpu ?? 0) + (want.cpu || NON_ZERO_CPU);
    const memory = (u?.nonZero.memory ?? 0) + (want.memory || NON_ZERO_MEMORY);
    const score = (alloc.cpu ? cpu / alloc.cpu : 1) + (alloc.memory ? memory / alloc.memory : 1);
    if (!best || score < best.score - 1e-12) best = { node: name, score };
  }
  return best ? { node: best.node } : { message: unschedulableMessage(nodes.length, failures) };
}

/* ------------------------------------------------------------------ controller */

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/** Sets condition `type` on a status copy, keeping lastTransitionTime when status did not change. */
function setCondition(status: Record<string, unknown>, condition: Condition): void {
  const conditions = (array(status.conditions) as Condition[]).slice();
  const index = conditions.findIndex((c) => c.type === condition.type);
  const existing = index >= 0 ? conditions[index] : undefined;
  const next: Condition = {
    ...condition,
    lastProbeTime: null,
    lastTransitionTime: existing && existing.status === condition.status ? existing.lastTransitionTime : condition.lastTransitionTime,
  };
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
  status.conditions = conditions;
}

function wantsScheduling(pod: KubeObject): boolean {
  const spec = record(pod.spec);
  return (
    !spec.nodeName &&
    (spec.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME &&
    !pod.metadata.deletionTimestamp &&
    !isTerminal(pod)
  );
}

/** Unschedulable Pods are retried at least this often (kube-scheduler's podMaxInUnschedulablePodsDuration). */
const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;

export function createSchedulerController(): Controller {
  /** Pods waiting for room, retried when Nodes or Pods change. Bounded by the Pods in the store. */
  const unschedulable = new Set<string>();
  const retryTimers = new Map<string, TimerHandle>();
  /**
   * Requests per Node, kept up to date from the change stream as kube-scheduler's cache is: listing
   * (and copying) every Pod for each Pod scheduled made binding N Pods O(N²) — ~30 s for 1,000.
   */
  const usage = new Map<string, NodeUsage>();
  const placements = new Map<string, Placement>();

  /** Updates the tally for a Pod's latest state (undefined: gone); true when it freed room. */
  function account(key: string, pod: KubeObject | undefined): boolean {
    const before = placements.get(key);
    const after = pod ? placementOf(pod) : undefined;
    if (before && after && before.node === after.node && before.requests.cpu === after.requests.cpu && before.requests.memory === after.requests.memory) {
      return false;
    }
    if (before) tally(usage, before, -1);
    if (after) {
      tally(usage, after, 1);
      placements.set(key, after);
    } else {
      placements.delete(key);
    }
    return before !== undefined && (after === undefined || after.node !== before.node || after.requests.cpu < before.requests.cpu || after.requests.memory < before.requests.memory);
  }

  function forget(key: string): void {
    unschedulable.delete(key);
    retryTimers.get(key)?.cancel();
    retryTimers.delete(key);
  }

  function onChange(change: StoreChange, q: KeyedQueue): void {
    const plural = change.resource.plural;
    const group = change.resource.group;
    if (group !== '') return;
    if (plural === 'nodes') {
      if (change.type !== 'DELETED') retryUnschedulable(q);
      return;
    }
    if (plural !== 'pods') return;
    const pod = change.object;
    const key = objectKey(pod);
    // A bound Pod deleted or finishing frees its requests: unschedulable Pods get another try.
    const freed = account(key, change.type === 'DELETED' ? undefined : pod);
    if (change.type === 'DELETED') forget(key);
    if (freed) retryUnschedulable(q);
    if (change.type !== 'MODIFIED') {
      if (change.type === 'ADDED' && wantsScheduling(pod)) q.add(key);
      return;
    }
    // A pending Pod whose spec changed (tolerations, scheduling gates) gets another try; our own
    // status writes do not change it. (previous is read only here: each read is a copy.)
    if (!wantsScheduling(pod)) return;
    const previous = change.previous;
    if (!previous || JSON.stringify(previous.spec) !== JSON.stringify(pod.spec)) q.add(key);
  }

  function retryUnschedulable(q: KeyedQueue): void {
    for (const key of unschedulable) q.add(key);
  }

  function reconcile(ctx: ControllerContext, q: KeyedQueue, key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = ctx.store.tryGet('pods', namespace, name);
    if (!pod || !wantsScheduling(pod)) {
      forget(key);
      return;
    }
    const now = metaTimeNow(ctx.clock);
    const gates = array(record(pod.spec).schedulingGates);
    if (gates.length > 0) {
      writeCondition(ctx, pod, {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastTransitionTime: now,
      });
      return;
    }
    const nodes = ctx.store.list('nodes').items;
    const result = scheduleOnto(pod, nodes, usage);
    if ('node' in result) {
      forget(key);
      bind(ctx, pod, result.node, now);
      return;
    }
    unschedulable.add(key);
    writeCondition(ctx, pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: result.message, lastTransitionTime: now });
    ctx.events.record(pod, 'Warning', 'FailedScheduling', result.message, { component: SCHEDULER_NAME });
    retryTimers.get(key)?.cancel();
    retryTimers.set(
      key,
      ctx.clock.setTimeout(() => {
        retryTimers.delete(key);
        q.add(key);
      }, ctx.duration(UNSCHEDULABLE_RETRY_MS)),
    );
  }

  function bind(ctx: ControllerContext, pod: KubeObject, node: string, now: string): void {
    const { namespace, name } = pod.metadata;
    // The real scheduler POSTs pods/binding, which sets spec.nodeName and PodScheduled together;
    // the store has no binding subresource, so this takes two writes (spec, then status).
    const bound = ctx.store.mutate('pods', namespace, name ?? '', (copy) => {
      const spec = record(copy.spec);
      if (spec.nodeName) return undefined;
      return { ...copy, spec: { ...spec, nodeName: node } };
    });
    if (!bound) return;
    // The store delivered the binding to onChange already; accounting again is a no-op then, and
    // keeps the next Pod's choice right should delivery ever be deferred.
    account(objectKey(bound), bound);
    writeCondition(ctx, bound, { type: 'PodScheduled', status: 'True', lastTransitionTime: now });
    ctx.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`, { component: SCHEDULER_NAME });
  }

  function writeCondition(ctx: ControllerContext, pod: KubeObject, condition: Condition): void {
    ctx.store.mutate(
      'pods',
      pod.metadata.namespace,
      pod.metadata.name ?? '',
      (copy) => {
        const before = JSON.stringify(copy.status ?? {});
        const status = { ...record(copy.status) };
        if (!status.phase) status.phase = 'Pending';
        setCondition(status, condition);
        return JSON.stringify(status) === before ? undefined : { ...copy, status };
      },
      { subresource: 'status' },
    );
  }

  return new QueueLoop().controller({
    name: 'scheduler',
    logLabel: 'scheduler:',
    describeError: String,
    reconcile: (key, ctx, q) => reconcile(ctx, q, key),
    onChange,
    resync(ctx, q) {
      for (const pod of ctx.store.list('pods').items) {
        account(objectKey(pod), pod);
        if (wantsScheduling(pod)) q.add(objectKey(pod));
      }
    },
    reset() {
      for (const key of [...unschedulable]) forget(key);
      for (const timer of retryTimers.values()) timer.cancel();
      retryTimers.clear();
      usage.clear();
      placements.clear();
    },
  });
}
