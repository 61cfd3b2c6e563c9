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
 * timer: Pods of the namespace carrying any selector key, Pods of other namespaces matching the
 * selector, and the namespace's workloads.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import { RESOURCES, type ObjectSource, type SourceProblem, type WatchRequest } from './source.js';
import { WatchSet } from './watch-set.js';

export interface NearMissCandidates {
  sameNamespace: KubeObject[];
  otherNamespaces: KubeObject[];
  workloads: KubeObject[];
}

export interface ServiceObjects {
  namespace: string;
  name: string;
  /** The first list of the Service has arrived (until then "absent" is not known yet). */
  synced: boolean;
  service?: KubeObject;
  /** The Service existed during this trace and is gone now. */
  deleted: boolean;
  pods: KubeObject[];
  endpointSlices: KubeObject[];
  endpoints?: KubeObject;
  endpointSlicesServed: boolean;
  events: KubeObject[];
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
  const refreshMs = options.nearMissRefreshMs ?? 5000;
  let serviceSeen = false;
  let nearMiss: NearMissCandidates | undefined;
  let nearMissTimer: TimerHandle | undefined;
  let nearMissFor: string | undefined;
  let scheduled = false;
  let stopped = false;

  const emit = () => {
    scheduled = false;
    if (stopped || signal.aborted) return;
    options.onUpdate(snapshot());
  };
  // Coalesce bursts (a re-list delivers hundreds of events) into one update per macrotask.
  const changed = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(emit);
  };

  const watches = new WatchSet(source, signal, () => {
    followSelector();
    changed();
  });

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
      void refreshNearMiss(selector!, labelSelector);
    } else if (!matchesNothing && nearMissFor !== undefined) {
      nearMissFor = undefined;
      nearMiss = undefined;
      nearMissTimer?.cancel();
    }
  }

  async function refreshNearMiss(selector: Record<string, string>, forSelector: string): Promise<void> {
    const keys = Object.keys(selector);
    const lists = await Promise.allSettled([
      // One LIST per selector key (`key` = "has the label"): a Pod that differs in one value still has the key.
      ...keys.map((key) => source.list(ns(RESOURCES.pods, { labelSelector: key }), signal)),
      source.list({ resource: RESOURCES.pods, labelSelector: forSelector }, signal),
      source.list(ns(RESOURCES.deployments), signal),
      source.list(ns(RESOURCES.statefulSets), signal),
      source.list(ns(RESOURCES.daemonSets), signal),
    ]);
    if (stopped || signal.aborted || nearMissFor !== forSelector) return;
    const value = (i: number) => {
      const r = lists[i];
      return r && r.status === 'fulfilled' ? r.value : [];
    };
    const sameNamespace = new Map<string, KubeObject>();
    for (let i = 0; i < keys.length; i++) for (const pod of value(i)) sameNamespace.set(pod.metadata.name ?? '', pod);
    nearMiss = {
      sameNamespace: [...sameNamespace.values()],
      otherNamespaces: value(keys.length).filter((pod) => pod.metadata.namespace !== namespace),
      workloads: [...value(keys.length + 1), ...value(keys.length + 2), ...value(keys.length + 3)],
    };
    changed();
    nearMissTimer = clock.setTimeout(() => {
      if (nearMissFor === forSelector) void refreshNearMiss(selector, forSelector);
    }, refreshMs);
  }

  function snapshot(): ServiceObjects {
    const service = currentService();
    const pods = service ? watches.objects('pods') : [];
    const podNames = new Set(pods.map((pod) => pod.metadata.name));
    const events = watches.objects('events').filter((event) => {
      const involved = event.involvedObject as { kind?: string; name?: string } | undefined;
      if (!involved) return false;
      return (involved.kind === 'Service' && involved.name === name) || (involved.kind === 'Pod' && podNames.has(involved.name));
    });
    const problems: Record<string, SourceProblem> = {};
    for (const watchName of ['service', 'pods', 'endpointslices', 'endpoints', 'events', 'networkpolicies', 'dns-service', 'dns-pods', 'proxy-pods']) {
      const problem = watches.problem(watchName);
      if (problem) problems[watchName] = problem;
    }
    const slicesServed = problems.endpointslices?.kind !== 'not-found';
    return {
      namespace,
      name,
      synced: watches.synced('service'),
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
      stopped = true;
      nearMissTimer?.cancel();
      watches.stopAll();
    },
  };
}
