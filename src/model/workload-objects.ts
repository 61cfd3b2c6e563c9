/**
 * Follows everything a workload trace needs (Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod),
 * with server-side filters only (design.md §1, issue 4):
 * - the workload:        fieldSelector metadata.name=NAME
 * - its ReplicaSets:     (Deployment) labelSelector = the Deployment's selector; kept when the
 *                        Deployment is their controller (ownerReferences, by uid)
 * - its Pods:            labelSelector = the workload's selector (matchLabels and matchExpressions);
 *                        kept when the workload or one of its ReplicaSets is their controller.
 *                        Restarted whenever the selector changes. A Pod trace watches the Pod by name.
 * - Warning Events:      fieldSelector type=Warning in the namespace, kept for these objects (an
 *                        Event field selector cannot OR several involved objects; Warnings are few).
 *                        A Pod trace watches every Event of its Pod (involvedObject.kind/name).
 * - governing Service:   (StatefulSet) fieldSelector metadata.name=spec.serviceName
 * Never a watch of every Pod of a namespace: an empty or unreadable selector watches no Pods.
 */
import { labelSelectorToString, type LabelSelector } from '../cluster/store/selectors.js';
import type { KubeObject } from '../lib/kube-object.js';
import { RESOURCES, type ObjectSource, type ResourceId, type SourceProblem, type WatchRequest } from './source.js';
import { eventsInvolvingCached, startFollower } from './follower.js';

export type WorkloadKindName = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Pod';

const RESOURCE_OF_KIND: Record<WorkloadKindName, ResourceId> = {
  Deployment: RESOURCES.deployments,
  ReplicaSet: RESOURCES.replicaSets,
  StatefulSet: RESOURCES.statefulSets,
  DaemonSet: RESOURCES.daemonSets,
  Pod: RESOURCES.pods,
};

/** Watch names, as `problems` reports them. */
export const WORKLOAD_WATCHES = ['workload', 'replicasets', 'pods', 'events', 'service'] as const;

export interface WorkloadObjects {
  kind: WorkloadKindName;
  namespace: string;
  name: string;
  /** Every watch the verdict rests on has delivered its first state or said why it cannot. */
  synced: boolean;
  workload?: KubeObject;
  /** The workload existed during this trace and is gone now. */
  deleted: boolean;
  replicaSets: KubeObject[];
  pods: KubeObject[];
  events: readonly KubeObject[];
  governingService?: KubeObject;
  problems: Record<string, SourceProblem>;
  reconnecting: boolean;
}

export interface WorkloadObjectsOptions {
  source: ObjectSource;
  kind: WorkloadKindName;
  namespace: string;
  name: string;
  signal: AbortSignal;
  onUpdate: (objects: WorkloadObjects) => void;
}

/**
 * A workload's spec.selector as a label selector string (metav1.LabelSelectorAsSelector), or
 * undefined when it is missing, empty (it would select every Pod) or malformed.
 */
export function workloadSelectorString(workload: KubeObject | undefined): string | undefined {
  const selector = (workload?.spec as { selector?: unknown } | undefined)?.selector;
  if (!selector || typeof selector !== 'object' || Array.isArray(selector)) return undefined;
  try {
    const text = labelSelectorToString(selector as LabelSelector);
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The object's controller ownerReference names `owner` (by uid). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === owner.metadata.uid);
}

export function followWorkloadObjects(options: WorkloadObjectsOptions): { stop(): void } {
  const { source, kind, namespace, name, signal } = options;
  let seen = false;

  const follower = startFollower({ source, signal, onEvent: followWorkload, snapshot, onUpdate: options.onUpdate });
  const { watches } = follower;
  const ns = (resource: ResourceId, extra: Omit<WatchRequest, 'resource' | 'namespace'> = {}): WatchRequest => ({ resource, namespace, ...extra });

  watches.set('workload', ns(RESOURCE_OF_KIND[kind], { fieldSelector: `metadata.name=${name}` }));
  watches.set(
    'events',
    ns(RESOURCES.events, { fieldSelector: kind === 'Pod' ? `involvedObject.kind=Pod,involvedObject.name=${name}` : 'type=Warning' }),
  );

  function current(): KubeObject | undefined {
    return watches.objects('workload')[0];
  }

  /** Points the ReplicaSet, Pod and Service watches at the workload's current selector and serviceName. */
  function followWorkload(): void {
    const workload = current();
    if (workload) seen = true;
    if (kind === 'Pod') return;
    const selector = workloadSelectorString(workload);
    if (kind === 'Deployment') watches.set('replicasets', selector ? ns(RESOURCES.replicaSets, { labelSelector: selector }) : undefined);
    watches.set('pods', selector ? ns(RESOURCES.pods, { labelSelector: selector }) : undefined);
    if (kind === 'StatefulSet') {
      const serviceName = (workload?.spec as { serviceName?: unknown } | undefined)?.serviceName;
      watches.set('service', typeof serviceName === 'string' && serviceName ? ns(RESOURCES.services, { fieldSelector: `metadata.name=${serviceName}` }) : undefined);
    }
  }

  const involvedEvents = eventsInvolvingCached();

  function snapshot(): WorkloadObjects {
    const workload = current();
    const replicaSets = workload && kind === 'Deployment' ? watches.objects('replicasets').filter((rs) => isControlledBy(rs, workload)) : [];
    const owners = kind === 'Deployment' ? replicaSets : workload ? [workload] : [];
    const pods = kind === 'Pod' ? (workload ? [workload] : []) : watches.objects('pods').filter((pod) => owners.some((owner) => isControlledBy(pod, owner)));
    const involved = new Set([`${kind}/${name}`, ...replicaSets.map((rs) => `ReplicaSet/${rs.metadata.name}`), ...pods.map((pod) => `Pod/${pod.metadata.name}`)]);
    const events = involvedEvents(watches.objects('events'), involved);
    const problems = follower.problems(WORKLOAD_WATCHES);
    return {
      kind,
      namespace,
      name,
      synced: ['workload', 'replicasets', 'pods', 'service'].every((watch) => follower.settled(watch)),
      ...(workload ? { workload } : {}),
      deleted: seen && !workload,
      replicaSets,
      pods,
      events,
      ...(watches.objects('service')[0] ? { governingService: watches.objects('service')[0] } : {}),
      problems,
      reconnecting: watches.reconnecting(),
    };
  }

  return { stop: () => follower.stop() };
}
