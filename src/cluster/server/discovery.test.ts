import { describe, expect, it } from 'vitest';
import { createRegistry } from '../store/registry.js';
import type { ResourceType } from '../store/types.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { openApiDocument, openApiIndex, schemaName } from './openapi.js';

const widget: ResourceType = {
  group: 'example.com',
  version: 'v1alpha1',
  kind: 'Widget',
  listKind: 'WidgetList',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wd'],
  categories: [],
  namespaced: true,
  subresources: ['status'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
};

function types(): ResourceType[] {
  const registry = createRegistry();
  registry.register(widget);
  return registry.all();
}

type Rec = Record<string, unknown>;
const byName = (list: unknown, key: string, name: string) => (list as Rec[]).find((r) => r[key] === name);

describe('legacy discovery', () => {
  it('GET /api lists v1 and where the server is', () => {
    expect(apiVersions('127.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });

  it('GET /apis lists every non-core group with its preferred version, CRDs included', () => {
    const list = apiGroupList(types());
    expect(list['kind']).toBe('APIGroupList');
    const groups = list['groups'] as Rec[];
    expect(byName(groups, 'name', 'apps')).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    expect(byName(groups, 'name', 'example.com')).toBeDefined();
    expect(byName(groups, 'name', '')).toBeUndefined();
  });

  it('GET /apis/<group> describes one group; unknown groups are undefined (404)', () => {
    expect(apiGroup(types(), 'discovery.k8s.io')).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'discovery.k8s.io' });
    expect(apiGroup(types(), 'nope.example')).toBeUndefined();
  });

  it('APIResourceList lists subresources as pods/status and deployments/scale (autoscaling/v1 Scale)', () => {
    const core = apiResourceList(types(), '', 'v1')!;
    expect(core).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    const pods = byName(core['resources'], 'name', 'pods');
    expect(pods).toMatchObject({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(byName(core['resources'], 'name', 'pods/status')).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });

    const apps = apiResourceList(types(), 'apps', 'v1')!;
    expect(apps['groupVersion']).toBe('apps/v1');
    expect(byName(apps['resources'], 'name', 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    expect(apiResourceList(types(), 'apps', 'v1beta1')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it.each(['v2', 'v2beta1'] as const)('/api as apidiscovery.k8s.io/%s holds only the core group', (version) => {
    const doc = aggregatedDiscovery(types(), true, version);
    expect(doc['kind']).toBe('APIGroupDiscoveryList');
    expect(doc['apiVersion']).toBe(`apidiscovery.k8s.io/${version}`);
    const items = doc['items'] as Rec[];
    expect(items).toHaveLength(1);
    expect(items[0]!['metadata']).toEqual({});
    const v1 = (items[0]!['versions'] as Rec[])[0]!;
    expect(v1['version']).toBe('v1');
    expect(v1['freshness']).toBe('Current');
    expect(byName(v1['resources'], 'resource', 'pods')).toMatchObject({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
      subresources: [{ subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] }],
    });
    expect(byName(v1['resources'], 'resource', 'namespaces')).toMatchObject({ scope: 'Cluster' });
  });

  it('/apis holds every group with its resources, scale as autoscaling/v1 Scale', () => {
    const doc = aggregatedDiscovery(types(), false, 'v2');
    const items = doc['items'] as Rec[];
    const names = items.map((i) => (i['metadata'] as Rec)['name']);
    expect(names).toContain('apps');
    expect(names).toContain('example.com');
    expect(names).not.toContain(undefined);
    const apps = items.find((i) => (i['metadata'] as Rec)['name'] === 'apps')!;
    const deployments = byName(((apps['versions'] as Rec[])[0]!)['resources'], 'resource', 'deployments') as Rec;
    expect(deployments['subresources']).toEqual([
      { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    ]);
  });
});

describe('openapi v3', () => {
  it('indexes every group-version with a content hash', () => {
    const index = openApiIndex(types()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths['api/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(index.paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    expect(index.paths['apis/example.com/v1alpha1']).toBeDefined();
  });

  it('gives each kind a PATCH operation with its GVK and a fieldValidation parameter (what kubectl checks)', () => {
    const doc = openApiDocument(types(), 'apps', 'v1') as { paths: Record<string, Rec>; components: { schemas: Record<string, Rec> } };
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!;
    const patch = item['patch'] as Rec;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect((patch['parameters'] as Rec[]).some((p) => p['name'] === 'fieldValidation' && p['in'] === 'query')).toBe(true);
    expect(Object.keys((patch['requestBody'] as { content: Rec }).content)).not.toContain('application/strategic-merge-patch+json');
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']).toHaveProperty('post');
    expect(doc.paths['/apis/apps/v1/deployments']).toHaveProperty('get');
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']).toHaveProperty('patch');
    expect(doc.components.schemas['io.k8s.api.apps.v1.Deployment']).toMatchObject({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
    });
  });

  it('serves cluster-scoped kinds without a namespace segment', () => {
    const doc = openApiDocument(types(), '', 'v1') as { paths: Record<string, Rec> };
    expect(doc.paths['/api/v1/namespaces/{name}']).toHaveProperty('patch');
    expect(doc.paths['/api/v1/nodes/{name}/status']).toHaveProperty('put');
  });

  it('has no document for unknown group-versions', () => {
    expect(openApiDocument(types(), 'apps', 'v2')).toBeUndefined();
  });

  it.each([
    ['', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
    ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['networking.k8s.io', 'v1', 'Ingress', 'io.k8s.api.networking.v1.Ingress'],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
    ['example.com', 'v1alpha1', 'Widget', 'com.example.v1alpha1.Widget'],
  ])('schema name for %s/%s %s', (group, version, kind, expected) => {
    expect(schemaName(group, version, kind)).toBe(expected);
  });
});
