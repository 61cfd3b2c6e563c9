/**
 * Discovery documents, built from the registry at request time so CRDs appear as soon as they
 * are registered (kubernetes-facts.md §8): the legacy shapes (APIVersions, APIGroupList, APIGroup,
 * APIResourceList) and aggregated discovery (apidiscovery.k8s.io v2 / v2beta1).
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from '../store/types.js';

export interface GroupVersionResources {
  group: string;
  version: string;
  resources: ResourceType[];
}

/** Served group/versions: core first, then groups in registration order (the registry's order). */
export function groupVersions(types: ResourceType[]): GroupVersionResources[] {
  const byKey = new Map<string, GroupVersionResources>();
  const ordered = [...types.filter((t) => t.group === ''), ...types.filter((t) => t.group !== '')];
  for (const t of ordered) {
    const key = `${t.group}/${t.version}`;
    let gv = byKey.get(key);
    if (!gv) byKey.set(key, (gv = { group: t.group, version: t.version, resources: [] }));
    gv.resources.push(t);
  }
  return [...byKey.values()];
}

function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** Scale is served as autoscaling/v1 whatever the parent's group (facts §8). */
const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** Opaque hash clients use to notice storage changes; derived so it is stable per kind. */
function storageVersionHash(t: ResourceType): string {
  return createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11) + '=';
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroupBody(group: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(types: ResourceType[]): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions(types)) {
    if (gv.group === '') continue;
    const versions = groups.get(gv.group) ?? [];
    versions.push(gv.version);
    groups.set(gv.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([group, versions]) => apiGroupBody(group, versions)),
  };
}

export function apiGroup(types: ResourceType[], group: string): Record<string, unknown> | undefined {
  const versions = groupVersions(types)
    .filter((gv) => gv.group === group && group !== '')
    .map((gv) => gv.version);
  if (versions.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupBody(group, versions) };
}

function legacyResources(t: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length > 0) main['shortNames'] = t.shortNames;
  if (t.categories.length > 0) main['categories'] = t.categories;
  main['storageVersionHash'] = storageVersionHash(t);
  const subs = t.subresources.map((sub) => {
    const entry: Record<string, unknown> = { name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced };
    if (sub === 'scale') Object.assign(entry, { group: SCALE_KIND.group, version: SCALE_KIND.version, kind: SCALE_KIND.kind });
    else entry['kind'] = t.kind;
    entry['verbs'] = SUBRESOURCE_VERBS;
    return entry;
  });
  return [main, ...subs];
}

export function apiResourceList(
  types: ResourceType[],
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const gv = groupVersions(types).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionString(group, version),
    resources: gv.resources.flatMap(legacyResources),
  };
}

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
} as const;

function aggregatedResource(t: ResourceType): Record<string, unknown> {
  const responseKind = { group: t.group, version: t.version, kind: t.kind };
  const entry: Record<string, unknown> = {
    resource: t.plural,
    responseKind,
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length > 0) entry['shortNames'] = t.shortNames;
  if (t.categories.length > 0) entry['categories'] = t.categories;
  if (t.subresources.length > 0) {
    entry['subresources'] = t.subresources.map((sub) => ({
      subresource: sub,
      responseKind: sub === 'scale' ? SCALE_KIND : responseKind,
      verbs: SUBRESOURCE_VERBS,
    }));
  }
  return entry;
}

/**
 * `/api` (core: true) or `/apis` (core: false) as an APIGroupDiscoveryList. v2 and v2beta1
 * share the same shape; only apiVersion differs.
 */
export function aggregatedDiscovery(
  types: ResourceType[],
  core: boolean,
  version: 'v2' | 'v2beta1',
): Record<string, unknown> {
  const groups = new Map<string, GroupVersionResources[]>();
  for (const gv of groupVersions(types)) {
    if ((gv.group === '') !== core) continue;
    const list = groups.get(gv.group) ?? [];
    list.push(gv);
    groups.set(gv.group, list);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([group, gvs]) => ({
      metadata: group ? { name: group } : {},
      versions: gvs.map((gv) => ({
        version: gv.version,
        resources: gv.resources.map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}
