/**
 * `kubespy trace service NAME`: why a Service does (not) get traffic to its Pods, as a checklist
 * (design.md §4). Pure: `analyseService(input)` reads only its input; time is `input.now`.
 *
 * Verdict rules, first match wins:
 * | # | verdict  | when                                                                                  |
 * |---|----------|---------------------------------------------------------------------------------------|
 * | 1 | deleted  | `deleted` is true (the Service was seen and is gone)                                  |
 * | 2 | absent   | no Service object (not created yet, or its read is unavailable)                       |
 * | 3 | failing  | a check is `fail`: selector matches nothing (after the grace below, or at once when a |
 * |   |          | near miss shows a typo), named targetPort declared by no Pod, no ready endpoint while |
 * |   |          | every Pod is stuck (image pull failure, crash loop, config error, unschedulable ≥15 s, |
 * |   |          | readiness probe failing), no ready kube-proxy on any endpoint node — EXCEPT a failing |
 * |   |          | `pods` check while the Service serves (rule 5): some Pods fail, traffic still flows   |
 * | 4 | pending  | not serving yet, or a check is `pending` (Pods starting, rollout in progress, load     |
 * |   |          | balancer being provisioned for < 60 s, no EndpointSlice yet)                          |
 * | 5 | degraded | serving (≥1 ready endpoint; ExternalName: has a target) but a check is `warn`, or      |
 * |   |          | `pods` is `fail` (e.g. 1 of 3 Pods crash-looping)                                     |
 * | 6 | ready    | every check is ok, info or skip                                                       |
 *
 * The `events` check never decides the verdict: events are evidence for the other checks, and a
 * probe that failed while a Pod started should not keep a healthy Service "degraded" for the hour
 * Events live. Grace for "selector matches nothing": 15 s after the Service was created (the
 * same window as for unschedulable Pods), because `kubectl apply -f` of a Service and its
 * Deployment creates the Service first and its Pods a moment later.
 *
 * Pods of an older ReplicaSet that a rollout is replacing count as progressing, not failing
 * (markReplacedByRollout): the fix being rolled out reads as `pending`, not as the old failure.
 * Every grace period and hint is simulated time, divided by `input.timeScale`.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { agoInWords, inWords } from './age.js';
import { type EndpointPort, type EndpointSummary, summariseEndpoints } from './endpoints.js';
import {
  MAX_EVENT_LINES,
  applyUnavailable,
  copyCheck,
  decideVerdict,
  makeCheck,
  missingReport,
  objectList,
  objectOrUndefined,
  summaryLine,
  warningsCheck,
} from './checklist.js';
import { type EventView, dedupeEvents, viewEvent } from './events.js';
import { type Labels, formatLabels, mapMatches } from './labels.js';
import { findNearMisses } from './near-miss.js';
import { analysePolicies, type TargetPort } from './network-policy.js';
import { describeChain, groupBy, ownerChain } from './owners.js';
import { POD_HEALTH_ORDER, type PodState, UNSCHEDULABLE_GRACE_MS, describePod, isPodReady, readyFacts, scaled } from './pod-state.js';
import {
  type ServicePort,
  declaredPorts,
  describeContainerPort,
  describeServicePort,
  resolveTargetPort,
  servicePorts,
} from './ports.js';
import { capLines, get, isRec, labelsOf, memoByIdentity, meta, nameOf, perObject, plural, rec, recs, sameItems, str, stringMap, strings, time } from './read.js';
import type { Check, CheckStatus, TraceReport } from './types.js';
import { compareText } from '../lib/compare.js';

export const SERVICE_CHECK_IDS = [
  'service',
  'selector',
  'pods',
  'endpoints',
  'ports',
  'address',
  'dns',
  'proxy',
  'networkpolicy',
  'events',
] as const;

export type ServiceCheckId = (typeof SERVICE_CHECK_IDS)[number];

/**
 * Everything the service trace needs, as the model layer fetches it. Each field says how it can be
 * fetched with server-side filters (design.md §1: never watch a whole kind to filter locally).
 */
export interface ServiceTraceInput {
  /** Namespace and name of the traced Service. */
  namespace: string;
  name: string;
  /** Epoch milliseconds: the time the report is for (ages, grace periods). */
  now: number;
  /** The Service (watch services, fieldSelector metadata.name=NAME). Absent: not created yet. */
  service?: KubeObject;
  /** True when the Service was seen and then deleted (a DELETED event). */
  deleted?: boolean;
  /**
   * Pods of the namespace the selector matches (watch pods, labelSelector = the Service's
   * `spec.selector`). Empty for ExternalName Services and Services without a selector. Pods that
   * do not match are ignored, so a stale cache entry after a selector change does no harm.
   */
  pods: KubeObject[];
  /**
   * Optional: the controllers named by the matched Pods' controller ownerReferences (usually their
   * ReplicaSets; GET by name), to name the Deployment above. Without them the Deployment name is
   * inferred from the ReplicaSet name and the `pod-template-hash` label.
   */
  owners?: KubeObject[];
  /**
   * Only while the selector matches no Pod: one-off LISTs to find what the user meant.
   * - sameNamespace: Pods of the namespace (a plain LIST, may be capped with `limit`; a key typo
   *   cannot be found with a label selector, so any label filter would hide it);
   * - otherNamespaces: Pods of all namespaces matching the selector (LIST /api/v1/pods with
   *   labelSelector = the selector);
   * - workloads: Deployments, ReplicaSets, StatefulSets and DaemonSets of the namespace.
   */
  nearMiss?: { sameNamespace: KubeObject[]; otherNamespaces: KubeObject[]; workloads: KubeObject[] };
  /** EndpointSlices of the Service (watch endpointslices, labelSelector kubernetes.io/service-name=NAME). */
  endpointSlices: KubeObject[];
  /** False when discovery.k8s.io/v1 is not served: `endpoints` is read instead. */
  endpointSlicesServed: boolean;
  /** The v1 Endpoints named like the Service (fieldSelector metadata.name=NAME); only read when slices are not served. */
  endpoints?: KubeObject;
  /**
   * core/v1 Events of the Service and of its Pods (watch events, fieldSelector
   * involvedObject.kind=Service,involvedObject.name=NAME, and per Pod involvedObject.name=POD).
   * Events about objects that are not the Service, its Endpoints or a matched Pod are ignored.
   */
  events: readonly KubeObject[];
  /** Cluster DNS: the kube-system/kube-dns Service and the DNS Pods (labelSelector k8s-app=kube-dns). */
  dns: { service?: KubeObject; pods: KubeObject[]; clusterDomain: string };
  /**
   * Service proxies: kube-proxy Pods (kube-system, labelSelector k8s-app=kube-proxy) or a
   * replacement's (e.g. k8s-app=cilium); Nodes, when readable, to tell a NotReady node apart.
   */
  proxy: { pods: KubeObject[]; nodes?: KubeObject[] };
  /** NetworkPolicies of the Service's namespace (a LIST/watch of networkpolicies in NAMESPACE). */
  networkPolicies: KubeObject[];
  /**
   * Checks that cannot be performed, by check id, with the reason in words, e.g. RBAC:
   * "cannot watch endpointslices.discovery.k8s.io in namespace shop: forbidden". Those checks
   * show `skip` with the reason; the others carry on.
   */
  unavailable?: Partial<Record<ServiceCheckId, string>>;
  /** True while the watches reconnect: the report may be stale, and the summary says so. */
  reconnecting?: boolean;
  /**
   * How much faster than real time the cluster runs (the embedded cluster's speed factor; 1 for
   * real clusters, the default): grace periods and hints that wait for time to pass are divided
   * by it, so a demo at speed 10 shows the 60 s load-balancer hint after 6 s.
   */
  timeScale?: number;
}

/** How long a load balancer may stay pending before kubespy suggests that no controller serves it. */
export const LB_PENDING_HINT_MS = 60_000;
/** Grace before "selector matches no Pods" counts as failing (see the verdict table). */
export const EMPTY_SELECTOR_GRACE_MS = UNSCHEDULABLE_GRACE_MS;
/** Cap on per-object detail lines, so the live view stays bounded however large the Service. */
export const MAX_POD_LINES = 10;

interface PodView {
  pod: KubeObject;
  name: string;
  state: PodState;
}

/** Facts derived once and shared by the checks. */
interface Context {
  input: ServiceTraceInput;
  service: KubeObject;
  type: string;
  headless: boolean;
  externalName?: string;
  /** undefined: no selector (endpoints managed by hand). */
  selector?: Labels;
  selectorText: string;
  created?: number;
  pods: readonly PodView[];
  ports: readonly ServicePort[];
  endpoints: EndpointSummary;
  fqdn: string;
}

const check = makeCheck<ServiceCheckId>;

function typeOf(service: unknown): string {
  return str(get(service, 'spec', 'type')) ?? 'ClusterIP';
}

function isHeadless(service: unknown): boolean {
  return str(get(service, 'spec', 'clusterIP')) === 'None';
}

function typeLabel(service: unknown): string {
  return isHeadless(service) ? `${typeOf(service)} (headless)` : typeOf(service);
}

// ───────────────────────────── checks ─────────────────────────────

function serviceCheck(ctx: Context): Check {
  const { service, type, input } = ctx;
  const details: string[] = [];
  if (ctx.created !== undefined) details.push(`created ${agoInWords(input.now, ctx.created)} ago`);
  if (get(service, 'spec', 'publishNotReadyAddresses') === true) {
    details.push('publishNotReadyAddresses: Pods get traffic (and DNS records) before they are ready');
  }
  if (get(service, 'spec', 'externalTrafficPolicy') === 'Local' && type !== 'ClusterIP') {
    details.push('externalTrafficPolicy Local: only nodes hosting a ready endpoint answer external traffic');
  }
  if (get(service, 'spec', 'internalTrafficPolicy') === 'Local') {
    details.push('internalTrafficPolicy Local: in-cluster clients reach only endpoints on their own node');
  }
  if (meta(service)['deletionTimestamp']) {
    const finalizers = strings(meta(service)['finalizers']);
    return check('service', 'warn', `being deleted${finalizers.length ? ` (waiting for finalizers: ${finalizers.join(', ')})` : ''}`, details);
  }
  return check('service', 'ok', `exists, type ${typeLabel(service)}`, details);
}

/**
 * Pods a rollout is replacing. When the selected Pods belong to several ReplicaSets of one
 * Deployment, the Deployment controller is moving to the newest one (the ReplicaSet of the Pod
 * created last) and scales the others down, their unhealthy Pods first (deployment controller,
 * rolling.go cleanupUnhealthyReplicas; `kubectl rollout status` waits meanwhile). A failing or
 * unhealthy Pod of an older ReplicaSet is then the past the rollout is fixing, not a new failure:
 * it counts as progressing, and its words say so. Pods of the newest ReplicaSet keep their
 * health, so a rollout whose new Pods fail still shows as failing (or degraded while the old
 * Pods serve). Creation times have second precision: when two ReplicaSets' newest Pods were
 * created in the same second, which one is newer is unknown and nothing is marked.
 */
function markReplacedByRollout(pods: PodView[], owners: readonly KubeObject[]): PodView[] {
  const replaced = new Set<PodView>();
  const rollouts = groupBy(pods, (p) => {
    const [replicaSet, deployment] = ownerChain(p.pod, owners);
    return replicaSet?.kind === 'ReplicaSet' && deployment?.kind === 'Deployment' ? deployment.name : '';
  });
  for (const [deployment, group] of rollouts) {
    if (!deployment) continue;
    const created = new Map<string, number>();
    for (const p of group) {
      const rs = ownerChain(p.pod, owners)[0]?.name ?? '';
      created.set(rs, Math.max(created.get(rs) ?? -Infinity, time(meta(p.pod)['creationTimestamp']) ?? -Infinity));
    }
    if (created.size < 2) continue;
    const newestTime = Math.max(...created.values());
    const newest = [...created].filter(([, t]) => t === newestTime);
    if (newest.length !== 1 || !Number.isFinite(newestTime)) continue;
    const [newestSet] = newest[0] as [string, number];
    for (const p of group) {
      const old = ownerChain(p.pod, owners)[0]?.name !== newestSet;
      if (old && (p.state.health === 'failing' || p.state.health === 'unhealthy')) replaced.add(p);
    }
  }
  return pods.map((p) =>
    replaced.has(p)
      ? {
          ...p,
          state: {
            ...p.state,
            health: 'progressing' as const,
            reason: `${p.state.reason} (old ReplicaSet)`,
            words: `${p.state.words} · old ReplicaSet, the rollout replaces it`,
          },
        }
      : p,
  );
}

/** describeOwnerGroups by Pod views (reused views give the same groups) and the owners they were for. */
const ownerGroups = memoByIdentity<readonly PodView[], { text: string; details: string[] }>();

function describeOwnerGroups(pods: readonly PodView[], owners: readonly KubeObject[]): { text: string; details: string[] } {
  // Biggest group first (the current ReplicaSet, usually), then by name, stable frame to frame.
  const groups = [...groupBy(pods, (p) => describeChain(ownerChain(p.pod, owners))).entries()].sort(
    (a, b) => b[1].length - a[1].length || compareText(a[0], b[0]),
  );
  if (groups.length === 1) {
    const [owner] = groups[0] as [string, PodView[]];
    if (owner === 'no owner') return { text: pods.length === 1 ? `Pod ${pods[0]?.name}` : `${pods.length} Pods without an owner`, details: [] };
    return { text: pods.length === 1 ? `1 Pod of ${owner}` : `${pods.length} Pods, all of ${owner}`, details: [] };
  }
  const parts = groups.map(([owner, list]) => (owner === 'no owner' ? `${list.length} without an owner` : `${list.length} of ${owner}`));
  if (groups.length <= 2) return { text: `${pods.length} Pods: ${parts.join(', ')}`, details: [] };
  return { text: `${pods.length} Pods of ${groups.length} owners`, details: capLines(parts, MAX_POD_LINES) };
}

function selectorCheck(ctx: Context): Check {
  const { input } = ctx;
  if (ctx.externalName !== undefined) return check('selector', 'skip', `ExternalName: DNS CNAME to ${ctx.externalName}`);
  if (!ctx.selector) return check('selector', 'info', 'no selector: endpoints are managed by hand');
  if (ctx.pods.length === 0 && podsUnreadable(ctx)) {
    const unavailable = rec(ctx.input.unavailable);
    return check('selector', 'skip', `not checked: ${str(unavailable['pods']) ?? str(unavailable['selector']) ?? ''}`);
  }
  if (ctx.pods.length > 0) {
    const owners = input.owners ?? NO_OBJECTS;
    const groups = ownerGroups(ctx.pods, [owners], () => describeOwnerGroups(ctx.pods, owners));
    return check('selector', 'ok', `${ctx.selectorText} → ${groups.text}`, [...groups.details]);
  }
  const nearMiss = input.nearMiss
    ? findNearMisses({
        selector: ctx.selector,
        namespace: input.namespace,
        sameNamespace: input.nearMiss.sameNamespace ?? [],
        otherNamespaces: input.nearMiss.otherNamespaces ?? [],
        workloads: input.nearMiss.workloads ?? [],
        ...(input.owners ? { owners: input.owners } : {}),
      })
    : { lines: [], coming: [] };
  const none = `${ctx.selectorText} matches no Pods in namespace ${input.namespace}`;
  if (nearMiss.lines.length > 0) return check('selector', 'fail', none, capLines(nearMiss.lines, MAX_EVENT_LINES));
  if (nearMiss.coming.length > 0) {
    return check('selector', 'pending', `${ctx.selectorText} matches no Pods yet`, nearMiss.coming.map((w) => `${w}: its Pod template matches, Pods not created yet`));
  }
  const young = ctx.created === undefined || input.now - ctx.created < scaled(EMPTY_SELECTOR_GRACE_MS, input.timeScale);
  if (young) return check('selector', 'pending', `${ctx.selectorText} matches no Pods yet`);
  return check('selector', 'fail', none, input.nearMiss ? ['no Pod or workload in the namespace comes close'] : []);
}

/** "10.244.1.7  node-1": a Pod's IP and node, read once per Pod object. */
const podPlace = perObject((pod) => `${str(get(pod, 'status', 'podIP')) ?? '-'}  ${str(get(pod, 'spec', 'nodeName')) ?? '-'}`);

/** Pods checks by Pod views: with Pods selected, the check reads nothing else. */
const podsChecks = memoByIdentity<readonly PodView[], Check>();

function podsCheck(ctx: Context): Check {
  if (ctx.externalName !== undefined) return check('pods', 'skip', `ExternalName: DNS CNAME to ${ctx.externalName}`);
  if (!ctx.selector) return check('pods', 'skip', 'no selector: no Pods are selected');
  if (ctx.pods.length === 0) return check('pods', 'pending', 'none selected');
  return copyCheck(podsChecks(ctx.pods, [], () => podsOf(ctx.pods)));
}

function podsOf(pods: readonly PodView[]): Check {
  const active = pods.filter((p) => p.state.health !== 'done');
  const ready = active.filter((p) => p.state.ready).length;
  const notReady = pods.filter((p) => !p.state.ready);
  const reasons = [...groupBy(notReady, (p) => p.state.reason).entries()].map(([reason, list]) => `${list.length} ${reason}`);
  const message = `${ready} of ${active.length} ready${reasons.length ? ` · ${reasons.join(', ')}` : ''}`;
  const lines = [...pods]
    .sort((a, b) => POD_HEALTH_ORDER[a.state.health] - POD_HEALTH_ORDER[b.state.health] || compareText(a.name, b.name))
    .map((p) => `${p.name}  ${podPlace(p.pod)}  ${p.state.words}`);
  const healths = new Set(pods.map((p) => p.state.health));
  const status: CheckStatus = healths.has('failing')
    ? 'fail'
    : healths.has('unhealthy')
      ? 'warn'
      : healths.has('progressing') || healths.has('terminating')
        ? 'pending'
        : ready > 0
          ? 'ok'
          : 'warn';
  return check('pods', status, message, capLines(lines, MAX_POD_LINES));
}

function endpointsCheck(ctx: Context, selector: Check): Check {
  if (ctx.externalName !== undefined) return check('endpoints', 'skip', `ExternalName: DNS CNAME to ${ctx.externalName}`);
  const e = ctx.endpoints;
  const from =
    e.source === 'endpoints'
      ? ' (v1 Endpoints: EndpointSlices are not served)'
      : e.sliceNames.length === 1
        ? ` (EndpointSlice ${e.sliceNames[0]})`
        : e.sliceNames.length > 1
          ? ` (${e.sliceNames.length} EndpointSlices)`
          : '';
  const counts = `${e.ready} ready, ${e.notReady} not ready, ${e.terminating} terminating${from}`;
  const total = e.entries.length;
  const byHand = !ctx.selector;
  const details: string[] = [];
  if (byHand) {
    details.push(
      ...capLines(
        e.entries.map((x) => `${x.address}${x.nodeName ? `  ${x.nodeName}` : ''}  ${x.ready ? 'ready' : x.terminating ? 'terminating' : 'not ready'}`),
        MAX_POD_LINES,
      ),
    );
  }
  const starting = ctx.pods.some((p) => p.state.health === 'progressing' || p.state.health === 'terminating');
  if (e.ready > 0) {
    if (e.notReady === 0 && e.terminating === 0) return check('endpoints', 'ok', counts, details);
    // Some endpoints wait: fine while Pods start or leave; if none does, they will stay out.
    // Pods all ready while an endpoint is not: the endpoint controllers are catching up.
    const lagging = ctx.pods.length > 0 && ctx.pods.every((p) => p.state.ready || p.state.health === 'done');
    return check('endpoints', starting || lagging || byHand || e.notReady === 0 ? 'pending' : 'warn', counts, details);
  }

  const what =
    e.source === 'none'
      ? ctx.input.endpointSlicesServed
        ? 'no EndpointSlice for this Service'
        : 'no Endpoints object for this Service'
      : total === 0
        ? e.source === 'endpoints'
          ? 'Endpoints has no addresses'
          : 'EndpointSlice has no endpoints'
        : counts;
  const message = `${what}: nothing will receive traffic`;
  if (byHand) {
    return check('endpoints', 'pending', message, [
      `a Service without a selector needs EndpointSlices labelled kubernetes.io/service-name=${ctx.input.name} (or an Endpoints object named ${ctx.input.name}), made by hand or by another controller`,
      ...details,
    ]);
  }
  // Pods unreadable (RBAC): the endpoints alone cannot tell starting from stuck.
  if (ctx.pods.length === 0) return check('endpoints', selector.status === 'fail' && !podsUnreadable(ctx) ? 'fail' : 'pending', message);
  // A ready Pod that no endpoint lists yet: the EndpointSlice controller is catching up (it
  // reacts to the Pod's Ready condition), so this is not a failure even if other Pods fail.
  const readyPods = ctx.pods.filter((p) => p.state.ready).length;
  if (readyPods > 0) {
    const allReady = ctx.pods.every((p) => p.state.ready || p.state.health === 'done');
    const which = allReady ? 'the selected Pods are ready' : `${readyPods} of the selected Pods ${readyPods === 1 ? 'is' : 'are'} ready`;
    return check('endpoints', 'pending', message, [`${which}: waiting for the EndpointSlice controller to list ${allReady || readyPods > 1 ? 'them' : 'it'}`]);
  }
  return check('endpoints', starting ? 'pending' : 'fail', message);
}

function podsUnreadable(ctx: Context): boolean {
  const unavailable = rec(ctx.input.unavailable);
  return str(unavailable['pods']) !== undefined || str(unavailable['selector']) !== undefined;
}

function targetLabel(p: ServicePort): string {
  return typeof p.targetPort === 'string' ? `container port "${p.targetPort}"` : `container port ${p.targetPort}`;
}

/**
 * The last ports check, with what it was read from: the Service's ports and kind, the selected Pods
 * that are not done, the endpoints' ports, whether Pods are readable — no time. A Service update
 * rarely changes its ports, and a Pod update rarely its declared ones (issue 6: per-update cost).
 */
let lastPorts: { key: string; pods: readonly KubeObject[]; endpointPorts: readonly EndpointPort[]; check: Check } | undefined;

function portsCheck(ctx: Context): Check {
  const pods = ctx.pods.filter((p) => p.state.health !== 'done').map((p) => p.pod);
  // Node ports are not read here: a flip between ClusterIP and NodePort keeps the check.
  const ports = ctx.ports.map((p) => [p.name ?? null, p.port, p.protocol, p.targetPort]);
  const key = JSON.stringify([ctx.externalName ?? null, ctx.headless, ctx.selector !== undefined, podsUnreadable(ctx), ports]);
  const last = lastPorts;
  const same = last !== undefined && last.key === key && last.endpointPorts === ctx.endpoints.ports && sameItems(last.pods, pods);
  const result = same ? last.check : portsOf(ctx, pods);
  if (!same) lastPorts = { key, pods, endpointPorts: ctx.endpoints.ports, check: result };
  return copyCheck(result);
}

function portsOf(ctx: Context, pods: readonly KubeObject[]): Check {
  if (ctx.externalName !== undefined) return check('ports', 'skip', `ExternalName: DNS CNAME to ${ctx.externalName}`);
  const ports = ctx.ports;
  if (ports.length === 0) {
    return ctx.headless
      ? check('ports', 'info', 'no ports: a headless Service without ports only publishes DNS records')
      : check('ports', 'warn', 'the Service declares no ports');
  }
  if (!ctx.selector) {
    const slicePorts = ctx.endpoints.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`);
    return check(
      'ports',
      'info',
      `no selector: traffic goes to the ports of the hand-made endpoints`,
      [...ports.map(describeServicePort).map((p) => `Service port ${p}`), ...(slicePorts.length ? [`endpoint ports: ${slicePorts.join(', ')}`] : [])],
    );
  }
  if (pods.length === 0 && ctx.endpoints.ports.length > 0) {
    // No Pod to look at (unreadable, or all gone) but the EndpointSlice says where traffic goes.
    const lines = ports.map((p) => {
      const match = ctx.endpoints.ports.find((e) => (e.name ?? '') === (p.name ?? '') && e.protocol === p.protocol);
      return `${describeServicePort(p)} → ${match ? `${match.port} (from the endpoints)` : 'no endpoint port'}`;
    });
    return check('ports', 'info', lines.length === 1 ? (lines[0] as string) : `${lines.length} ports, resolved from the endpoints`, lines.length === 1 ? [] : lines);
  }
  if (pods.length === 0) {
    if (podsUnreadable(ctx)) return check('ports', 'skip', 'cannot resolve target ports: the Pods are not readable');
    return check('ports', 'pending', 'no Pods to resolve target ports on yet', ports.map((p) => `${describeServicePort(p)} → ${targetLabel(p)}`));
  }
  const declared = pods.flatMap(declaredPorts);
  const declaredText = [...new Set(declared.map(describeContainerPort))].join(', ') || 'no ports';
  const lines: { status: CheckStatus; text: string }[] = [];
  for (const p of ports) {
    const resolved = pods.map((pod) => resolveTargetPort(p, pod)).filter((n): n is number => n !== undefined);
    const numbers = [...new Set(resolved)].sort((a, b) => a - b);
    const head = `${describeServicePort(p)} → ${targetLabel(p)}`;
    if (typeof p.targetPort === 'string') {
      if (resolved.length === 0) {
        lines.push({
          status: 'fail',
          text: `targetPort "${p.targetPort}" is not declared by any container of the selected Pods (they declare: ${declaredText})`,
        });
      } else if (resolved.length < pods.length) {
        lines.push({ status: 'warn', text: `${head} = ${numbers.join(' or ')} on ${resolved.length} of ${pods.length} Pods: the others get no traffic on this port` });
      } else {
        lines.push({ status: 'ok', text: `${head} = ${numbers.join(' or ')} on ${resolved.length} of ${pods.length} Pods` });
      }
      continue;
    }
    const declaring = pods.filter((pod) => declaredPorts(pod).some((d) => d.port === p.targetPort && d.protocol === p.protocol)).length;
    if (declaring > 0) {
      lines.push({ status: 'ok', text: `${head} on ${declaring} of ${pods.length} Pods` });
    } else if (declared.length === 0) {
      // Declaring container ports is informational (core/v1 Container.ports docs): traffic flows anyway.
      lines.push({ status: 'ok', text: `${head} (no container declares ports: make sure the app listens on ${p.targetPort})` });
    } else {
      lines.push({
        status: 'warn',
        text: `${head}: no container declares ${p.targetPort}/${p.protocol} (they declare: ${declaredText}); it works anyway if the app listens on it`,
      });
    }
  }
  const worst: CheckStatus = lines.some((l) => l.status === 'fail') ? 'fail' : lines.some((l) => l.status === 'warn') ? 'warn' : 'ok';
  const headline = lines.find((l) => l.status === worst) ?? lines[0];
  const message = lines.length === 1 || worst !== 'ok' ? (headline?.text ?? '') : `${lines.length} ports resolve on the selected Pods`;
  const details = lines.length === 1 ? [] : lines.map((l) => l.text);
  return check('ports', worst, message, details);
}

function addressCheck(ctx: Context): Check {
  const { service, type, input } = ctx;
  if (ctx.externalName !== undefined) return check('address', 'ok', `ExternalName → ${ctx.externalName}`);
  const parts: string[] = [];
  const details: string[] = [];
  let status: CheckStatus = 'ok';
  const clusterIPs = strings(get(service, 'spec', 'clusterIPs'));
  const clusterIP = str(get(service, 'spec', 'clusterIP'));
  const ips = clusterIPs.length > 0 ? clusterIPs : clusterIP ? [clusterIP] : [];
  if (ctx.headless) parts.push('headless: no cluster IP, DNS returns the Pod IPs');
  else if (ips.length === 0) {
    parts.push('no cluster IP yet');
    status = 'pending';
  } else parts.push(`cluster IP ${ips.join(', ')}`);

  if (type === 'NodePort' || type === 'LoadBalancer') {
    const nodePorts = ctx.ports.map((p) => p.nodePort).filter((n): n is number => n !== undefined);
    const wanted = type === 'NodePort' || get(service, 'spec', 'allocateLoadBalancerNodePorts') !== false;
    if (nodePorts.length > 0) parts.push(`node ${nodePorts.length === 1 ? 'port' : 'ports'} ${nodePorts.join(', ')}`);
    else if (wanted && ctx.ports.length > 0) {
      parts.push('no node port yet');
      if (status === 'ok') status = 'pending';
    }
  }

  if (type === 'LoadBalancer') {
    const ingress = recs(get(service, 'status', 'loadBalancer', 'ingress'));
    const addresses = ingress.map((i) => str(i['ip']) ?? str(i['hostname'])).filter((a): a is string => Boolean(a));
    const lbClass = str(get(service, 'spec', 'loadBalancerClass'));
    if (addresses.length > 0) {
      parts.push(`load balancer ${addresses.join(', ')}`);
      for (const i of ingress) {
        for (const p of recs(i['ports'])) {
          const error = str(p['error']);
          if (error) {
            details.push(`load balancer port ${String(p['port'])}/${str(p['protocol']) ?? 'TCP'}: ${error}`);
            status = 'warn';
          }
        }
      }
    } else {
      const age = ctx.created === undefined ? 0 : input.now - ctx.created;
      details.push(`pending for ${inWords(age)} (kubectl shows EXTERNAL-IP <pending>)${lbClass ? `; spec.loadBalancerClass ${lbClass}` : ''}`);
      if (age >= scaled(LB_PENDING_HINT_MS, input.timeScale)) {
        parts.push(`load balancer pending: no load-balancer controller ${lbClass ? `for class ${lbClass} ` : ''}on this cluster?`);
        status = 'warn';
      } else {
        parts.push('load balancer pending');
        if (status === 'ok') status = 'pending';
      }
    }
  }
  const externalIPs = strings(get(service, 'spec', 'externalIPs'));
  if (externalIPs.length > 0) parts.push(`external ${externalIPs.length === 1 ? 'IP' : 'IPs'} ${externalIPs.join(', ')}`);
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) {
    return check('address', 'warn', `unknown Service type ${type}`, details);
  }
  return check('address', status, parts.join(' · '), details);
}

/**
 * clusterDnsStatus by the model's frozen DNS Pod list, with the kube-dns Service it was read for:
 * both change seldom, and every update asks (issue 6: per-update cost).
 */
const dnsStatuses = memoByIdentity<readonly KubeObject[], { status: CheckStatus; text: string }>();

function clusterDnsStatus(ctx: Context): { status: CheckStatus; text: string } {
  const dns = ctx.input.dns ?? { pods: [], clusterDomain: 'cluster.local' };
  const list = dns.pods ?? NO_OBJECTS;
  if (!Object.isFrozen(list)) return dnsStatusOf(dns.service, list);
  return dnsStatuses(list, [dns.service], () => Object.freeze(dnsStatusOf(dns.service, list)));
}

function dnsStatusOf(service: KubeObject | undefined, dnsPods: readonly KubeObject[]): { status: CheckStatus; text: string } {
  const pods = dnsPods.filter(isRec);
  const isCoreDns = pods.some((p) => nameOf(p).startsWith('coredns') || recs(get(p, 'spec', 'containers')).some((c) => /coredns/.test(str(c['image']) ?? '')));
  const label = pods.length === 0 || isCoreDns ? 'CoreDNS' : 'kube-dns';
  if (!service) return { status: 'warn', text: 'no kube-dns Service in kube-system: is cluster DNS installed?' };
  if (pods.length === 0) return { status: 'warn', text: `no ${label} Pods seen in kube-system` };
  const ready = pods.filter(isPodReady).length;
  if (ready === 0) return { status: 'warn', text: `${label} 0 of ${pods.length} ready: names do not resolve` };
  return { status: 'ok', text: `${label} ${ready} of ${pods.length} ready` };
}

function dnsCheck(ctx: Context): Check {
  const { fqdn } = ctx;
  const details: string[] = [];
  let answer: string;
  if (ctx.externalName !== undefined) {
    answer = `${fqdn} → CNAME ${ctx.externalName}`;
  } else if (ctx.headless) {
    const publishAll = get(ctx.service, 'spec', 'publishNotReadyAddresses') === true;
    const published = ctx.endpoints.entries.filter((e) => publishAll || e.ready);
    const addresses = [...new Set(published.map((e) => e.address))];
    answer = addresses.length === 0 ? `${fqdn} → no records yet (no ready endpoints)` : `${fqdn} → ${plural(addresses.length, 'Pod IP')}`;
    const records = published.map((e) => `${fqdn} → ${e.address}${e.podName ? ` (${e.podName})` : ''}`);
    // Per-Pod names exist when the Pod sets hostname and subdomain = the Service (StatefulSets do).
    const named = published.filter((e) => e.hostname).map((e) => `${e.hostname}.${fqdn} → ${e.address}`);
    details.push(...capLines([...named, ...records], MAX_POD_LINES));
  } else {
    const ip = str(get(ctx.service, 'spec', 'clusterIP'));
    answer = ip ? `${fqdn} → ${ip}` : `${fqdn} → (no cluster IP yet)`;
  }
  if (ctx.externalName === undefined) {
    for (const p of ctx.ports) {
      if (p.name) details.push(`SRV _${p.name}._${p.protocol.toLowerCase()}.${fqdn} → port ${ctx.headless ? String(p.targetPort) : p.port}`);
    }
  }
  const cluster = clusterDnsStatus(ctx);
  return check('dns', cluster.status, `${answer} · ${cluster.text}`, details);
}

function proxyName(pods: readonly KubeObject[]): string {
  const first = pods[0];
  if (!first) return 'kube-proxy';
  const labels = labelsOf(first);
  return labels['k8s-app'] ?? labels['app.kubernetes.io/name'] ?? nameOf(first).replace(/-[a-z0-9]{5}$/, '');
}

function proxyCheck(ctx: Context): Check {
  if (ctx.externalName !== undefined) return check('proxy', 'skip', 'ExternalName: no proxying, DNS only');
  if (ctx.headless) return check('proxy', 'skip', 'headless: clients connect to the Pod IPs directly, no Service proxy involved');
  const ready = ctx.endpoints.entries.filter((e) => e.ready);
  const fromEndpoints = (ready.length > 0 ? ready : ctx.endpoints.entries).map((e) => e.nodeName);
  // No endpoints to read (unreadable, or not listed yet): the ready Pods' nodes host them.
  const fromPods = ctx.pods.filter((p) => p.state.ready).map((p) => str(get(p.pod, 'spec', 'nodeName')));
  const hosting = [...new Set((fromEndpoints.length > 0 ? fromEndpoints : fromPods).filter((n): n is string => Boolean(n)))].sort();
  // normalise() kept only objects, so the model's frozen lists arrive as they are.
  const proxyPods = ctx.input.proxy?.pods ?? [];
  const nodes = ctx.input.proxy?.nodes;
  if (!Object.isFrozen(proxyPods) || (nodes && !Object.isFrozen(nodes))) return proxiesOn(hosting, proxyPods, nodes);
  // The model's lists: the same until kube-proxy or a Node changes, which is seldom (issue 6).
  return copyCheck(proxyChecks(proxyPods, [nodes, JSON.stringify(hosting)], () => proxiesOn(hosting, proxyPods, nodes)));
}

/** proxiesOn results by kube-proxy Pod list, with the Node list and the hosting nodes they were for. */
const proxyChecks = memoByIdentity<readonly KubeObject[], Check>();

/** The proxy check for endpoints on the `hosting` nodes (sorted). */
function proxiesOn(hosting: readonly string[], proxyPods: readonly KubeObject[], nodes: readonly KubeObject[] | undefined): Check {
  const name = proxyName(proxyPods);
  if (proxyPods.length === 0) {
    return check('proxy', 'info', 'no kube-proxy Pods seen: a replacement (e.g. Cilium) may route Services, or kube-proxy runs outside the cluster');
  }
  if (hosting.length === 0) return check('proxy', 'skip', `no endpoints to route to yet (${name}: ${proxyPods.length} Pods seen)`);
  const details: string[] = [];
  const missing: string[] = [];
  for (const node of hosting) {
    const onNode = proxyPods.filter((p) => str(get(p, 'spec', 'nodeName')) === node);
    const readyOnNode = onNode.some(isPodReady);
    if (!readyOnNode) {
      missing.push(node);
      details.push(onNode.length === 0 ? `${node}: no ${name} Pod` : `${node}: ${name} Pod ${nameOf(onNode[0])} not ready`);
    }
    const nodeObject = (nodes ?? []).find((n) => nameOf(n) === node);
    const nodeReady = recs(get(nodeObject, 'status', 'conditions')).find((c) => c['type'] === 'Ready');
    if (nodeReady && nodeReady['status'] !== 'True') {
      details.push(`node ${node} is NotReady: its endpoints may not answer`);
      if (!missing.includes(node)) missing.push(node);
    }
  }
  const where = hosting.length === 1 ? `node ${hosting[0]}, which hosts the endpoints` : `the ${hosting.length} nodes that host endpoints`;
  if (missing.length === 0) return check('proxy', 'ok', `${name} ready on ${where}`);
  if (missing.length === hosting.length) {
    return check('proxy', 'fail', `${name} not ready on any node that hosts endpoints (${missing.join(', ')})`, details);
  }
  return check('proxy', 'warn', `${name} not ready on ${missing.join(', ')} (${missing.length} of ${hosting.length} nodes that host endpoints)`, details);
}

function policyTargets(ctx: Context): TargetPort[] {
  const pods = ctx.pods.filter((p) => p.state.health !== 'done').map((p) => p.pod);
  const targets: TargetPort[] = [];
  for (const p of ctx.ports) {
    const number = pods.map((pod) => resolveTargetPort(p, pod)).find((n) => n !== undefined);
    if (number === undefined && typeof p.targetPort === 'string') continue;
    const names = new Set<string>();
    for (const pod of pods) for (const d of declaredPorts(pod)) if (d.port === number && d.protocol === p.protocol && d.name) names.add(d.name);
    const label = `${number}/${p.protocol}`;
    if (targets.some((t) => t.label === label)) continue;
    targets.push({ ...(number !== undefined ? { number } : {}), names: [...names], protocol: p.protocol, label });
  }
  return targets;
}

function networkPolicyCheck(ctx: Context): Check {
  if (ctx.externalName !== undefined) return check('networkpolicy', 'skip', 'ExternalName: no Pods to protect');
  if (ctx.pods.length === 0) return check('networkpolicy', 'skip', 'no Pods selected');
  const policies = (ctx.input.networkPolicies ?? []).filter(
    (p) => isRec(p) && (str(meta(p)['namespace']) ?? ctx.input.namespace) === ctx.input.namespace,
  );
  // What analysePolicies concludes without policies, without resolving the target ports.
  if (policies.length === 0) return check('networkpolicy', 'info', 'no policy selects these Pods');
  const analysis = analysePolicies(policies, ctx.pods.map((p) => p.pod), policyTargets(ctx));
  if (analysis.selecting.length === 0) return check('networkpolicy', 'info', 'no policy selects these Pods');
  if (analysis.ingress.length === 0) {
    return check('networkpolicy', 'info', `${plural(analysis.selecting.length, 'policy', 'policies')} ${analysis.selecting.join(', ')} select these Pods, none restricts ingress`);
  }
  const details = analysis.allowed.map((a) => `${a.port.label} allowed by ${a.by.join(', ')}`);
  if (analysis.blocked.length > 0) {
    const ports = analysis.blocked.map((t) => t.label).join(', ');
    const names = analysis.ingress.join(', ');
    return check(
      'networkpolicy',
      'warn',
      `${analysis.ingress.length === 1 ? 'policy' : 'policies'} ${names} ${analysis.ingress.length === 1 ? 'selects' : 'select'} these Pods and no ingress rule allows ${ports}: that traffic is blocked`,
      details,
    );
  }
  return check('networkpolicy', 'info', `ingress to these Pods is restricted by ${analysis.ingress.join(', ')}; the Service ports are allowed`, details);
}

/**
 * The warnings read from a frozen Event list (the model's: the same list until an Event about the
 * Service or its Pods arrives), with the Service and Pods they were read for (issue 6: per-update
 * cost). Lists that are not frozen (tests, replays) are read each time.
 */
const warningsByEvents = memoByIdentity<readonly KubeObject[], readonly EventView[]>();

function eventsCheck(ctx: Context): Check {
  const { input } = ctx;
  const events = input.events ?? [];
  const pods = JSON.stringify(ctx.pods.map((p) => p.name));
  const warnings = Object.isFrozen(events)
    ? warningsByEvents(events, [input.name, pods], () => Object.freeze(warningsAbout(ctx, events)))
    : warningsAbout(ctx, events);
  // Summed by reason: every replica failing its probe is one line that does not change each time
  // another replica reports it.
  return warningsCheck(warnings, input.now, { sumSameReason: true });
}

/** The Warning Events about the Service, its endpoints and its Pods, deduplicated. */
function warningsAbout(ctx: Context, events: readonly KubeObject[]): EventView[] {
  const { input } = ctx;
  const podNames = new Set(ctx.pods.map((p) => p.name));
  const relevant = events
    .filter(isRec)
    .map(viewEvent)
    .filter(
      (e: EventView) =>
        e.type === 'Warning' &&
        (((e.kind === 'Service' || e.kind === 'Endpoints' || e.kind === 'EndpointSlice') && e.name === input.name) ||
          (e.kind === 'Pod' && podNames.has(e.name))),
    );
  return dedupeEvents(relevant);
}

// ───────────────────────────── verdict ─────────────────────────────

function isServing(ctx: Context): boolean {
  if (ctx.externalName !== undefined) return ctx.externalName !== '';
  // Endpoints unreadable (RBAC): a ready selected Pod is the best evidence left.
  if (str(rec(ctx.input.unavailable)['endpoints'])) return ctx.pods.some((p) => p.state.ready);
  return ctx.endpoints.ready > 0;
}

function waitingReport(input: ServiceTraceInput, deleted: boolean, unavailable: string | undefined): TraceReport {
  return missingReport({
    target: { kind: 'Service', namespace: input.namespace, name: input.name },
    checkIds: SERVICE_CHECK_IDS,
    deleted,
    ...(unavailable ? { unavailable } : {}),
    // A deleted Service's last known type stays in the summary.
    ...(deleted && input.service ? { extra: typeLabel(input.service) } : {}),
    reconnecting: input.reconnecting === true,
  });
}

/**
 * The input with every list made a list of objects and every object given a metadata object:
 * inputs come from recordings and from servers of any age, and the checks below trust shapes
 * only this far (fields inside objects are still read defensively).
 */
function normalise(raw: ServiceTraceInput): ServiceTraceInput {
  const r = rec(raw);
  const nearMiss = r['nearMiss'];
  const dns = rec(r['dns']);
  const proxy = rec(r['proxy']);
  const dnsService = objectOrUndefined(dns['service']);
  // Assigned field by field, optional ones only when present: this runs on every update (issue 6).
  const input: ServiceTraceInput = {
    namespace: str(r['namespace']) ?? 'default',
    name: str(r['name']) ?? '',
    now: typeof r['now'] === 'number' && Number.isFinite(r['now']) ? r['now'] : 0,
    deleted: r['deleted'] === true,
    pods: objectList(r['pods']),
    endpointSlices: objectList(r['endpointSlices']),
    endpointSlicesServed: r['endpointSlicesServed'] !== false,
    events: objectList(r['events']),
    dns: { pods: objectList(dns['pods']), clusterDomain: str(dns['clusterDomain']) || 'cluster.local' },
    proxy: { pods: objectList(proxy['pods']) },
    networkPolicies: objectList(r['networkPolicies']),
    reconnecting: r['reconnecting'] === true,
  };
  const service = objectOrUndefined(r['service']);
  if (service) input.service = service;
  if (Array.isArray(r['owners'])) input.owners = objectList(r['owners']);
  if (isRec(nearMiss)) {
    input.nearMiss = { sameNamespace: objectList(nearMiss['sameNamespace']), otherNamespaces: objectList(nearMiss['otherNamespaces']), workloads: objectList(nearMiss['workloads']) };
  }
  const endpoints = objectOrUndefined(r['endpoints']);
  if (endpoints) input.endpoints = endpoints;
  if (dnsService) input.dns.service = dnsService;
  if (Array.isArray(proxy['nodes'])) input.proxy.nodes = objectList(proxy['nodes']);
  if (isRec(r['unavailable'])) input.unavailable = r['unavailable'] as ServiceTraceInput['unavailable'];
  if (typeof r['timeScale'] === 'number') input.timeScale = r['timeScale'];
  return input;
}

const NO_OBJECTS: readonly KubeObject[] = Object.freeze([]);
const NO_PODS: readonly PodView[] = Object.freeze([]);

/**
 * Pod views by the model's frozen Pod list, with what else they were read for (issue 6: per-update
 * cost). While every selected Pod is ready — the steady state — a view's health, reason and order
 * do not depend on `now` or on Events, and its words change only when a "ready for …" age rolls
 * over to its next second: until then the same views are handed out, and the checks read from them
 * alone (pods, the selector's owner summary) are cached by them. Lists that are not frozen (tests,
 * replays) and Pods that are not all ready are read afresh each time.
 */
const readyPodViews = new WeakMap<
  readonly KubeObject[],
  { namespace: string; selector: string; owners: readonly KubeObject[] | undefined; from: number; until: number; views: readonly PodView[] }
>();

/** The selected Pods of the namespace, described at `input.now`, by name. */
function podViews(input: ServiceTraceInput, selector: Labels, selectorKey: string): readonly PodView[] {
  const { namespace, now } = input;
  const list = input.pods ?? NO_OBJECTS;
  const reusable = Object.isFrozen(list) && (input.owners === undefined || Object.isFrozen(input.owners));
  if (reusable) {
    const seen = readyPodViews.get(list);
    if (seen && seen.namespace === namespace && seen.selector === selectorKey && seen.owners === input.owners && now >= seen.from && now < seen.until) return seen.views;
  }
  const events = input.events ?? NO_OBJECTS;
  const podObjects = list.filter(
    (p) => isRec(p) && isRec(p.metadata) && (str(meta(p)['namespace']) ?? namespace) === namespace && mapMatches(selector, labelsOf(p)),
  );
  const views = Object.freeze(
    markReplacedByRollout(
      podObjects.map((pod) => ({ pod, name: nameOf(pod), state: describePod(pod, { now, events, timeScale: input.timeScale }) })),
      input.owners ?? NO_OBJECTS,
    ).sort((a, b) => compareText(a.name, b.name)),
  );
  if (reusable) {
    const until = readyWordsUntil(views, now);
    if (until > now) readyPodViews.set(list, { namespace, selector: selectorKey, owners: input.owners, from: now, until, views });
  }
  return views;
}

/**
 * Until when views of ready Pods read the same: the first moment one's "ready for …" age
 * (inWords: whole seconds, coarser past an hour) turns to its next second. `now` when a Pod is
 * not ready: its words may depend on `now` in other ways (grace windows), so it is not reused.
 */
function readyWordsUntil(views: readonly PodView[], now: number): number {
  let until = Infinity;
  for (const view of views) {
    const facts = view.state.health === 'ready' ? readyFacts(view.pod) : undefined;
    if (facts === undefined) return now;
    if (facts.since !== undefined) until = Math.min(until, facts.since + (Math.floor((now - facts.since) / 1000) + 1) * 1000);
  }
  return until;
}

/** The trace report for one Service at `input.now`. Never throws on malformed objects. */
export function analyseService(rawInput: ServiceTraceInput): TraceReport {
  const input = normalise(rawInput);
  const unavailable = isRec(input.unavailable) ? input.unavailable : {};
  if (input.deleted || !isRec(input.service)) return waitingReport(input, input.deleted === true, str(unavailable.service));

  const service = input.service;
  const type = typeOf(service);
  const externalName = type === 'ExternalName' ? (str(get(service, 'spec', 'externalName')) ?? '') : undefined;
  const rawSelector = stringMap(get(service, 'spec', 'selector'));
  // An empty selector map is what a nil selector becomes after a JSON round trip: no selector.
  const selector = Object.keys(rawSelector).length > 0 ? rawSelector : undefined;
  const namespace = input.namespace;
  const selectorText = selector ? formatLabels(selector) : '';
  const pods = selector && externalName === undefined ? podViews(input, selector, selectorText) : NO_PODS;
  const ctx: Context = {
    input,
    service,
    type,
    headless: isHeadless(service),
    ...(externalName !== undefined ? { externalName } : {}),
    ...(selector ? { selector } : {}),
    selectorText,
    ...(time(meta(service)['creationTimestamp']) !== undefined ? { created: time(meta(service)['creationTimestamp']) as number } : {}),
    pods,
    ports: servicePorts(service),
    endpoints: summariseEndpoints({
      namespace,
      name: input.name,
      // normalise() kept only objects; the model's list passes as is, so its summary is reused.
      slices: input.endpointSlices ?? [],
      slicesServed: input.endpointSlicesServed !== false,
      ...(isRec(input.endpoints) ? { endpoints: input.endpoints } : {}),
    }),
    fqdn: `${input.name}.${namespace}.svc.${str(rec(input.dns)['clusterDomain']) || 'cluster.local'}`,
  };

  const selectorResult = selectorCheck(ctx);
  const checks = applyUnavailable(
    [
      serviceCheck(ctx),
      selectorResult,
      podsCheck(ctx),
      endpointsCheck(ctx, selectorResult),
      portsCheck(ctx),
      addressCheck(ctx),
      dnsCheck(ctx),
      proxyCheck(ctx),
      networkPolicyCheck(ctx),
      eventsCheck(ctx),
    ],
    unavailable,
  );
  // Rules 3–5: not serving yet is pending; a failing `pods` check while the Service serves is degraded.
  const serving = isServing(ctx);
  const verdict = decideVerdict(checks, { podsFailureExcused: serving, waiting: !serving });
  const target = { kind: 'Service', namespace, name: input.name };
  return { target, verdict, summary: summaryLine(target, verdict, { extra: typeLabel(service), reconnecting: input.reconnecting === true }), checks };
}
