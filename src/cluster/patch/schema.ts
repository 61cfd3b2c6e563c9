/**
 * Which lists merge by key in a strategic merge patch — the `patchStrategy`/`patchMergeKey`
 * struct tags of k8s.io/api, tabulated by path because objects here are untyped JSON.
 *
 * A path is the chain of map keys from the object root with list positions left out:
 * ['spec', 'template', 'spec', 'containers', 'ports'] are the ports of any container of a
 * Deployment's pod template. Lists not in the table are atomic: a patch replaces them whole.
 */
import type { ResourceType } from '../store/types.js';

export type FieldRule =
  /** A list of objects merged item by item, matched on this field (`patchMergeKey`). */
  | { kind: 'map-list'; mergeKey: string }
  /** A list of scalars merged as a set (`patchStrategy:"merge"` on []string, e.g. finalizers). */
  | { kind: 'set' }
  /** A map owned and replaced as a whole by server-side apply (`+structType=atomic`). */
  | { kind: 'atomic-map' };

export interface PatchSchema {
  rule(path: readonly string[]): FieldRule | undefined;
}

const byName = (mergeKey: string): FieldRule => ({ kind: 'map-list', mergeKey });

/** Lists of a PodSpec (k8s.io/api/core/v1 PodSpec and Container tags). */
function podSpecRules(prefix: string): Record<string, FieldRule> {
  const rules: Record<string, FieldRule> = {
    [`${prefix}.volumes`]: byName('name'),
    [`${prefix}.imagePullSecrets`]: byName('name'),
    [`${prefix}.hostAliases`]: byName('ip'),
    [`${prefix}.topologySpreadConstraints`]: byName('topologyKey'),
    [`${prefix}.schedulingGates`]: byName('name'),
    [`${prefix}.resourceClaims`]: byName('name'),
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    rules[`${prefix}.${list}`] = byName('name');
    rules[`${prefix}.${list}.ports`] = byName('containerPort');
    rules[`${prefix}.${list}.env`] = byName('name');
    rules[`${prefix}.${list}.volumeMounts`] = byName('mountPath');
    rules[`${prefix}.${list}.volumeDevices`] = byName('devicePath');
  }
  return rules;
}

/** ObjectMeta lists, at the root and in pod templates. */
function metaRules(prefix: string): Record<string, FieldRule> {
  return {
    [`${prefix}.finalizers`]: { kind: 'set' },
    [`${prefix}.ownerReferences`]: byName('uid'),
  };
}

/** Every built-in kind: its own metadata and `status.conditions` keyed by type. */
const COMMON: Record<string, FieldRule> = {
  ...metaRules('metadata'),
  'status.conditions': byName('type'),
};

function templated(templatePath: string): Record<string, FieldRule> {
  return { ...metaRules(`${templatePath}.metadata`), ...podSpecRules(`${templatePath}.spec`) };
}

const APPS_SELECTOR: Record<string, FieldRule> = { 'spec.selector': { kind: 'atomic-map' } };

const KIND_RULES: Record<string, Record<string, FieldRule>> = {
  '/Pod': {
    ...podSpecRules('spec'),
    'status.podIPs': byName('ip'),
    'status.hostIPs': byName('ip'),
  },
  '/PodTemplate': templated('template'),
  '/ReplicationController': templated('spec.template'),
  '/Service': { 'spec.ports': byName('port') },
  '/Node': { 'status.addresses': byName('type'), 'spec.podCIDRs': { kind: 'set' } },
  'apps/Deployment': { ...templated('spec.template'), ...APPS_SELECTOR },
  'apps/ReplicaSet': { ...templated('spec.template'), ...APPS_SELECTOR },
  'apps/StatefulSet': { ...templated('spec.template'), ...APPS_SELECTOR },
  'apps/DaemonSet': { ...templated('spec.template'), ...APPS_SELECTOR },
  'batch/Job': { ...templated('spec.template'), ...APPS_SELECTOR },
  'batch/CronJob': templated('spec.jobTemplate.spec.template'),
};

/**
 * Groups compiled into kube-apiserver. Custom resources (any other group, including
 * *.k8s.io CRD groups such as gateway.networking.k8s.io) have no Go struct tags, which is why
 * the real server refuses strategic merge patches for them.
 */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'networking.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'certificates.k8s.io',
  'node.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'resource.k8s.io',
  'internal.apiserver.k8s.io',
  'storagemigration.k8s.io',
]);

export function isBuiltinGroup(group: string): boolean {
  return BUILTIN_GROUPS.has(group);
}

function tableSchema(rules: Record<string, FieldRule>): PatchSchema {
  return { rule: (path) => rules[path.join('.')] };
}

/** The strategic-merge schema of a built-in kind; undefined for custom resources. */
export function strategicSchemaFor(resource: ResourceType): PatchSchema | undefined {
  if (!isBuiltinGroup(resource.group)) return undefined;
  return tableSchema({ ...COMMON, ...(KIND_RULES[`${resource.group}/${resource.kind}`] ?? {}) });
}

/**
 * The schema server-side apply merges with: the built-in table, or for custom resources only
 * the ObjectMeta lists (a CRD without x-kubernetes-list-type markers has atomic lists).
 */
export function applySchemaFor(resource: ResourceType): PatchSchema {
  return strategicSchemaFor(resource) ?? tableSchema(metaRules('metadata'));
}
