/**
 * The API server over real HTTP with a real store: CRUD, errors, tables, watches.
 */
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from './index.js';

const TOKEN = 'test-token';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

type Rec = Record<string, unknown>;

let servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(overrides: Partial<ApiServerOptions> = {}): Promise<{ store: Store; server: ApiServer; clock: ManualClock }> {
  const store = createStore({ clock: systemClock });
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const clock = new ManualClock(Date.now());
  const server = await startApiServer({ store, token: TOKEN, tls: false, clock, ...overrides });
  servers.push(server);
  return { store, server, clock };
}

interface Reply {
  status: number;
  headers: Headers;
  body: Rec;
}

async function call(server: ApiServer, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Rec) : { text } };
}

/** Opens a watch and yields its parsed lines. */
async function openWatch(server: ApiServer, path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(server.url + path, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers }, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const events: Rec[] = [];
  async function next(): Promise<Rec | undefined> {
    for (;;) {
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const event = JSON.parse(line) as Rec;
        events.push(event);
        return event;
      }
      if (done) return undefined;
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { res, next, events, abort: () => controller.abort() };
}

const configMap = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { key: 'value' },
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
};

describe('non-resource endpoints', () => {
  it('answers /version without credentials and reports 1.32', async () => {
    const { server } = await setup();
    const reply = await call(server, 'GET', '/version', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
  });

  it.each(['/healthz', '/livez', '/readyz'])('%s is ok', async (path) => {
    const { server } = await setup();
    expect((await call(server, 'GET', path)).body).toEqual({ text: 'ok' });
  });

  it('serves aggregated discovery with the exact content type kubectl looks for', async () => {
    const { server } = await setup();
    const reply = await call(server, 'GET', '/apis', {
      headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' },
    });
    expect(reply.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(reply.body['kind']).toBe('APIGroupDiscoveryList');
    const legacy = await call(server, 'GET', '/apis', { headers: { Accept: 'application/json' } });
    expect(legacy.body['kind']).toBe('APIGroupList');
  });

  it('answers /api with the server address and 404s /openapi/v2', async () => {
    const { server } = await setup();
    expect((await call(server, 'GET', '/api')).body).toMatchObject({ kind: 'APIVersions', serverAddressByClientCIDRs: [{ serverAddress: `127.0.0.1:${server.port}` }] });
    expect((await call(server, 'GET', '/openapi/v2')).status).toBe(404);
    const index = (await call(server, 'GET', '/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    const doc = await call(server, 'GET', index.paths['apis/apps/v1']!.serverRelativeURL);
    expect(doc.body['openapi']).toBe('3.0.0');
  });
});

describe('authentication and authorization', () => {
  it.each([
    ['no token', null],
    ['wrong token', 'nope'],
  ])('%s → 401 Status', async (_name, token) => {
    const { server } = await setup();
    const reply = await call(server, 'GET', '/api/v1/namespaces/default/pods', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('serves requests without credentials when allowAnonymous is set, but still rejects wrong tokens', async () => {
    const { server } = await setup({ allowAnonymous: true });
    expect((await call(server, 'GET', '/api/v1/namespaces', { token: null })).status).toBe(200);
    expect((await call(server, 'GET', '/api/v1/namespaces', { token: 'nope' })).status).toBe(401);
  });

  it('rejects a wrong token even on public paths', async () => {
    const { server } = await setup();
    expect((await call(server, 'GET', '/version', { token: 'nope' })).status).toBe(401);
  });

  it('denies forbidden requests with the real 403 body', async () => {
    const { server } = await setup({
      forbid: [
        { verb: 'watch', resource: 'services', namespace: 'default' },
        { verb: 'delete', resource: 'deployments.apps' },
        { verb: 'list', resource: 'nodes' },
      ],
    });
    const watch = await call(server, 'GET', '/api/v1/namespaces/default/services?watch=true');
    expect(watch.status).toBe(403);
    expect(watch.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'services is forbidden: User "kubespy-user" cannot watch resource "services" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'services' },
      code: 403,
    });
    const del = await call(server, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(del.body['message']).toBe(
      'deployments.apps "web" is forbidden: User "kubespy-user" cannot delete resource "deployments" in API group "apps" in the namespace "default"',
    );
    expect(del.body['details']).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
    const nodes = await call(server, 'GET', '/api/v1/nodes');
    expect(nodes.body['message']).toBe('nodes is forbidden: User "kubespy-user" cannot list resource "nodes" in API group "" at the cluster scope');
    // Not matching: other namespace, other verbs.
    expect((await call(server, 'GET', '/api/v1/namespaces/default/services')).status).toBe(200);
  });
});

describe('CRUD', () => {
  it('creates, reads, updates, lists and deletes a ConfigMap', async () => {
    const { server } = await setup();
    const created = await call(server, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict', { body: configMap('a', { team: 'x' }) });
    expect(created.status).toBe(201);
    const meta = created.body['metadata'] as Rec;
    expect(meta).toMatchObject({ name: 'a', namespace: 'default' });
    expect(meta['uid']).toEqual(expect.any(String));

    const got = await call(server, 'GET', '/api/v1/namespaces/default/configmaps/a');
    expect(got.body['data']).toEqual({ key: 'value' });

    const updated = await call(server, 'PUT', '/api/v1/namespaces/default/configmaps/a', { body: { ...got.body, data: { key: 'new' } } });
    expect(updated.status).toBe(200);
    expect(updated.body['data']).toEqual({ key: 'new' });

    const stale = await call(server, 'PUT', '/api/v1/namespaces/default/configmaps/a', { body: { ...got.body, data: { key: 'stale' } } });
    expect(stale.status).toBe(409);
    expect(stale.body['reason']).toBe('Conflict');

    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('b') });
    const list = await call(server, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=team%3Dx');
    expect(list.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    expect((list.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['a']);
    const all = await call(server, 'GET', '/api/v1/configmaps');
    expect((all.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['a', 'b']);

    const deleted = await call(server, 'DELETE', '/api/v1/namespaces/default/configmaps/a', { body: { propagationPolicy: 'Background' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'a', kind: 'configmaps', uid: meta['uid'] } });
    const gone = await call(server, 'GET', '/api/v1/namespaces/default/configmaps/a');
    expect(gone.status).toBe(404);
    expect(gone.body['message']).toBe('configmaps "a" not found');
  });

  it('pages lists with limit and continue', async () => {
    const { server } = await setup();
    for (const n of ['a', 'b', 'c']) await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap(n) });
    const first = await call(server, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
    const meta = first.body['metadata'] as Rec;
    expect((first.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(meta['remainingItemCount']).toBe(1);
    const second = await call(server, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(String(meta['continue']))}`);
    expect((second.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['c']);
  });

  it('returns a gracefully deleted object with its deletionTimestamp', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: { ...configMap('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } } });
    const reply = await call(server, 'DELETE', '/api/v1/namespaces/default/configmaps/f');
    expect(reply.body['kind']).toBe('ConfigMap');
    expect((reply.body['metadata'] as Rec)['deletionTimestamp']).toEqual(expect.any(String));
  });

  it('deletes a collection by label', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('a', { x: '1' }) });
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('b') });
    const reply = await call(server, 'DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=x%3D1');
    expect(reply.body['kind']).toBe('ConfigMapList');
    expect((reply.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['a']);
    const left = await call(server, 'GET', '/api/v1/namespaces/default/configmaps');
    expect((left.body['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['b']);
  });

  it.each([
    ['merge', 'application/merge-patch+json', { data: { extra: '1' } }],
    ['strategic', 'application/strategic-merge-patch+json', { data: { extra: '1' } }],
    ['json', 'application/json-patch+json', [{ op: 'add', path: '/data/extra', value: '1' }]],
  ])('patches with a %s patch', async (_name, contentType, body) => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('p') });
    const reply = await call(server, 'PATCH', '/api/v1/namespaces/default/configmaps/p', { body, headers: { 'Content-Type': contentType } });
    expect(reply.status).toBe(200);
    expect(reply.body['data']).toEqual({ key: 'value', extra: '1' });
  });

  it('server-side apply creates (201) then updates (200)', async () => {
    const { server } = await setup();
    const path = '/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl&force=false';
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const first = await call(server, 'PATCH', path, { body: configMap('ssa'), headers });
    expect(first.status).toBe(201);
    const yamlBody = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  key: yaml\n';
    const second = await call(server, 'PATCH', path, { body: yamlBody, headers });
    expect(second.status).toBe(200);
    expect(second.body['data']).toEqual({ key: 'yaml' });
  });

  it('reads and writes the scale subresource as autoscaling/v1 Scale', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment });
    const scale = await call(server, 'GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } });

    const put = await call(server, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { body: { ...scale.body, spec: { replicas: 5 } } });
    expect(put.body['spec']).toEqual({ replicas: 5 });
    const patched = await call(server, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', {
      body: { spec: { replicas: 3 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patched.body['spec']).toEqual({ replicas: 3 });
    const dep = await call(server, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect((dep.body['spec'] as Rec)['replicas']).toBe(3);

    const negative = await call(server, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/scale', { body: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: -1 } } });
    expect(negative.status).toBe(422);
  });

  it('writes only status through the status subresource', async () => {
    const { server } = await setup();
    const created = await call(server, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment });
    const body = { ...created.body, spec: { ...(created.body['spec'] as Rec), replicas: 9 }, status: { observedGeneration: 1, replicas: 2 } };
    const reply = await call(server, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', { body });
    expect(reply.status).toBe(200);
    expect(reply.body['status']).toMatchObject({ replicas: 2 });
    expect((reply.body['spec'] as Rec)['replicas']).toBe(2);
  });
});

describe('request errors', () => {
  const cases: Array<[string, string, string, unknown, number, string | RegExp]> = [
    ['unknown resource', 'GET', '/api/v1/namespaces/default/widgets', undefined, 404, 'the server could not find the requested resource'],
    ['unknown group version', 'GET', '/apis/apps/v9/deployments', undefined, 404, 'the server could not find the requested resource'],
    ['cluster-scoped kind under a namespace', 'GET', '/api/v1/namespaces/default/nodes', undefined, 404, 'the server could not find the requested resource'],
    ['unserved subresource', 'GET', '/api/v1/namespaces/default/configmaps/a/scale', undefined, 404, 'the server could not find the requested resource'],
    ['bad JSON', 'POST', '/api/v1/namespaces/default/configmaps', '{"kind": ', 400, /json parse error/],
    ['wrong kind', 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, 400, /cannot be handled as a ConfigMap/],
    ['wrong apiVersion', 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 400, 'the API version in the data (apps/v1) does not match the expected API version (v1)'],
    ['namespace mismatch', 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } }, 400, 'the namespace of the provided object does not match the namespace sent on the request'],
    ['name mismatch', 'PUT', '/api/v1/namespaces/default/configmaps/y', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 400, 'the name of the object (x) does not match the name on the URL (y)'],
    ['bad label selector', 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(', undefined, 400, /.+/],
    ['sendInitialEvents on a list', 'GET', '/api/v1/namespaces/default/configmaps?sendInitialEvents=true', undefined, 422, 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
  ];
  it.each(cases)('%s', async (_name, method, path, body, code, message) => {
    const { server } = await setup();
    const reply = await call(server, method, path, body === undefined ? {} : { body });
    expect(reply.status).toBe(code);
    expect(reply.body).toMatchObject({ kind: 'Status', status: 'Failure', code });
    if (typeof message === 'string') expect(reply.body['message']).toBe(message);
    else expect(reply.body['message']).toMatch(message);
  });
});

describe('tables', () => {
  it('answers kubectl get with a Table of the kind’s columns', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    const reply = await call(server, 'GET', '/api/v1/namespaces/default/pods?limit=500', { headers: { Accept: TABLE_ACCEPT } });
    expect(reply.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.any(String) } });
    expect((reply.body['columnDefinitions'] as Rec[]).map((c) => c['name'])).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const rows = reply.body['rows'] as Array<{ cells: unknown[]; object: Rec }>;
    expect(rows[0]?.cells.slice(0, 4)).toEqual(['p1', '0/1', 'Pending', '0']);
    expect(rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'p1' } });

    const one = await call(server, 'GET', '/api/v1/namespaces/default/pods/p1?includeObject=Object', { headers: { Accept: TABLE_ACCEPT } });
    expect((one.body['rows'] as Array<{ object: Rec }>)[0]?.object['kind']).toBe('Pod');
  });
});

describe('watch', () => {
  it('streams changes after a resourceVersion, then ends cleanly at timeoutSeconds', async () => {
    const { server, clock } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('before') });
    const list = await call(server, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = (list.body['metadata'] as Rec)['resourceVersion'] as string;

    const watch = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=30`);
    expect(watch.res.status).toBe(200);
    expect(watch.res.headers.get('content-type')).toBe('application/json');
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('after') });
    await call(server, 'DELETE', '/api/v1/namespaces/default/configmaps/before');
    const added = await watch.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name: 'after' } } });
    expect(await watch.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'before' } } });

    clock.advance(30_000);
    expect(await watch.next()).toBeUndefined();
    expect(watch.events.map((e) => e['type'])).toEqual(['ADDED', 'DELETED']);
  });

  it('sends synthetic ADDED events without a resourceVersion and accepts watch=True and the /watch/ prefix', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('one') });
    const a = await openWatch(server, '/api/v1/namespaces/default/configmaps?watch=True');
    expect(await a.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'one' } } });
    a.abort();
    const b = await openWatch(server, '/api/v1/watch/namespaces/default/configmaps/one');
    expect(await b.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'one' } } });
    b.abort();
  });

  it('reports a compacted resourceVersion as HTTP 200 with one ERROR event, then EOF', async () => {
    const { server, store } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('a') });
    const list = await call(server, 'GET', '/api/v1/namespaces/default/configmaps');
    const oldRv = (list.body['metadata'] as Rec)['resourceVersion'] as string;
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('b') });
    store.compact();

    const watch = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${oldRv}`);
    expect(watch.res.status).toBe(200);
    const event = await watch.next();
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(((event!['object'] as Rec)['message'] as string)).toMatch(/^too old resource version: /);
    expect(await watch.next()).toBeUndefined();
  });

  it.each([
    ['sendInitialEvents without resourceVersionMatch', 'sendInitialEvents=true', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
    ['resourceVersionMatch without sendInitialEvents', 'resourceVersionMatch=NotOlderThan', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
  ])('refuses %s with 422', async (_name, params, message) => {
    const { server } = await setup();
    const reply = await call(server, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&${params}`);
    expect(reply.status).toBe(422);
    expect(reply.body['message']).toBe(`ListOptions.meta.k8s.io "" is invalid: ${message}`);
  });

  it('streams a list with sendInitialEvents, ending the initial state with a bookmark', async () => {
    const { server } = await setup();
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('a') });
    const watch = await openWatch(server, '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    expect(await watch.next()).toMatchObject({ type: 'BOOKMARK', object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    watch.abort();
  });

  it('sends bookmarks every interval when allowed', async () => {
    const { server, clock, store } = await setup({ bookmarkIntervalMs: 5_000 });
    const list = await call(server, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = (list.body['metadata'] as Rec)['resourceVersion'] as string;
    const watch = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`);
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('x') });
    expect(await watch.next()).toMatchObject({ type: 'ADDED' });
    clock.advance(5_000);
    expect(await watch.next()).toEqual({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: store.currentResourceVersion() } } });
    watch.abort();
  });

  it('wraps each event in a one-row Table when kubectl get -w asks for Tables', async () => {
    const { server } = await setup();
    const list = await call(server, 'GET', '/api/v1/namespaces/default/configmaps', { headers: { Accept: TABLE_ACCEPT } });
    const rv = (list.body['metadata'] as Rec)['resourceVersion'] as string;
    const watch = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, { Accept: TABLE_ACCEPT });
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('t1') });
    await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('t2') });
    const first = (await watch.next())!;
    const second = (await watch.next())!;
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [{ cells: ['t1', 1, '0s'] }] } });
    expect(((first['object'] as Rec)['columnDefinitions'] as Rec[]).map((c) => c['name'])).toEqual(['Name', 'Data', 'Age']);
    expect((second['object'] as Rec)['columnDefinitions']).toEqual([]);
    watch.abort();
  });

  it('stops the store watch when the client goes away, and close() ends open watches', async () => {
    const { server, store } = await setup();
    let stopped = 0;
    const original = store.watch.bind(store);
    store.watch = (resource, options, listener) => {
      const handle = original(resource, options, listener);
      return { stop: () => { stopped++; handle.stop(); } };
    };
    const a = await openWatch(server, '/api/v1/namespaces/default/configmaps?watch=true');
    a.abort();
    await expect.poll(() => stopped).toBe(1);

    const b = await openWatch(server, '/api/v1/namespaces/default/configmaps?watch=true');
    await server.close();
    expect(await b.next()).toBeUndefined();
    expect(stopped).toBe(2);
  });
});

describe('https', () => {
  it('serves TLS with the CA it hands out', async () => {
    const store = createStore({ clock: systemClock });
    const server = await startApiServer({ store, token: TOKEN });
    servers.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${server.url}/api/v1/namespaces`, { ca: server.caCertPem, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ kind: 'NamespaceList' });
  });

  it.each(['0.0.0.0', '192.168.1.10', 'example.com'])('refuses to listen on %s', async (host) => {
    await expect(startApiServer({ store: createStore({ clock: systemClock }), token: TOKEN, host })).rejects.toThrow(/loopback/);
  });
});
