/** Test-only builders of ResourceTypes, as discovery would describe the kinds. */
import type { ResourceType } from '../store/types.js';

export function resourceType(group: string, version: string, kind: string, plural: string, namespaced = true): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced,
    subresources: [],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  };
}

export const POD = resourceType('', 'v1', 'Pod', 'pods');
export const SERVICE = resourceType('', 'v1', 'Service', 'services');
export const NAMESPACE = resourceType('', 'v1', 'Namespace', 'namespaces', false);
export const SECRET = resourceType('', 'v1', 'Secret', 'secrets');
export const CONFIGMAP = resourceType('', 'v1', 'ConfigMap', 'configmaps');
export const ENDPOINTS = resourceType('', 'v1', 'Endpoints', 'endpoints');
export const DEPLOYMENT = resourceType('apps', 'v1', 'Deployment', 'deployments');
export const REPLICASET = resourceType('apps', 'v1', 'ReplicaSet', 'replicasets');
export const STATEFULSET = resourceType('apps', 'v1', 'StatefulSet', 'statefulsets');
export const DAEMONSET = resourceType('apps', 'v1', 'DaemonSet', 'daemonsets');
export const ENDPOINTSLICE = resourceType('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices');
export const WIDGET = resourceType('example.com', 'v1', 'Widget', 'widgets');
