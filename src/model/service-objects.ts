/**
 * Follows everything `trace service` needs for one Service, with server-side filters only
 * (design.md §1, issue 3):
 * - the Service:          fieldSelector metadata.name=NAME
 * - its Pods:             labelSelector = the Service's selector; restarted when the selector changes
 * - its EndpointSlices:   labelSelector kubernetes.io/service-name=NAME (v1 Endpoints by name as well,
 *                         used only on clusters that serve no EndpointSlices)
 * - Warning Events:       fieldSelector type=Warning in the namespace, kept for the Service and its Pods
 *                         (an Event field selector cannot OR several involved objects; Warnings are few)
 * - NetworkPolicies:      the namespace's (policies are few and any of them may select the Pods)
 * - cluster DNS:          kube-system Service kube-dns and Pods k8s-app=kube-dns
 * - kube-proxy:           kube-system Pods k8s-app=kube-proxy
 * Near misses (only while the selector matches nothing) come from one-off LISTs, refreshed on a
 * timer: the namespace's Pods (capped), Pods of other namespaces matching the selector, and the
 * namespace's workloads.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import { RESOURCES, type ObjectSource, type SourceProblem, type WatchRequest } from './source.js';
import { eventsInvolvingCached, startFollower } from './follower.js';

/** Watch names, as `problems` reports them. */
const SERVICE_WATCHES = ['service', 'pods', 'endpointslices', 'endpoints', 'events', 'networkpolicies', 'dns-service', 'dns-pods', 'proxy-pods'] as const;

/** One-off near-miss LISTs read at most this many objects each. */
const NEAR_MISS_LIST_LIMIT = 500;

export interface NearMissCandidates {
  sameNamespace: KubeObject[];
  otherNamespaces: KubeObject[];
  workloads: KubeObject[];
}

export interface ServiceObjects {
  namespace: string;
  name: string;
  /**
   * Every watch the verdict rests on (the Service, its Pods, its EndpointSlices, cluster DNS and
   * kube-proxy) has delivered its first full state or reported why it cannot. Until then an empty list means "not known yet",
   * not "none": a trace must not flash "absent" or "matches no Pods" at start-up.
   */
  synced: boolean;
  service?: KubeObject;
  /** The Service existed during this trace and is gone now. */
  deleted: boolean;
  pods: KubeObject[];
  endpointSlices: KubeObject[];
  endpoints?: KubeObject;
  endpointSlicesServed: boolean;
  events: readonly KubeObject[];
  dnsService?: KubeObject;
  dnsPods: KubeObject[];
  proxyPods: KubeObject[];
  networkPolicies: KubeObject[];
  nearMiss?: NearMissCandidates;
  /** Watches that cannot deliver, by watch name (service, pods, endpointslices, events, …). */
  problems: Record<string, SourceProblem>;
  reconnecting: boolean;
}

export interface ServiceObjectsOptions {
  source: ObjectSource;
  namespace: string;
  name: string;
  clock: Clock;
  signal: AbortSignal;
  /** Called (coalesced) whenever what the trace sees may have changed. */
  onUpdate: (objects: ServiceObjects) => void;
  /** How often near-miss candidates are re-listed while the selector matches nothing. */
  nearMissRefreshMs?: number;
}

/** The Service selector as a label selector string, keys sorted so equal maps give equal strings. */
export function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map((key) => `${key}=${selector[key]}`).join(',');
}

function serviceSelector(service: KubeObject | undefined): Record<string, string> | undefined {
  const spec = service?.spec as { selector?: unknown; type?: unknown } | undefined;
  if (!spec || spec.type === 'ExternalName') return undefined;
  const selector = spec.selector;
  if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) return undefined;
  return selector as Record<string, string>;
}

export function followServiceObjects(options: ServiceObjectsOptions): { stop(): void } {
  const { source, namespace, name, clock, signal } = options;
  const refreshMs = options.nearMissRefreshMs ?? 10_000;
  let serviceSeen = false;
  let nearMiss: NearMissCandidates | undefined;
  let nearMissTimer: TimerHandle | undefined;
  let nearMissFor: string | undefined;

  const follower = startFollower({ source, signal, onEvent: followSelector, snapshot, onUpdate: options.onUpdate });
  const { watches, changed } = follower;

  const ns = (resource: WatchRequest['resource'], extra: Omit<WatchRequest, 'resource' | 'namespace'> = {}, inNamespace = namespace): WatchRequest =>
    ({ resource, namespace: inNamespace, ...extra });

  watches.set('service', ns(RESOURCES.services, { fieldSelector: `metadata.name=${name}` }));
  watches.set('endpointslices', ns(RESOURCES.endpointSlices, { labelSelector: `kubernetes.io/service-name=${name}` }));
  watches.set('endpoints', ns(RESOURCES.endpoints, { fieldSelector: `metadata.name=${name}` }));
  watches.set('events', ns(RESOURCES.events, { fieldSelector: 'type=Warning' }));
  watches.set('networkpolicies', ns(RESOURCES.networkPolicies));
  watches.set('dns-service', ns(RESOURCES.services, { fieldSelector: 'metadata.name=kube-dns' }, 'kube-system'));
  watches.set('dns-pods', ns(RESOURCES.pods, { labelSelector: 'k8s-app=kube-dns' }, 'kube-system'));
  watches.set('proxy-pods', ns(RESOURCES.pods, { labelSelector: 'k8s-app=kube-proxy' }, 'kube-system'));

  function currentService(): KubeObject | undefined {
    return watches.objects('service')[0];
  }

  /** Points the Pod watch at the Service's current selector (issue 3: "the Pod watch follows it"). */
  function followSelector(): void {
    const service = currentService();
    if (service) serviceSeen = true;
    const selector = serviceSelector(service);
    const labelSelector = selector ? selectorString(selector) : undefined;
    watches.set('pods', labelSelector ? ns(RESOURCES.pods, { labelSelector }) : undefined);
    const matchesNothing = labelSelector !== undefined && watches.synced('pods') && watches.objects('pods').length === 0;
    if (matchesNothing && nearMissFor !== labelSelector) {
      nearMissFor = labelSelector;
      nearMiss = undefined;
      nearMissTimer?.cancel();
      void refreshNearMiss(labelSelector);
    } else if (!matchesNothing && nearMissFor !== undefined) {
      nearMissFor = undefined;
      nearMiss = undefined;
      nearMissTimer?.cancel();
    }
  }

  async function refreshNearMiss(forSelector: string): Promise<void> {
    const lists = await Promise.allSettled([
      // A plain, capped LIST: a typo in a label *key* cannot be found with any label selector.
      source.list(ns(RESOURCES.pods), signal, NEAR_MISS_LIST_LIMIT),
      source.list({ resource: RESOURCES.pods, labelSelector: forSelector }, signal, NEAR_MISS_LIST_LIMIT),
      source.list(ns(RESOURCES.deployments), signal, NEAR_MISS_LIST_LIMIT),
      source.list(ns(RESOURCES.replicaSets), signal, NEAR_MISS_LIST_LIMIT),
      source.list(ns(RESOURCES.statefulSets), signal, NEAR_MISS_LIST_LIMIT),
      source.list(ns(RESOURCES.daemonSets), signal, NEAR_MISS_LIST_LIMIT),
    ]);
    if (follower.stopped || nearMissFor !== forSelector) return;
    const value = (i: number) => {
      const r = lists[i];
      return r && r.status === 'fulfilled' ? r.value : [];
    };
    nearMiss = {
      sameNamespace: value(0),
      otherNamespaces: value(1).filter((pod) => pod.metadata.namespace !== namespace),
      workloads: [...value(2), ...value(3), ...value(4), ...value(5)],
    };
    changed();
    nearMissTimer = clock.setTimeout(() => {
      if (nearMissFor === forSelector) void refreshNearMiss(forSelector);
    }, refreshMs);
  }

  const involvedEvents = eventsInvolvingCached();

  function snapshot(): ServiceObjects {
    const service = currentService();
    const pods = service ? watches.objects('pods') : [];
    const events = involvedEvents(watches.objects('events'), new Set([`Service/${name}`, ...pods.map((pod) => `Pod/${pod.metadata.name}`)]));
    const problems = follower.problems(SERVICE_WATCHES);
    const slicesServed = problems.endpointslices?.kind !== 'not-found';
    return {
      namespace,
      name,
      // The watches the verdict rests on; the Pod watch runs only once the Service has a selector.
      synced: ['service', 'pods', 'endpointslices', 'dns-service', 'dns-pods', 'proxy-pods'].every((watch) => follower.settled(watch)),
      service,
      deleted: serviceSeen && !service,
      pods,
      endpointSlices: watches.objects('endpointslices'),
      endpoints: watches.objects('endpoints')[0],
      endpointSlicesServed: slicesServed,
      events,
      dnsService: watches.objects('dns-service')[0],
      dnsPods: watches.objects('dns-pods'),
      proxyPods: watches.objects('proxy-pods'),
      networkPolicies: watches.objects('networkpolicies'),
      nearMiss,
      problems,
      reconnecting: watches.reconnecting(),
    };
  }

  return {
    stop() {
      follower.stop();
      nearMissTimer?.cancel();
    },
  };
}
