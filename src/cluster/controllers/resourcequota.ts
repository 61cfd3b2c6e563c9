/**
 * ResourceQuota: the admission check that refuses a create beyond a namespace's quota
 * (plugin/pkg/admission/resourcequota) and the quota controller that keeps status.hard/status.used
 * current (pkg/controller/resourcequota), kubernetes-facts.md §5 (ReplicaFailure) and §9 (Forbidden).
 *
 * Mirrored behaviour:
 * - Tracked names: `pods` / `count/pods` (Pods not in a terminal phase), `requests.cpu` (= `cpu`),
 *   `requests.memory` (= `memory`), `limits.cpu`, `limits.memory` (a Pod's usage is the sum over its
 *   containers, at least its largest init container, as the pod evaluator computes it), the legacy
 *   object counts (`services`, `configmaps`, `secrets`, `persistentvolumeclaims`,
 *   `replicationcontrollers`, `resourcequotas`) and `count/<resource>[.<group>]` for any served
 *   resource (e.g. `count/deployments.apps`). Other names are ignored.
 * - A create that would take usage over `spec.hard` is refused with 403 Forbidden:
 *   `pods "web-7d9c6f5b8-x2k9p" is forbidden: exceeded quota: compute, requested: pods=1, used:
 *   pods=2, limited: pods=2` (only the exceeded resources, sorted, `name=quantity` joined by ",").
 * - A quota on cpu or memory requires every container to state it: `failed quota: compute: must
 *   specify limits.cpu for: nginx; requests.cpu for: nginx` (podEvaluator.Constraints).
 * - The admission check counts what the store holds at that moment instead of the quota's cached
 *   status.used, so two creates never race past a limit.
 *
 * Not simulated: quota scopes (spec.scopes, scopeSelector — scoped quotas are ignored entirely),
 * extended resources, `services.loadbalancers` / `services.nodeports`, storage requests, and
 * quota checks on updates.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { forbiddenReason } from '../store/errors.js';
import type { AdmissionHook, ResourceType, Store, StoreChange } from '../store/types.js';
import { arr, isObject, jsonEqual, obj, podPhase, type JsonObject } from './pod-template.js';
import { QueueLoop, type Controller } from './runtime.js';
import { cpuMillis, memoryBytes, parseQuantity } from './scheduler.js';

const QUOTAS = 'resourcequotas';

/** Object counts quota has always known by their bare resource name (core group). */
const LEGACY_COUNTS = ['services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas'];

/** Compute resources a Pod is charged for, each with the (request|limit, cpu|memory) it reads. */
const COMPUTE: Record<string, { from: 'requests' | 'limits'; kind: 'cpu' | 'memory' }> = {
  cpu: { from: 'requests', kind: 'cpu' },
  'requests.cpu': { from: 'requests', kind: 'cpu' },
  memory: { from: 'requests', kind: 'memory' },
  'requests.memory': { from: 'requests', kind: 'memory' },
  'limits.cpu': { from: 'limits', kind: 'cpu' },
  'limits.memory': { from: 'limits', kind: 'memory' },
};

function qualified(type: Pick<ResourceType, 'plural' | 'group'>): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** The resource a quota name counts objects of ('pods', 'deployments.apps'), if it is a count. */
export function countedResource(name: string): string | undefined {
  if (name === 'pods') return 'pods';
  if (LEGACY_COUNTS.includes(name)) return name;
  return name.startsWith('count/') ? name.slice('count/'.length) : undefined;
}

/** Whether the quota controller and admission know how to measure this quota name. */
function tracked(name: string): boolean {
  return name in COMPUTE || countedResource(name) !== undefined;
}

/** quota.IsPodTerminal's opposite: Pods in a terminal phase stop counting. */
function chargedPod(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed';
}

interface ContainerResources {
  name: string;
  requests: Record<string, unknown>;
  limits: Record<string, unknown>;
}

function containersOf(pod: KubeObject, field: 'containers' | 'initContainers'): ContainerResources[] {
  return arr(pod, 'spec', field)
    .filter(isObject)
    .map((c) => {
      const limits = obj(c, 'resources', 'limits') ?? {};
      // API defaulting copies a container's limits into requests it leaves out.
      const requests = { ...limits, ...(obj(c, 'resources', 'requests') ?? {}) };
      return { name: typeof c.name === 'string' ? c.name : '', requests, limits };
    });
}

function amount(container: ContainerResources, resource: string): number | undefined {
  const spec = COMPUTE[resource];
  if (!spec) return undefined;
  const raw = container[spec.from][spec.kind];
  if (raw === undefined || parseQuantity(raw) === undefined) return undefined;
  return spec.kind === 'cpu' ? cpuMillis(raw) : memoryBytes(raw);
}

/** A Pod's charge for a compute resource: Σ containers, at least max(init containers). */
export function podCompute(pod: KubeObject, resource: string): number {
  let sum = 0;
  for (const c of containersOf(pod, 'containers')) sum += amount(c, resource) ?? 0;
  for (const c of containersOf(pod, 'initContainers')) sum = Math.max(sum, amount(c, resource) ?? 0);
  return sum;
}

/** podEvaluator.Constraints: containers that do not state a cpu/memory resource the quota limits. */
export function missingConstraints(pod: KubeObject, hard: string[]): string | undefined {
  const required = hard.filter((r) => r in COMPUTE).sort();
  const missing: string[] = [];
  for (const resource of required) {
    const names = [...containersOf(pod, 'containers'), ...containersOf(pod, 'initContainers')]
      .filter((c) => amount(c, resource) === undefined)
      .map((c) => c.name)
      .sort();
    if (names.length) missing.push(`${resource} for: ${[...new Set(names)].join(',')}`);
  }
  return missing.length ? `must specify ${missing.join('; ')}` : undefined;
}

/** A quantity as resource.Quantity prints it: millicores, binary or decimal suffixes, or plain. */
export function formatQuantity(resource: string, value: number): string {
  if (COMPUTE[resource]?.kind === 'cpu') return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  if (COMPUTE[resource]?.kind !== 'memory' || value === 0) return String(value);
  for (const [suffix, factor] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (value % factor === 0) return `${value / factor}${suffix}`;
  }
  for (const [suffix, factor] of [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (value % factor === 0) return `${value / factor}${suffix}`;
  }
  return String(value);
}

/** A hard limit in the units usage is measured in (millicores, bytes, counts). */
function hardValue(resource: string, raw: string): number | undefined {
  const spec = COMPUTE[resource];
  if (parseQuantity(raw) === undefined) return undefined;
  if (!spec) return parseQuantity(raw);
  return spec.kind === 'cpu' ? cpuMillis(raw) : memoryBytes(raw);
}

/** spec.hard as strings (a YAML `pods: 2` arrives as a number). */
function hardOf(quota: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(quota, 'spec', 'hard') ?? {})) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

function unscoped(quota: KubeObject): boolean {
  return arr(quota, 'spec', 'scopes').length === 0 && obj(quota, 'spec', 'scopeSelector') === undefined;
}

/** What an object charges against each quota name (only names it is charged for). */
function charge(type: Pick<ResourceType, 'plural' | 'group'>, object: KubeObject, names: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const resource = qualified(type);
  for (const name of names) {
    if (countedResource(name) === resource) {
      if (resource !== 'pods' || chargedPod(object)) out.set(name, 1);
    } else if (resource === 'pods' && name in COMPUTE && chargedPod(object)) {
      out.set(name, podCompute(object, name));
    }
  }
  return out;
}

/** Current usage of a namespace for the given quota names, measured from the store. */
export function measureUsage(store: Pick<Store, 'list' | 'registry'>, namespace: string, names: string[]): Map<string, number> {
  const usage = new Map<string, number>(names.filter(tracked).map((n) => [n, 0]));
  const resources = new Set(names.filter(tracked).map((n) => (n in COMPUTE ? 'pods' : countedResource(n) ?? '')));
  for (const resource of resources) {
    const type = store.registry.get(resource);
    if (!type?.namespaced) continue;
    for (const item of store.list(resource, { namespace }).items) {
      for (const [name, value] of charge(type, item, names)) usage.set(name, (usage.get(name) ?? 0) + value);
    }
  }
  return usage;
}

function prettyPrint(entries: Array<[string, string]>): string {
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function quotaList(store: Pick<Store, 'list'>, namespace: string): KubeObject[] {
  return store
    .list(QUOTAS, { namespace })
    .items.filter(unscoped)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
}

/**
 * The quota admission check as a store admission hook. `source` gives the store late: the hook is
 * built before the store that runs it.
 */
export function createResourceQuotaAdmission(source: () => Pick<Store, 'list' | 'registry'> | undefined): AdmissionHook {
  return (operation, type, object) => {
    const namespace = object.metadata.namespace;
    const store = source();
    if (operation !== 'CREATE' || !namespace || !store || !type.namespaced) return;
    for (const quota of quotaList(store, namespace)) {
      const hard = hardOf(quota);
      const names = Object.keys(hard).filter(tracked);
      const requested = charge(type, object, names);
      if (requested.size === 0) continue;
      const forbid = (reason: string) => forbiddenReason(qualified(type), object.metadata.name || object.metadata.generateName, reason);
      const quotaName = quota.metadata.name ?? '';
      if (qualified(type) === 'pods') {
        const missing = missingConstraints(object, names);
        if (missing) throw forbid(`failed quota: ${quotaName}: ${missing}`);
      }
      const used = measureUsage(store, namespace, [...requested.keys()]);
      const exceeded = [...requested].filter(([name, value]) => {
        const limit = hardValue(name, hard[name] ?? '');
        return limit !== undefined && (used.get(name) ?? 0) + value > limit;
      });
      if (exceeded.length === 0) continue;
      const list = (f: (name: string, value: number) => string) => prettyPrint(exceeded.map(([n, v]) => [n, f(n, v)]));
      throw forbid(
        `exceeded quota: ${quotaName}, requested: ${list(formatQuantity)}, used: ${list((n) => formatQuantity(n, used.get(n) ?? 0))}, limited: ${list((n) => hard[n] ?? '')}`,
      );
    }
  };
}

/**
 * The quota controller: status.hard mirrors spec.hard and status.used holds the measured usage of
 * every tracked name, recalculated whenever something in a namespace with quotas changes.
 */
export function createResourceQuotaController(): Controller {
  const loop = new QueueLoop();
  /** Namespaces holding at least one ResourceQuota, so other changes can be filtered cheaply. */
  const quotaNamespaces = new Map<string, number>();

  function onChange(change: StoreChange): void {
    const namespace = change.object.metadata.namespace;
    if (!namespace) return;
    if (change.resource.group === '' && change.resource.plural === QUOTAS) {
      const delta = change.type === 'ADDED' ? 1 : change.type === 'DELETED' ? -1 : 0;
      const count = (quotaNamespaces.get(namespace) ?? 0) + delta;
      if (count > 0) quotaNamespaces.set(namespace, count);
      else quotaNamespaces.delete(namespace);
      loop.queue?.add(namespace);
      return;
    }
    if (change.resource.plural === 'events' || !quotaNamespaces.has(namespace)) return;
    loop.queue?.add(namespace);
  }

  function reconcile(namespace: string): void {
    if (!loop.ctx) return;
    const { store } = loop.ctx;
    for (const quota of store.list(QUOTAS, { namespace }).items) {
      const hard = hardOf(quota);
      const used: Record<string, string> = {};
      if (unscoped(quota)) {
        for (const [name, value] of measureUsage(store, namespace, Object.keys(hard))) used[name] = formatQuantity(name, value);
      }
      const status: JsonObject = {};
      if (Object.keys(hard).length) status.hard = hard;
      if (Object.keys(used).length) status.used = used;
      if (jsonEqual(status, obj(quota, 'status') ?? {})) continue;
      store.mutate(
        QUOTAS,
        namespace,
        quota.metadata.name ?? '',
        (copy) => {
          copy.status = status;
          return copy;
        },
        { subresource: 'status' },
      );
    }
  }

  return loop.controller({
    name: 'resourcequota-controller',
    logLabel: 'resourcequota',
    describeError: String,
    reconcile,
    onChange,
    resync(context, queue) {
      for (const quota of context.store.list(QUOTAS).items) {
        const namespace = quota.metadata.namespace ?? '';
        quotaNamespaces.set(namespace, (quotaNamespaces.get(namespace) ?? 0) + 1);
        queue.add(namespace);
      }
    },
    reset: () => quotaNamespaces.clear(),
  });
}
