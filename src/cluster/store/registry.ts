/**
 * The resources the embedded cluster serves, described as discovery describes them
 * (kubernetes-facts.md §8): names, short names, categories, scope, subresources and verbs as
 * kube-apiserver 1.32 lists them for the same resources.
 */
import type { ResourceName, ResourceRegistry, ResourceType } from './types.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** Namespaces cannot be deleted as a collection on a real server. */
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** 'pods' for core, 'deployments.apps' otherwise: the Store API's resource names and error messages. */
export function qualifiedResource(type: Pick<ResourceType, 'plural' | 'group'>): ResourceName {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** 'v1' or 'apps/v1'. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

interface Spec {
  kind: string;
  plural: string;
  shortNames?: string[];
  namespaced?: boolean;
  subresources?: Array<'status' | 'scale'>;
  all?: boolean;
  singular?: string;
  verbs?: string[];
}

function define(group: string, version: string, spec: Spec): ResourceType {
  return {
    group,
    version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    shortNames: spec.shortNames ?? [],
    categories: spec.all ? ['all'] : [],
    namespaced: spec.namespaced ?? true,
    subresources: spec.subresources ?? [],
    verbs: spec.verbs ?? ALL_VERBS,
  };
}

/** The built-in resources in discovery order: core first, then groups as kube-apiserver orders them. */
function builtins(): ResourceType[] {
  const core = (spec: Spec): ResourceType => define('', 'v1', spec);
  const apps = (spec: Spec): ResourceType => define('apps', 'v1', spec);
  return [
    core({ kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] }),
    core({ kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'], singular: 'endpoints' }),
    core({ kind: 'Event', plural: 'events', shortNames: ['ev'] }),
    core({
      kind: 'Namespace',
      plural: 'namespaces',
      shortNames: ['ns'],
      namespaced: false,
      subresources: ['status'],
      verbs: NAMESPACE_VERBS,
    }),
    core({ kind: 'Node', plural: 'nodes', shortNames: ['no'], namespaced: false, subresources: ['status'] }),
    core({ kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', shortNames: ['pvc'], subresources: ['status'] }),
    core({ kind: 'Pod', plural: 'pods', shortNames: ['po'], subresources: ['status'], all: true }),
    core({ kind: 'ResourceQuota', plural: 'resourcequotas', shortNames: ['quota'], subresources: ['status'] }),
    core({ kind: 'Secret', plural: 'secrets' }),
    core({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'] }),
    core({ kind: 'Service', plural: 'services', shortNames: ['svc'], subresources: ['status'], all: true }),
    apps({ kind: 'ControllerRevision', plural: 'controllerrevisions' }),
    apps({ kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], subresources: ['status'], all: true }),
    apps({ kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], subresources: ['status', 'scale'], all: true }),
    apps({ kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], subresources: ['status', 'scale'], all: true }),
    apps({ kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], subresources: ['status', 'scale'], all: true }),
    define('discovery.k8s.io', 'v1', { kind: 'EndpointSlice', plural: 'endpointslices' }),
    define('networking.k8s.io', 'v1', { kind: 'IngressClass', plural: 'ingressclasses', namespaced: false }),
    define('networking.k8s.io', 'v1', { kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: ['status'] }),
    define('networking.k8s.io', 'v1', { kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'] }),
    define('apiextensions.k8s.io', 'v1', {
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      shortNames: ['crd', 'crds'],
      namespaced: false,
      subresources: ['status'],
    }),
    define('coordination.k8s.io', 'v1', { kind: 'Lease', plural: 'leases' }),
  ];
}

function copyType(type: ResourceType): ResourceType {
  return {
    ...type,
    shortNames: [...type.shortNames],
    categories: [...type.categories],
    subresources: [...type.subresources],
    verbs: [...type.verbs],
  };
}

/** A registry of the built-in resources; CRDs are added with register() once Established. */
export function createRegistry(): ResourceRegistry {
  // Insertion order of a Map keeps "core first, then groups in registration order" for all().
  const byName = new Map<ResourceName, ResourceType>();
  for (const type of builtins()) byName.set(qualifiedResource(type), type);

  return {
    all() {
      const types = [...byName.values()];
      // Core first; other groups keep the order in which their first resource was registered.
      const groupOrder = new Map<string, number>();
      for (const t of types) if (!groupOrder.has(t.group)) groupOrder.set(t.group, groupOrder.size);
      return types
        .map((t, i) => ({ t, i }))
        .sort((a, b) => {
          const ga = a.t.group === '' ? -1 : (groupOrder.get(a.t.group) ?? 0);
          const gb = b.t.group === '' ? -1 : (groupOrder.get(b.t.group) ?? 0);
          return ga - gb || a.i - b.i;
        })
        .map(({ t }) => copyType(t));
    },
    get(resource) {
      const t = byName.get(resource);
      return t ? copyType(t) : undefined;
    },
    byKind(group, kind) {
      for (const t of byName.values()) if (t.group === group && t.kind === kind) return copyType(t);
      return undefined;
    },
    register(type) {
      byName.set(qualifiedResource(type), copyType(type));
    },
    unregister(resource) {
      byName.delete(resource);
    },
  };
}
