import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscovery, editDistance, pathFor, AGGREGATED_ACCEPT } from './discovery.js';
import { ResourceResolutionError } from './errors.js';
import { createRestClient, type RestClient } from './rest.js';
import { fakeConfig, sendJSON, startFakeServer, statusBody, type FakeServer } from './test-support.js';

interface Res {
  name: string;
  kind: string;
  singular?: string;
  short?: string[];
  namespaced?: boolean;
}
interface GroupVersion {
  group: string;
  version: string;
  resources: Res[];
}

const VERBS = ['get', 'list', 'watch'];
const BASE: GroupVersion[] = [
  {
    group: '',
    version: 'v1',
    resources: [
      { name: 'pods', kind: 'Pod', short: ['po'] },
      { name: 'services', kind: 'Service', short: ['svc'] },
      { name: 'endpoints', kind: 'Endpoints', singular: 'endpoints', short: ['ep'] },
      { name: 'events', kind: 'Event', short: ['ev'] },
      { name: 'nodes', kind: 'Node', short: ['no'], namespaced: false },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resources: [
      { name: 'deployments', kind: 'Deployment', short: ['deploy'] },
      { name: 'replicasets', kind: 'ReplicaSet', short: ['rs'] },
    ],
  },
  { group: 'events.k8s.io', version: 'v1', resources: [{ name: 'events', kind: 'Event' }] },
  { group: 'discovery.k8s.io', version: 'v1', resources: [{ name: 'endpointslices', kind: 'EndpointSlice' }] },
  { group: 'example.com', version: 'v1', resources: [{ name: 'widgets', kind: 'Widget', short: ['wd'] }] },
  { group: 'example.com', version: 'v1beta1', resources: [{ name: 'widgets', kind: 'Widget', short: ['wd'] }] },
  { group: 'other.io', version: 'v1', resources: [{ name: 'widgets', kind: 'Widget' }, { name: 'gadgets', kind: 'Gadget', short: ['gd'] }] },
  { group: 'tools.io', version: 'v1', resources: [{ name: 'gizmos', kind: 'Gizmo', short: ['gd'] }] },
];
const CRONTABS: GroupVersion = { group: 'stable.example.com', version: 'v1', resources: [{ name: 'crontabs', kind: 'CronTab', short: ['ct'] }] };

function groupsOf(gvs: GroupVersion[]): Map<string, GroupVersion[]> {
  const m = new Map<string, GroupVersion[]>();
  for (const gv of gvs) m.set(gv.group, [...(m.get(gv.group) ?? []), gv]);
  return m;
}

function aggregated(gvs: GroupVersion[]): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    items: [...groupsOf(gvs)].map(([group, versions]) => ({
      metadata: { name: group },
      versions: versions.map((gv) => ({
        version: gv.version,
        freshness: 'Current',
        resources: gv.resources.map((r) => ({
          resource: r.name,
          singularResource: r.singular ?? r.kind.toLowerCase(),
          scope: r.namespaced === false ? 'Cluster' : 'Namespaced',
          responseKind: { group: gv.group, version: gv.version, kind: r.kind },
          verbs: VERBS,
          ...(r.short ? { shortNames: r.short } : {}),
          subresources: [{ subresource: 'status', verbs: ['get'] }],
        })),
      })),
    })),
  };
}

function legacyList(gv: GroupVersion): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version,
    resources: gv.resources.flatMap((r) => [
      { name: r.name, singularName: r.singular ?? r.kind.toLowerCase(), namespaced: r.namespaced !== false, kind: r.kind, verbs: VERBS, ...(r.short ? { shortNames: r.short } : {}) },
      { name: `${r.name}/status`, singularName: '', namespaced: r.namespaced !== false, kind: r.kind, verbs: ['get'] },
    ]),
  };
}

/** A fake API server serving discovery for `state.gvs`, aggregated or legacy. */
async function discoveryServer(state: { gvs: GroupVersion[]; mode: 'aggregated' | 'legacy' }): Promise<FakeServer> {
  return startFakeServer((req, res, url) => {
    const agg = state.mode === 'aggregated' && (req.headers.accept ?? '').includes('as=APIGroupDiscoveryList');
    const core = state.gvs.filter((g) => g.group === '');
    const named = state.gvs.filter((g) => g.group !== '');
    if (url.pathname === '/api') {
      return sendJSON(res, 200, agg ? aggregated(core) : { kind: 'APIVersions', versions: core.map((g) => g.version) });
    }
    if (url.pathname === '/apis') {
      if (agg) return sendJSON(res, 200, aggregated(named));
      const groups = [...groupsOf(named)].map(([name, vs]) => ({
        name,
        versions: vs.map((v) => ({ groupVersion: `${name}/${v.version}`, version: v.version })),
        preferredVersion: { groupVersion: `${name}/${vs[0]?.version}`, version: vs[0]?.version },
      }));
      groups.push({ name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } });
      return sendJSON(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const gv = state.gvs.find((g) => url.pathname === (g.group ? `/apis/${g.group}/${g.version}` : `/api/${g.version}`));
    if (gv) return sendJSON(res, 200, legacyList(gv));
    sendJSON(res, 503, statusBody(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
  });
}

type Expect = { group: string; version: string; resource: string; kind?: string; namespaced?: boolean } | { error: string; mentions: string[] };

const TABLE: { input: string; apiVersion?: string; want: Expect }[] = [
  { input: 'po', want: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true } },
  { input: 'pod', want: { group: '', version: 'v1', resource: 'pods' } },
  { input: 'PODS', want: { group: '', version: 'v1', resource: 'pods' } },
  { input: 'Pod', want: { group: '', version: 'v1', resource: 'pods' } },
  { input: 'svc', want: { group: '', version: 'v1', resource: 'services', kind: 'Service' } },
  { input: 'ep', want: { group: '', version: 'v1', resource: 'endpoints' } },
  { input: 'endpoints', want: { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints' } },
  { input: 'no', want: { group: '', version: 'v1', resource: 'nodes', namespaced: false } },
  { input: 'deploy', want: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' } },
  { input: 'Deployment', want: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { input: 'deployments.apps', want: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { input: 'deployments.v1.apps', want: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { input: 'deploy.apps', want: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { input: 'deployment', apiVersion: 'apps/v1', want: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { input: 'Service', apiVersion: 'v1', want: { group: '', version: 'v1', resource: 'services' } },
  { input: 'endpointslices', want: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice' } },
  // The core group outranks events.k8s.io, by name and by kind.
  { input: 'events', want: { group: '', version: 'v1', resource: 'events' } },
  { input: 'Event', want: { group: '', version: 'v1', resource: 'events' } },
  { input: 'events.events.k8s.io', want: { group: 'events.k8s.io', version: 'v1', resource: 'events' } },
  { input: 'Event', apiVersion: 'events.k8s.io/v1', want: { group: 'events.k8s.io', version: 'v1', resource: 'events' } },
  // The preferred (first-listed) version wins unless one is named.
  { input: 'wd', want: { group: 'example.com', version: 'v1', resource: 'widgets' } },
  { input: 'widgets.example.com', want: { group: 'example.com', version: 'v1', resource: 'widgets' } },
  { input: 'widgets.v1beta1.example.com', want: { group: 'example.com', version: 'v1beta1', resource: 'widgets' } },
  { input: 'Widget', apiVersion: 'example.com/v1beta1', want: { group: 'example.com', version: 'v1beta1', resource: 'widgets' } },
  { input: 'widgets.example', want: { group: 'example.com', version: 'v1', resource: 'widgets' } },
  { input: 'widgets.other.io', want: { group: 'other.io', version: 'v1', resource: 'widgets' } },
  { input: 'widgets', want: { error: 'resource.ambiguous', mentions: ['widgets.example.com', 'widgets.other.io'] } },
  { input: 'Widget', want: { error: 'resource.ambiguous', mentions: ['widgets.example.com', 'widgets.other.io'] } },
  { input: 'gd', want: { error: 'resource.ambiguous', mentions: ['gadgets.other.io', 'gizmos.tools.io'] } },
  { input: 'deploymnet', want: { error: 'resource.unknown', mentions: ['"deploymnet"', 'deployments.apps'] } },
  { input: 'servics', want: { error: 'resource.unknown', mentions: ['services'] } },
  { input: 'pods', apiVersion: 'apps/v1', want: { error: 'resource.unknown', mentions: ['apps/v1'] } },
  { input: 'xyzzy', want: { error: 'resource.unknown', mentions: ['kubectl api-resources'] } },
];

for (const mode of ['aggregated', 'legacy'] as const) {
  describe(`discovery (${mode})`, () => {
    const state = { gvs: [...BASE], mode };
    let server: FakeServer;
    let rest: RestClient;
    beforeAll(async () => {
      server = await discoveryServer(state);
      rest = createRestClient(fakeConfig(server.url), { userAgent: 't' });
    });
    afterAll(async () => {
      rest.close();
      await server.close();
    });
    afterEach(() => {
      state.gvs = [...BASE];
    });

    it.each(TABLE)('$input $apiVersion', async ({ input, apiVersion, want }) => {
      const d = createDiscovery(rest);
      const got = await d.resolve(input, apiVersion).catch((e: unknown) => e);
      if ('error' in want) {
        expect(got).toBeInstanceOf(ResourceResolutionError);
        const e = got as ResourceResolutionError;
        expect(e.code).toBe(want.error);
        for (const m of want.mentions) expect(e.message).toContain(m);
      } else {
        expect(got).toMatchObject(want);
        expect((got as { verbs: string[] }).verbs).toEqual(VERBS);
      }
    });

    it('fetches once, and again on a miss: a CRD created after start resolves', async () => {
      const d = createDiscovery(rest);
      const before = server.requests.length;
      await d.resolve('po');
      await d.resolve('deploy');
      const perFetch = server.requests.length - before;
      expect(perFetch).toBe(mode === 'aggregated' ? 2 : 2 + BASE.length + 1);
      expect(server.requests.slice(before).every((r) => !['/api', '/apis'].includes(r.url.pathname) || r.headers.accept === AGGREGATED_ACCEPT)).toBe(true);

      state.gvs = [...BASE, CRONTABS];
      expect(await d.resolve('ct')).toMatchObject({ group: 'stable.example.com', resource: 'crontabs', kind: 'CronTab' });
      expect(server.requests.length - before).toBe(2 * perFetch + (mode === 'legacy' ? 1 : 0));
      await d.resolve('CronTab');
      expect(server.requests.length - before).toBe(2 * perFetch + (mode === 'legacy' ? 1 : 0));
    });
  });
}

describe('pathFor', () => {
  const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true };
  const deploys = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
  const nodes = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
  it.each([
    { name: 'core, all namespaces', args: [pods] as const, want: '/api/v1/pods' },
    { name: 'core, one namespace', args: [pods, 'web'] as const, want: '/api/v1/namespaces/web/pods' },
    { name: 'core item', args: [pods, 'web', 'p-1'] as const, want: '/api/v1/namespaces/web/pods/p-1' },
    { name: 'group collection', args: [deploys, 'default'] as const, want: '/apis/apps/v1/namespaces/default/deployments' },
    { name: 'cluster-scoped ignores the namespace', args: [nodes, 'web', 'node-1'] as const, want: '/api/v1/nodes/node-1' },
    { name: 'names are escaped', args: [pods, 'a b', 'x/y'] as const, want: '/api/v1/namespaces/a%20b/pods/x%2Fy' },
  ])('$name', ({ args, want }) => {
    const [resource, namespace, name] = args as readonly [typeof pods, string?, string?];
    expect(pathFor(resource, namespace, name)).toBe(want);
  });
});

describe('editDistance', () => {
  it.each([
    ['', 'abc', 3],
    ['deploy', 'deploy', 0],
    ['deploymnet', 'deployment', 2],
    ['servics', 'services', 1],
  ] as const)('%s ↔ %s = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});
