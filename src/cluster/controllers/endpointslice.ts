/**
 * The EndpointSlice controller (pkg/controller/endpointslice + staging/src/k8s.io/endpointslice
 * reconciler.go/utils.go), kubernetes-facts.md §3:
 *
 * - Services with a selector only (ExternalName and selector-less ones are left to their owners).
 * - One endpoint per eligible Pod matching the selector — terminating Pods included — with
 *   conditions serving = Pod Ready, terminating = deletionTimestamp set, ready =
 *   publishNotReadyAddresses || (serving && !terminating); nodeName, zone (the Node's
 *   topology.kubernetes.io/zone label), hostname, targetRef.
 * - Endpoints are grouped by their resolved port set, so Pods resolving a named targetPort
 *   differently land in different slices; at most 100 endpoints per slice.
 * - Slices: generateName `<svc>-`, addressType IPv4, labels = Service labels +
 *   kubernetes.io/service-name + endpointslice.kubernetes.io/managed-by (+ headless marker),
 *   ownerReference to the Service (controller: true), last-change-trigger-time annotation.
 * - Existing slices are updated in place: kept endpoints stay where they are, new ones fill the
 *   fullest slice with room, and a slice that would be deleted while another is created is
 *   rewritten instead (reconciler.finalize). Nothing is written when nothing changed.
 * - No endpoints at all → one placeholder slice with empty endpoints and ports.
 * - Pods on a Node the cluster does not know are skipped (unless publishNotReadyAddresses) and the
 *   Service is retried, as the real controller does.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { StoreChange } from '../store/types.js';
import { deleteIfPresent, splitKey, type Controller } from './runtime.js';
import {
  managedSelector,
  findPort,
  podHostname,
  podIp,
  selectedPods,
  serviceLabels,
  serviceKeyedController,
  type ServiceSync,
  shouldPodBeInEndpoints,
  targetRef,
  TRIGGER_TIME_ANNOTATION,
} from './endpoints.js';
import {
  arr,
  canonicalJson,
  controllerRef,
  isNotFound,
  isPodReady,
  isTerminating,
  jsonEqual,
  obj,
  ownerReference,
  str,
  type JsonObject,
} from './pod-template.js';
import { compareText } from '../../lib/compare.js';
import { rfc3339Nano } from '../time.js';

const SLICES = 'endpointslices.discovery.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface EndpointSliceControllerOptions {
  /** --max-endpoints-per-slice; default 100. */
  maxEndpointsPerSlice?: number;
}

interface DesiredGroup {
  ports: JsonObject[];
  endpoints: JsonObject[];
}

/** Slice port as the controller builds it (name is always present, "" when the Service port has none). */
function slicePort(servicePort: unknown, port: number): JsonObject {
  const out: JsonObject = { name: str(servicePort, 'name') ?? '', port, protocol: str(servicePort, 'protocol') ?? 'TCP' };
  const appProtocol = str(servicePort, 'appProtocol');
  if (appProtocol) out.appProtocol = appProtocol;
  return out;
}

function endpointKey(endpoint: unknown): string {
  const uid = str(endpoint, 'targetRef', 'uid');
  return uid ? `uid:${uid}` : `ip:${String(arr(endpoint, 'addresses')[0])}`;
}

/**
 * The endpoints of a Service, grouped by port set (key = canonical JSON of the ports).
 * `nodes` maps node name → zone ('' when unlabelled); Pods on unknown nodes are reported.
 */
export function desiredEndpoints(
  service: KubeObject,
  pods: KubeObject[],
  nodes: Map<string, string>,
): { groups: Map<string, DesiredGroup>; missingNode: boolean } {
  const publishNotReady = obj(service, 'spec')?.publishNotReadyAddresses === true;
  const servicePorts = arr(service, 'spec', 'ports');
  const groups = new Map<string, DesiredGroup>();
  let missingNode = false;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const nodeName = str(pod, 'spec', 'nodeName');
    const zone = nodeName ? nodes.get(nodeName) : undefined;
    if (nodeName && zone === undefined) {
      missingNode = true;
      if (!publishNotReady) continue;
    }
    const ports: JsonObject[] = [];
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port !== undefined) ports.push(slicePort(sp, port));
    }
    ports.sort((a, b) => compareText(String(a.name), String(b.name)) || Number(a.port) - Number(b.port));
    const serving = isPodReady(pod);
    const terminating = isTerminating(pod);
    const endpoint: JsonObject = {
      addresses: [podIp(pod)],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
    };
    const hostname = podHostname(pod, service);
    if (hostname) endpoint.hostname = hostname;
    endpoint.targetRef = targetRef(pod);
    if (nodeName) endpoint.nodeName = nodeName;
    if (zone) endpoint.zone = zone;
    const key = canonicalJson(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(endpoint);
  }
  return { groups, missingNode };
}

interface SliceWork {
  /** Existing slice to rewrite; undefined for a new one. */
  existing?: KubeObject;
  ports: JsonObject[];
  endpoints: JsonObject[];
  changed: boolean;
}

/**
 * Plans the writes that turn `existing` slices into `groups` (reconciler.reconcileByAddressType,
 * simplified): returns slices to create, update (with their new content) and delete.
 */
export function planSlices(
  existing: KubeObject[],
  groups: Map<string, DesiredGroup>,
  maxPerSlice: number,
): { create: SliceWork[]; update: SliceWork[]; remove: KubeObject[] } {
  const byKey = new Map<string, KubeObject[]>();
  for (const slice of existing) {
    const key = canonicalJson(arr(slice, 'ports'));
    byKey.set(key, [...(byKey.get(key) ?? []), slice]);
  }
  const create: SliceWork[] = [];
  const update: SliceWork[] = [];
  const remove: KubeObject[] = [];
  let total = 0;

  for (const [key, group] of groups) {
    total += group.endpoints.length;
    const wanted = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const placed = new Set<string>();
    const work: SliceWork[] = [];
    for (const slice of byKey.get(key) ?? []) {
      const endpoints: JsonObject[] = [];
      let changed = false;
      for (const ep of arr(slice, 'endpoints')) {
        const k = endpointKey(ep);
        const want = wanted.get(k);
        if (want && !placed.has(k) && endpoints.length < maxPerSlice) {
          endpoints.push(want);
          placed.add(k);
          if (!jsonEqual(ep, want)) changed = true;
        } else changed = true;
      }
      work.push({ existing: slice, ports: group.ports, endpoints, changed });
    }
    byKey.delete(key);
    const remaining = group.endpoints.filter((e) => !placed.has(endpointKey(e)));
    // Fill the slices closest to full first, as the real reconciler packs them.
    for (const w of [...work].sort((a, b) => b.endpoints.length - a.endpoints.length)) {
      while (remaining.length && w.endpoints.length < maxPerSlice) {
        w.endpoints.push(remaining.shift() as JsonObject);
        w.changed = true;
      }
    }
    while (remaining.length) create.push({ ports: group.ports, endpoints: remaining.splice(0, maxPerSlice), changed: true });
    for (const w of work) {
      if (w.endpoints.length === 0) remove.push(w.existing as KubeObject);
      else if (w.changed) update.push(w);
    }
  }
  for (const slices of byKey.values()) remove.push(...slices);

  if (total === 0) {
    // Placeholder: keep an existing empty slice as is, else create (or reuse) one.
    const keep = remove.find((s) => arr(s, 'endpoints').length === 0 && arr(s, 'ports').length === 0);
    if (keep) remove.splice(remove.indexOf(keep), 1);
    else create.push({ ports: [], endpoints: [], changed: true });
  }

  // reconciler.finalize: rather than delete one slice and create another, rewrite the old one.
  while (create.length && remove.length) {
    const work = create.pop() as SliceWork;
    work.existing = remove.pop();
    update.push(work);
  }
  return { create, update, remove };
}

export function createEndpointSliceController(options: EndpointSliceControllerOptions = {}): Controller {
  const maxPerSlice = options.maxEndpointsPerSlice ?? 100;

  function onOtherChange(change: StoreChange, { queue, index }: ServiceSync): void {
    if (change.resource.group === '' && change.resource.plural === 'nodes' && change.type !== 'MODIFIED') {
      for (const key of index.keys()) queue.add(key);
    } else if (change.resource.group === 'discovery.k8s.io' && change.resource.plural === 'endpointslices') {
      // Someone else changed or deleted one of our slices: put it back the way it should be.
      const svc = change.object.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc && change.object.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME) queue.add(`${change.object.metadata.namespace}/${svc}`);
    }
  }

  function reconcile({ ctx, queue }: ServiceSync, key: string): void {
    const { store, clock } = ctx;
    const { namespace, name } = splitKey(key);
    if (!namespace) return;
    // A deleted Service's slices go with it through their ownerReference (garbage collector).
    const service = store.tryGet('services', namespace, name);
    if (!service || isTerminating(service)) return;
    const selector = managedSelector(service);
    if (!selector) return;

    const pods = selectedPods(store, namespace, selector);
    const nodes = new Map<string, string>();
    for (const n of store.list('nodes').items) nodes.set(n.metadata.name ?? '', n.metadata.labels?.[ZONE_LABEL] ?? '');
    const { groups, missingNode } = desiredEndpoints(service, pods, nodes);
    if (missingNode) queue.addAfter(key, ctx.duration(1000));

    const labels = { ...serviceLabels(service), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: CONTROLLER_NAME };
    const managed = store.list(SLICES, { namespace, labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${CONTROLLER_NAME}` }).items;
    const existing: KubeObject[] = [];
    const stale: KubeObject[] = [];
    for (const slice of managed) {
      const owned = controllerRef(slice)?.uid === service.metadata.uid;
      if (owned && slice.addressType === 'IPv4' && !isTerminating(slice)) existing.push(slice);
      else if (!isTerminating(slice)) stale.push(slice);
    }
    const plan = planSlices(existing, groups, maxPerSlice);
    // Slices whose only difference is metadata (the Service's labels changed) are rewritten too.
    for (const slice of existing) {
      if (plan.remove.includes(slice) || plan.update.some((w) => w.existing === slice)) continue;
      if (!jsonEqual(slice.metadata.labels ?? {}, labels)) {
        plan.update.push({ existing: slice, ports: arr(slice, 'ports') as JsonObject[], endpoints: arr(slice, 'endpoints') as JsonObject[], changed: true });
      }
    }
    if (!plan.create.length && !plan.update.length && !plan.remove.length && !stale.length) return;

    const trigger = rfc3339Nano(clock.now());
    const owner = ownerReference(service, 'v1', 'Service');
    for (const work of plan.create) {
      store.create(SLICES, namespace, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${name}-`, namespace, labels, annotations: { [TRIGGER_TIME_ANNOTATION]: trigger }, ownerReferences: [owner] },
        addressType: 'IPv4',
        endpoints: work.endpoints,
        ports: work.ports,
      });
    }
    for (const work of plan.update) {
      const target = work.existing as KubeObject;
      try {
        store.mutate(SLICES, namespace, target.metadata.name ?? '', (copy) => {
          copy.metadata.labels = labels;
          copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [TRIGGER_TIME_ANNOTATION]: trigger };
          copy.endpoints = work.endpoints;
          copy.ports = work.ports;
          return copy;
        });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    for (const slice of [...plan.remove, ...stale]) deleteIfPresent(store, SLICES, namespace, slice.metadata.name ?? '');
  }

  return serviceKeyedController('endpointslice-controller', 'endpointslices', reconcile, onOtherChange);
}
