/**
 * Per-kind registry strategies: what kube-apiserver's pkg/registry/<group>/<kind>/strategy.go
 * files do around a write besides defaulting and validation — status reset on create, which
 * kinds carry metadata.generation and what bumps it, namespace finalizers, pod grace periods.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { deepEqual, isRecord } from './json.js';
import { qualifiedResource } from './registry.js';
import type { ResourceType } from './types.js';

export function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources.includes('status');
}

/**
 * Built-in kinds whose strategies maintain metadata.generation. Core kinds (pods before 1.33,
 * services, configmaps…) have none; custom resources always do.
 */
const GENERATION_TRACKED = new Set([
  'deployments.apps',
  'replicasets.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'endpointslices.discovery.k8s.io',
  'ingresses.networking.k8s.io',
  'ingressclasses.networking.k8s.io',
  'networkpolicies.networking.k8s.io',
  'customresourcedefinitions.apiextensions.k8s.io',
]);

export function tracksGeneration(type: ResourceType, custom: boolean): boolean {
  return custom || GENERATION_TRACKED.has(qualifiedResource(type));
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...obj };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

/**
 * Whether an update bumps metadata.generation: any change outside metadata and status (the
 * spec, or data-like top-level fields of custom resources). Deployments also bump on annotation
 * changes because their annotations are copied to ReplicaSets (deployment strategy.go).
 */
export function generationChanged(type: ResourceType, previous: KubeObject, next: KubeObject): boolean {
  if (!deepEqual(withoutMetaAndStatus(previous), withoutMetaAndStatus(next))) return true;
  if (qualifiedResource(type) === 'deployments.apps') {
    return !deepEqual(previous.metadata.annotations ?? {}, next.metadata.annotations ?? {});
  }
  return false;
}

/**
 * PrepareForCreate: status in a create body is ignored for kinds with a status subresource
 * (Nodes excepted — the kubelet registers with its status), Pods start Pending, Namespaces
 * start Active with the 'kubernetes' finalizer the namespace controller removes.
 */
export function prepareForCreate(type: ResourceType, obj: KubeObject): void {
  const name = qualifiedResource(type);
  if (hasStatusSubresource(type) && name !== 'nodes') delete obj.status;
  if (name === 'pods') {
    // The QoS class is filled by the Pod defaults (objects/pod.ts).
    obj.status = { phase: 'Pending' };
  } else if (name === 'namespaces') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as unknown[]).filter((f) => typeof f === 'string') : [];
    if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
    obj.spec = { ...spec, finalizers };
    obj.status = { phase: 'Active' };
  }
}

/**
 * What a write to the status subresource keeps of the request body (the status strategies'
 * PrepareForUpdate): never the spec or other top-level fields; for built-in kinds the metadata
 * is taken (the deployment controller sets its revision annotation through UpdateStatus) except
 * a Deployment's labels and a Pod's ownerReferences; custom resources keep all stored metadata.
 */
export function statusUpdate(type: ResourceType, custom: boolean, current: KubeObject, body: KubeObject): KubeObject {
  const next = structuredClone(current);
  if (body.status === undefined) delete next.status;
  else next.status = body.status;
  if (custom) return next;
  const metadata = { ...body.metadata };
  const name = qualifiedResource(type);
  if (name === 'deployments.apps') {
    if (current.metadata.labels === undefined) delete metadata.labels;
    else metadata.labels = structuredClone(current.metadata.labels);
  }
  if (name === 'pods') {
    if (current.metadata.ownerReferences === undefined) delete metadata.ownerReferences;
    else metadata.ownerReferences = structuredClone(current.metadata.ownerReferences);
  }
  next.metadata = metadata;
  return next;
}

/** Finalizers that still hold a terminating object: metadata.finalizers, plus a Namespace's spec.finalizers. */
export function pendingFinalizers(type: ResourceType, obj: KubeObject): string[] {
  const pending = [...(obj.metadata.finalizers ?? [])];
  if (qualifiedResource(type) === 'namespaces' && isRecord(obj.spec) && Array.isArray(obj.spec.finalizers)) {
    for (const f of obj.spec.finalizers) if (typeof f === 'string') pending.push(f);
  }
  return pending;
}

/**
 * The grace period a DELETE gets (pod strategy CheckGracefulDelete): only Pods bound to a node
 * and not finished are deleted gracefully; the request's value wins over
 * spec.terminationGracePeriodSeconds (default 30); negative values become 1.
 */
export function deletionGracePeriod(type: ResourceType, obj: KubeObject, requested: number | undefined): number {
  if (qualifiedResource(type) !== 'pods') return 0;
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  if (typeof spec.nodeName !== 'string' || spec.nodeName === '') return 0;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  let grace = requested;
  if (grace === undefined) {
    grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  }
  return grace < 0 ? 1 : Math.floor(grace);
}

/** Server-owned metadata a client cannot set or change through a write. */
export const SERVER_OWNED_METADATA = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'resourceVersion',
  'selfLink',
] as const;
