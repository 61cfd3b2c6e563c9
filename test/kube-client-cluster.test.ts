/**
 * Issue 2 acceptance: kubespy's own client (src/kube) against the embedded cluster, through the
 * kubeconfig the cluster hands out (HTTPS with its CA, bearer token): discovery and resource
 * resolution, and the list+watch loop through a forced disconnect and a forced 410.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/lib/kube-object.js';
import {
  ApiError,
  createDiscovery,
  createRestClient,
  listWatch,
  loadClusterConfig,
  pathFor,
  ResourceResolutionError,
  type Discovery,
  type ListWatchEvent,
  type RestClient,
} from '../src/kube/index.js';
import { eventually, withCluster } from './helpers/cluster.js';

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';

const gizmoCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', shortNames: ['gz'] },
    versions: [{ name: 'v1', served: true, storage: true }],
  },
};

describe('kubespy’s client against the embedded cluster', () => {
  const fixture = withCluster({ speed: 20 });
  let rest: RestClient;
  /** Every request the client sent, as its --debug log prints it. */
  const requests: string[] = [];

  beforeAll(async () => {
    const config = await loadClusterConfig({ kubeconfig: fixture.kubeconfigPath, env: {} });
    expect(config.server).toBe(fixture.cluster.url);
    rest = createRestClient(config, { userAgent: 'kubespy-test', debugLog: (line) => requests.push(line) });
    return () => rest.close();
  });

  describe('discovery', () => {
    let discovery: Discovery;
    beforeAll(() => {
      discovery = createDiscovery(rest);
    });

    it.each([
      ['svc', '', 'v1', 'services', true],
      ['Deployment', 'apps', 'v1', 'deployments', true],
      ['deploy.apps', 'apps', 'v1', 'deployments', true],
      ['EndpointSlices', 'discovery.k8s.io', 'v1', 'endpointslices', true],
      ['no', '', 'v1', 'nodes', false],
      ['ns', '', 'v1', 'namespaces', false],
    ])('resolves %s', async (input, group, version, resource, namespaced) => {
      expect(await discovery.resolve(input)).toMatchObject({ group, version, resource, namespaced });
    });

    it('resolves a CRD created after discovery was first fetched, by plural and short name', async () => {
      const before = await discovery.resources();
      expect(before.some((r) => r.resource === 'gizmos')).toBe(false);
      fixture.cluster.store.create(CRDS, undefined, gizmoCrd);
      // A miss fetches discovery again, as kubectl does after creating a CRD.
      expect(await discovery.resolve('gz')).toMatchObject({ group: 'example.com', version: 'v1', resource: 'gizmos', kind: 'Gizmo', namespaced: true });
      await discovery.refresh();
      expect((await discovery.resources()).find((r) => r.resource === 'gizmos')?.shortNames).toEqual(['gz']);
    });

    it('rejects an unknown name with a ResourceResolutionError', async () => {
      await expect(discovery.resolve('frobnitz')).rejects.toBeInstanceOf(ResourceResolutionError);
    });
  });

  describe('list+watch', () => {
    let controller: AbortController;
    beforeEach(() => {
      controller = new AbortController();
    });
    afterEach(() => controller.abort());

    const configMap = (name: string, value: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: { suite: 'list-watch' } },
      data: { value },
    });

    /** Starts a loop over the suite's ConfigMaps in `namespace`; returns what it has seen so far. */
    function watchConfigMaps(namespace: string, signal: AbortSignal): ListWatchEvent[] {
      const seen: ListWatchEvent[] = [];
      void listWatch({
        rest,
        path: pathFor({ group: '', version: 'v1', resource: 'configmaps', namespaced: true }),
        namespace,
        labelSelector: 'suite=list-watch',
        signal,
        onEvent: (event) => seen.push(event),
        // No jitter: a retry, if any, happens at once.
        random: () => 0,
      });
      return seen;
    }

    const objectEvents = (seen: ListWatchEvent[]) =>
      seen.flatMap((e) =>
        e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED'
          ? [`${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}${e.synthetic ? ' (synthetic)' : ''}`]
          : [],
      );
    const syncs = (seen: ListWatchEvent[]) => seen.filter((e): e is Extract<ListWatchEvent, { type: 'SYNC' }> => e.type === 'SYNC');
    const connects = (seen: ListWatchEvent[]) => seen.filter((e) => e.type === 'CONNECTED').length;
    const watchRequests = (namespace: string) =>
      requests.filter((line) => line.startsWith('--> GET') && line.includes(`/namespaces/${namespace}/configmaps?`) && line.includes('watch=true'));

    function namespace(name: string): string {
      fixture.cluster.store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    }

    it('resumes from the last resourceVersion after the server drops the watch: nothing lost, nothing twice', async () => {
      const { store } = fixture.cluster;
      const ns = namespace('resume');
      store.create('configmaps', ns, configMap('a', '1'));
      store.create('configmaps', ns, configMap('b', '1'));
      const seen = watchConfigMaps(ns, controller.signal);
      await eventually(() => expect(connects(seen)).toBe(1));
      expect(syncs(seen)[0]?.objects.map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);

      const a2 = store.update('configmaps', ns, 'a', configMap('a', '2'));
      await eventually(() => expect(objectEvents(seen)).toEqual([`MODIFIED a@${a2.metadata.resourceVersion}`]));

      // Drop the stream and change things before the client can come back (all synchronous): it
      // must get exactly these changes from the watch history, not from a new LIST.
      fixture.cluster.dropWatches();
      const c = store.create('configmaps', ns, configMap('c', '1'));
      const a3 = store.update('configmaps', ns, 'a', configMap('a', '3'));
      const b = store.delete('configmaps', ns, 'b');
      const bDeletedRV = store.currentResourceVersion();
      await eventually(() => expect(objectEvents(seen)).toHaveLength(4));
      expect(objectEvents(seen)).toEqual([
        `MODIFIED a@${a2.metadata.resourceVersion}`,
        `ADDED c@${c.metadata.resourceVersion}`,
        `MODIFIED a@${a3.metadata.resourceVersion}`,
        `DELETED b@${bDeletedRV}`,
      ]);
      expect(b.metadata.name).toBe('b');
      // A clean end of the stream is no failure: no re-list, no ERROR, just a new watch from the last RV.
      expect(syncs(seen)).toHaveLength(1);
      expect(seen.some((e) => e.type === 'ERROR')).toBe(false);
      const watches = watchRequests(ns);
      expect(watches).toHaveLength(2);
      expect(watches[1]).toContain(`resourceVersion=${a2.metadata.resourceVersion}&`);
    });

    it('re-lists after a 410 (compaction + drop) and reports what vanished meanwhile as DELETED', async () => {
      const { store } = fixture.cluster;
      const ns = namespace('relist');
      for (const name of ['keep', 'gone', 'changed']) store.create('configmaps', ns, configMap(name, '1'));
      const seen = watchConfigMaps(ns, controller.signal);
      await eventually(() => expect(connects(seen)).toBe(1));
      const firstRV = syncs(seen)[0]!.resourceVersion;

      // While the client is away: one object goes, one changes, one arrives; then the history
      // it would resume from is compacted away, so its watch gets 410 Expired.
      fixture.cluster.dropWatches();
      const gone = store.get('configmaps', ns, 'gone');
      store.delete('configmaps', ns, 'gone');
      store.update('configmaps', ns, 'changed', configMap('changed', '2'));
      store.create('configmaps', ns, configMap('new', '1'));
      store.compact();

      await eventually(() => expect(syncs(seen)).toHaveLength(2));
      // The watch from the compacted RV is answered with the 410 ERROR event, and the loop re-lists at once.
      const expired = seen.find((e) => e.type === 'ERROR' && e.error instanceof ApiError && e.error.isExpired());
      expect(expired).toMatchObject({ retryInMs: 0, error: { message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) } });
      const relist = syncs(seen)[1]!;
      expect(relist.relisted).toBe(true);
      expect(Number(relist.resourceVersion)).toBeGreaterThan(Number(firstRV));
      expect(relist.objects.map((o) => `${o.metadata.name}=${(o['data'] as { value: string }).value}`).sort()).toEqual(['changed=2', 'keep=1', 'new=1']);
      // The vanished object is reported DELETED (its last known state) just before the new SYNC.
      const deleted = seen.filter((e) => e.type === 'DELETED');
      expect(deleted).toHaveLength(1);
      expect(deleted[0]).toMatchObject({ synthetic: true, object: { metadata: { name: 'gone', uid: gone.metadata.uid } } });
      expect(seen.indexOf(deleted[0]!)).toBe(seen.indexOf(relist) - 1);
    });
  });
});
