/**
 * Where a trace's objects come from: a live cluster (kube/ list+watch), or a recording being
 * replayed. A trace asks for server-side-filtered watches (design.md §1: never watch a whole kind
 * and filter locally when the server can filter) and gets typed events back.
 */
import type { KubeObject } from '../lib/kube-object.js';

/** A resolved resource, as discovery names it. */
export interface ResourceId {
  group: string;
  version: string;
  /** Plural, e.g. 'endpointslices'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface WatchRequest {
  resource: ResourceId;
  /** Omitted: cluster-scoped kind, or all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Why a watch cannot deliver, in the words the trace shows. */
export interface SourceProblem {
  /** forbidden: RBAC denies it; not-found: the API does not serve it; other: anything else. */
  kind: 'forbidden' | 'unauthorized' | 'not-found' | 'unreachable' | 'other';
  message: string;
}

export type SourceEvent =
  /** The full current state of this watch: after the first list, and after every re-list. */
  | { type: 'SYNC'; objects: KubeObject[] }
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  /** The watch cannot deliver for now; it keeps retrying unless the source says otherwise. */
  | { type: 'PROBLEM'; problem: SourceProblem }
  /** The connection dropped; the source is reconnecting and will resume without loss. */
  | { type: 'RECONNECTING'; reason: string }
  /** Events flow again after a PROBLEM or RECONNECTING. */
  | { type: 'HEALTHY' };

export interface ObjectSource {
  /** Starts a watch; events arrive in order until signal aborts. */
  watch(request: WatchRequest, onEvent: (event: SourceEvent) => void, signal: AbortSignal): void;
  /** A one-off list (near-miss searches), at most `limit` objects; rejects on failure. */
  list(request: WatchRequest, signal: AbortSignal, limit?: number): Promise<KubeObject[]>;
}

/** Built-in resources a trace watches, at the versions every supported cluster serves. */
export const RESOURCES = {
  services: { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  pods: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  endpoints: { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  events: { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  networkPolicies: { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  statefulSets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  daemonSets: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
} as const satisfies Record<string, ResourceId>;
