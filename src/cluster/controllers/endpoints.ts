/**
 * The Endpoints controller (pkg/controller/endpoint/endpoints_controller.go), kubernetes-facts.md §3:
 * for every Service with a selector (ExternalName and selector-less Services are skipped), an
 * Endpoints object of the same name listing the eligible Pods that match the selector in the
 * Service's namespace — ready ones in `addresses`, the others in `notReadyAddresses` (all in
 * `addresses` with publishNotReadyAddresses) — with each Service port resolved per Pod (named
 * targetPorts by name + protocol over the containers) and subsets repacked so addresses with the
 * same ports share one subset. Terminating Pods are dropped unless publishNotReadyAddresses.
 * Labels are the Service's plus `service.kubernetes.io/headless` for headless Services; the
 * `endpoints.kubernetes.io/last-change-trigger-time` annotation is stamped on each change, and
 * nothing is written when the result is unchanged. More than 1000 addresses are truncated (ready
 * ones kept first) with `endpoints.kubernetes.io/over-capacity: truncated`. The Endpoints object
 * goes when its Service goes.
 *
 * Also exports what the EndpointSlice controller shares with it: the Pod/port helpers
 * (staging/src/k8s.io/endpointslice) and the Service-keyed controller loop.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store, StoreChange } from '../store/types.js';
import { deleteIfPresent, KeyedQueue, QueueLoop, objectKey, splitKey, type Controller, type ControllerContext } from './runtime.js';
import {
  arr,
  canonicalJson,
  isObject,
  isPodReady,
  isTerminating,
  jsonEqual,
  labelsOf,
  matchesMap,
  num,
  obj,
  podPhase,
  str,
  stringMap,
  type JsonObject,
} from './pod-template.js';
import { compareText } from '../../lib/compare.js';
import { rfc3339Nano } from '../time.js';

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
const MAX_ENDPOINTS_CAPACITY = 1000;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/** The selector the endpoint controllers act on; undefined = they leave the Service alone. */
export function managedSelector(service: KubeObject): Record<string, string> | undefined {
  if (str(service, 'spec', 'type') === 'ExternalName') return undefined;
  const selector = stringMap(obj(service, 'spec')?.selector);
  // An empty map does not survive the API server's storage round trip: it reads back as nil.
  return Object.keys(selector).length ? selector : undefined;
}

export function isHeadless(service: KubeObject): boolean {
  return str(service, 'spec', 'clusterIP') === 'None';
}

export function podIp(pod: KubeObject): string | undefined {
  const ip = str(pod, 'status', 'podIP');
  if (ip) return ip;
  const first = arr(pod, 'status', 'podIPs')[0];
  return str(first, 'ip') || undefined;
}

/** ShouldPodBeInEndpoints: has an IP, not terminal, and terminating only if wanted. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (!podIp(pod)) return false;
  const phase = podPhase(pod);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!includeTerminating && isTerminating(pod)) return false;
  return true;
}

/**
 * podutil.FindPort: an int targetPort as is; a named one by container port name + protocol over
 * the containers, then sidecar (restartPolicy Always) init containers. undefined = not on this Pod.
 */
export function findPort(pod: KubeObject, servicePort: unknown): number | undefined {
  const target = field0(servicePort, 'targetPort') ?? field0(servicePort, 'port');
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  const protocol = str(servicePort, 'protocol') ?? 'TCP';
  const containers = [
    ...arr(pod, 'spec', 'containers'),
    ...arr(pod, 'spec', 'initContainers').filter((c) => str(c, 'restartPolicy') === 'Always'),
  ];
  for (const c of containers) {
    for (const p of arr(c, 'ports')) {
      if (str(p, 'name') === target && (str(p, 'protocol') ?? 'TCP') === protocol) return num(p, 'containerPort');
    }
  }
  return undefined;
}

function field0(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

export function targetRef(pod: KubeObject): JsonObject {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** A Pod's hostname in a Service's DNS: spec.hostname when spec.subdomain names the Service. */
export function podHostname(pod: KubeObject, service: KubeObject): string | undefined {
  const hostname = str(pod, 'spec', 'hostname');
  return hostname && str(pod, 'spec', 'subdomain') === service.metadata.name ? hostname : undefined;
}

/** Labels the endpoint objects carry: the Service's, plus the headless marker when headless. */
export function serviceLabels(service: KubeObject): Record<string, string> {
  const labels = { ...labelsOf(service) };
  if (isHeadless(service)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

/**
 * Which Services select which Pods, kept from store changes so a Pod's change can be mapped to the
 * Services to re-sync without reading the store inside the subscription callback.
 */
export class ServiceSelectorIndex {
  private readonly services = new Map<string, { namespace: string; selector?: Record<string, string> }>();

  set(service: KubeObject): void {
    this.services.set(objectKey(service), { namespace: service.metadata.namespace ?? '', selector: managedSelector(service) });
  }

  delete(key: string): void {
    this.services.delete(key);
  }

  /** Keys of the Services whose selector matches the Pod now or matched it before the change. */
  forPod(pod: KubeObject, previous?: KubeObject): string[] {
    const out: string[] = [];
    for (const [key, entry] of this.services) {
      if (!entry.selector || entry.namespace !== pod.metadata.namespace) continue;
      if (matchesMap(entry.selector, labelsOf(pod)) || (previous && matchesMap(entry.selector, labelsOf(previous)))) out.push(key);
    }
    return out;
  }

  keys(): string[] {
    return [...this.services.keys()];
  }

  /**
   * Keeps the index current with a store change and returns the Service keys it asks to re-sync:
   * the Service itself, or the Services selecting a changed Pod. undefined for other resources.
   */
  observe(change: StoreChange): string[] | undefined {
    if (isService(change)) {
      const key = objectKey(change.object);
      if (change.type === 'DELETED') this.delete(key);
      else this.set(change.object);
      return [key];
    }
    if (isPod(change)) return this.forPod(change.object, change.previous);
    return undefined;
  }

  /** Indexes every Service in the store and returns their keys, for the first sync at start. */
  load(store: Store): string[] {
    for (const service of store.list('services').items) this.set(service);
    return this.keys();
  }

  clear(): void {
    this.services.clear();
  }
}

export function isService(change: StoreChange): boolean {
  return change.resource.group === '' && change.resource.plural === 'services';
}

export function isPod(change: StoreChange): boolean {
  return change.resource.group === '' && change.resource.plural === 'pods';
}

/** The Pods in the Service's namespace its selector matches, by name (the controllers' podLister). */
export function selectedPods(store: Store, namespace: string, selector: Record<string, string>): KubeObject[] {
  return store
    .list('pods', { namespace })
    .items.filter((p) => matchesMap(selector, labelsOf(p)))
    .sort((a, b) => compareText(a.metadata.name ?? '', b.metadata.name ?? ''));
}

/** What a Service-keyed controller's sync is given. */
export interface ServiceSync {
  ctx: ControllerContext;
  queue: KeyedQueue;
  /** The Services and which Pods they select, kept current from store changes. */
  index: ServiceSelectorIndex;
}

/**
 * The loop both endpoint controllers run (each a Service-keyed workqueue in
 * pkg/controller/endpoint and pkg/controller/endpointslice): Service changes and Pod changes
 * (through the selector index) queue the Service's key, every Service is synced once at start,
 * and `sync` runs per key. `onOtherChange` sees the store changes that are neither.
 */
export function serviceKeyedController(
  name: string,
  /** Prefix of the diagnostic log line when a sync throws. */
  logLabel: string,
  sync: (run: ServiceSync, key: string) => void,
  onOtherChange?: (change: StoreChange, run: ServiceSync) => void,
): Controller {
  const index = new ServiceSelectorIndex();
  const loop = new QueueLoop();
  return loop.controller({
    name,
    logLabel,
    reconcile: (key, ctx, queue) => sync({ ctx, queue, index }, key),
    onChange(change, queue) {
      const services = index.observe(change);
      if (services) for (const key of services) queue.add(key);
      else if (loop.ctx) onOtherChange?.(change, { ctx: loop.ctx, queue, index });
    },
    resync(ctx, queue) {
      for (const key of index.load(ctx.store)) queue.add(key);
    },
    reset: () => index.clear(),
  });
}

// ---------------------------------------------------------------------------------------------
// Subsets
// ---------------------------------------------------------------------------------------------

interface AddressEntry {
  address: JsonObject;
  ready: boolean;
  ports: JsonObject[];
}

function endpointPort(servicePort: unknown, port: number): JsonObject {
  const out: JsonObject = {};
  const name = str(servicePort, 'name');
  if (name) out.name = name;
  out.port = port;
  out.protocol = str(servicePort, 'protocol') ?? 'TCP';
  const appProtocol = str(servicePort, 'appProtocol');
  if (appProtocol) out.appProtocol = appProtocol;
  return out;
}

function compareAddress(a: unknown, b: unknown): number {
  return compareText(String(field0(a, 'ip')), String(field0(b, 'ip'))) || compareText(String(field0(field0(a, 'targetRef'), 'uid')), String(field0(field0(b, 'targetRef'), 'uid')));
}

/** The subsets a real controller would write for these Pods (after RepackSubsets). */
export function computeSubsets(service: KubeObject, pods: KubeObject[]): JsonObject[] {
  const publishNotReady = obj(service, 'spec')?.publishNotReadyAddresses === true;
  const servicePorts = arr(service, 'spec', 'ports');
  const entries: AddressEntry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address: JsonObject = { ip: podIp(pod) };
    const hostname = podHostname(pod, service);
    if (hostname) address.hostname = hostname;
    const nodeName = str(pod, 'spec', 'nodeName');
    if (nodeName) address.nodeName = nodeName;
    address.targetRef = targetRef(pod);
    const ready = publishNotReady || isPodReady(pod);
    const ports: JsonObject[] = [];
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port !== undefined) ports.push(endpointPort(sp, port));
    }
    // A Pod none of whose ports resolve is left out, except for a port-less headless Service.
    if (ports.length === 0 && !(servicePorts.length === 0 && isHeadless(service))) continue;
    ports.sort((a, b) => compareText(String(a.name ?? ''), String(b.name ?? '')) || Number(a.port) - Number(b.port));
    entries.push({ address, ready, ports });
  }
  const groups = new Map<string, { ports: JsonObject[]; addresses: JsonObject[]; notReady: JsonObject[] }>();
  for (const e of entries) {
    const key = canonicalJson(e.ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: e.ports, addresses: [], notReady: [] }));
    (e.ready ? g.addresses : g.notReady).push(e.address);
  }
  const subsets: JsonObject[] = [];
  for (const g of groups.values()) {
    const subset: JsonObject = {};
    if (g.addresses.length) subset.addresses = g.addresses.sort(compareAddress);
    if (g.notReady.length) subset.notReadyAddresses = g.notReady.sort(compareAddress);
    if (g.ports.length) subset.ports = g.ports;
    subsets.push(subset);
  }
  const firstIp = (s: JsonObject) => String(field0(arr(s, 'addresses')[0] ?? arr(s, 'notReadyAddresses')[0], 'ip') ?? '');
  return subsets.sort((a, b) => compareText(firstIp(a), firstIp(b)));
}

/** Caps the total at 1000 addresses, ready ones first (facts §3, "over-capacity"). */
export function truncateSubsets(subsets: JsonObject[], max = MAX_ENDPOINTS_CAPACITY): { subsets: JsonObject[]; truncated: boolean } {
  const total = subsets.reduce((n, s) => n + arr(s, 'addresses').length + arr(s, 'notReadyAddresses').length, 0);
  if (total <= max) return { subsets, truncated: false };
  let budget = max;
  const out = subsets.map((s) => ({ ...s }));
  for (const listName of ['addresses', 'notReadyAddresses']) {
    for (const s of out) {
      const list = arr(s, listName);
      if (!list.length) continue;
      const kept = list.slice(0, Math.max(0, budget));
      budget -= kept.length;
      if (kept.length) s[listName] = kept;
      else delete s[listName];
    }
  }
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), truncated: true };
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

export function createEndpointsController(): Controller {
  return serviceKeyedController('endpoint-controller', 'endpoints', reconcile);
}

function reconcile({ ctx }: ServiceSync, key: string): void {
  const { store, clock } = ctx;
  const { namespace, name } = splitKey(key);
  if (!namespace) return;
  const service = store.tryGet('services', namespace, name);
  if (!service) {
    deleteIfPresent(store, 'endpoints', namespace, name);
    return;
  }
  const selector = managedSelector(service);
  if (!selector) return;
  const pods = selectedPods(store, namespace, selector);
  const { subsets, truncated } = truncateSubsets(computeSubsets(service, pods));
  const labels = serviceLabels(service);
  const existing = store.tryGet('endpoints', namespace, name);
  const existingAnnotations = existing?.metadata.annotations ?? {};
  const overCapacityOk = truncated ? existingAnnotations[OVER_CAPACITY_ANNOTATION] === 'truncated' : existingAnnotations[OVER_CAPACITY_ANNOTATION] === undefined;
  if (existing && jsonEqual(arr(existing, 'subsets'), subsets) && jsonEqual(existing.metadata.labels ?? {}, labels) && overCapacityOk) return;

  const trigger = rfc3339Nano(clock.now());
  const annotations: Record<string, string> = { ...existingAnnotations, [TRIGGER_TIME_ANNOTATION]: trigger };
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  if (!existing) {
    const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels, annotations } };
    if (subsets.length) body.subsets = subsets;
    store.create('endpoints', namespace, body);
    return;
  }
  store.mutate('endpoints', namespace, name, (copy) => {
    copy.metadata.labels = labels;
    copy.metadata.annotations = annotations;
    if (subsets.length) copy.subsets = subsets;
    else delete copy.subsets;
    return copy;
  });
}
