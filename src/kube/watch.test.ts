import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import { ApiError, StreamError } from './errors.js';
import { createRestClient, type RestClient } from './rest.js';
import { fakeConfig, sendJSON, startFakeServer, statusBody, type FakeServer } from './test-support.js';
import { backoffDelay, listWatch, withNamespace, type ListWatchEvent, type ListWatchOptions } from './watch.js';

type Step = (res: http.ServerResponse, url: URL) => void;

function pod(name: string, rv: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `${name}-uid`, resourceVersion: rv }, ...extra };
}
/** A typed list as a real server sends it: items without kind/apiVersion. */
function podList(rv: string, items: KubeObject[], cont?: string): unknown {
  return {
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
    items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
  };
}
const line = (type: string, object: unknown) => JSON.stringify({ type, object }) + '\n';

/** Watch steps. */
const stream =
  (lines: string[], end = true): Step =>
  (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (const l of lines) res.write(l);
    if (end) res.end();
  };
const list =
  (body: unknown): Step =>
  (res) =>
    sendJSON(res, 200, body);
const fail =
  (code: number, reason: string, message: string, headers: Record<string, string> = {}, details?: Record<string, unknown>): Step =>
  (res) =>
    sendJSON(res, code, statusBody(code, reason, message, details), headers);

interface Harness {
  server: FakeServer;
  rest: RestClient;
  clock: ManualClock;
  events: ListWatchEvent[];
  ctl: AbortController;
  done: Promise<void>;
  /** Responses of watches left open, newest last. */
  open: http.ServerResponse[];
  lists: () => URL[];
  watches: () => URL[];
  waitFor: (pred: (e: ListWatchEvent[]) => boolean, what?: string) => Promise<void>;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    h.ctl.abort();
    await h.done;
    h.rest.close();
    await h.server.close();
  }
});

/**
 * Starts a scripted fake API server and a listWatch against it. LIST and WATCH requests take
 * the next step of their script; once a script runs out, a watch stays open silently (parked)
 * and a list fails with 500.
 */
async function start(script: { lists: Step[]; watches: Step[] }, extra: Partial<ListWatchOptions> = {}): Promise<Harness> {
  const open: http.ServerResponse[] = [];
  const server = await startFakeServer((_req, res, url) => {
    const isWatch = url.searchParams.get('watch') === 'true';
    const step = (isWatch ? script.watches : script.lists).shift();
    if (step) return step(res, url);
    if (isWatch) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      open.push(res);
      return;
    }
    sendJSON(res, 500, statusBody(500, 'InternalError', 'unscripted list'));
  });
  const rest = createRestClient(fakeConfig(server.url), { userAgent: 't' });
  const clock = new ManualClock();
  const events: ListWatchEvent[] = [];
  const waiters: (() => void)[] = [];
  const ctl = new AbortController();
  const done = listWatch({
    rest,
    path: '/api/v1/pods',
    namespace: 'default',
    labelSelector: 'app=web',
    signal: ctl.signal,
    clock,
    random: () => 0.5,
    stallTimeoutMs: 60_000,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    ...extra,
  });
  const reqs = (watch: boolean) => server.requests.filter((r) => (r.url.searchParams.get('watch') === 'true') === watch).map((r) => r.url);
  const h: Harness = {
    server,
    rest,
    clock,
    events,
    ctl,
    done,
    open,
    lists: () => reqs(false),
    watches: () => reqs(true),
    waitFor: async (pred, what = 'condition') => {
      const deadline = Date.now() + 5_000;
      while (!pred(events)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(summary(events))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 10);
        });
      }
    },
  };
  harnesses.push(h);
  return h;
}

/** Events in a compact, assertable form. */
function summary(events: ListWatchEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'SYNC':
        return `SYNC ${e.resourceVersion}${e.relisted ? ' relisted' : ''} [${e.objects.map((o) => o.metadata.name).join(',')}]`;
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        return `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}${e.synthetic ? ' synthetic' : ''}`;
      case 'BOOKMARK':
        return `BOOKMARK ${e.resourceVersion}`;
      case 'ERROR':
        return `ERROR ${e.error.code}${e.retryInMs !== undefined ? ` retry ${e.retryInMs}` : ''}`;
      case 'RECONNECTING':
        return `RECONNECTING #${e.attempt} ${e.delayMs}`;
      case 'CONNECTED':
        return 'CONNECTED';
    }
  });
}
const count = (events: ListWatchEvent[], s: string) => summary(events).filter((x) => x === s).length;

describe('listWatch', () => {
  it('lists, watches from the list RV with bookmarks, and resumes from the last RV after EOF', async () => {
    const h = await start({
      lists: [list(podList('12', [pod('a', '10'), pod('b', '11')]))],
      watches: [stream([line('ADDED', pod('c', '13')), line('MODIFIED', pod('a', '14'))])],
    });
    await h.waitFor(() => h.watches().length === 2 && h.open.length === 1, 'second watch');
    expect(summary(h.events)).toEqual(['SYNC 12 [a,b]', 'CONNECTED', 'ADDED c@13', 'MODIFIED a@14']);
    const sync = h.events[0] as Extract<ListWatchEvent, { type: 'SYNC' }>;
    expect(sync.objects[0]).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });

    const [l] = h.lists();
    expect(l?.pathname).toBe('/api/v1/namespaces/default/pods');
    expect(Object.fromEntries(l?.searchParams ?? [])).toEqual({ labelSelector: 'app=web', limit: '500' });
    const [w1, w2] = h.watches();
    expect(Object.fromEntries(w1?.searchParams ?? [])).toEqual({
      labelSelector: 'app=web',
      watch: 'true',
      resourceVersion: '12',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '450',
    });
    expect(w2?.searchParams.get('resourceVersion')).toBe('14');
  });

  it('follows continue tokens when listing', async () => {
    const h = await start({
      lists: [list(podList('30', [pod('a', '1')], 'page-2')), list(podList('30', [pod('b', '2')]))],
      watches: [],
    });
    await h.waitFor((e) => e.some((x) => x.type === 'CONNECTED'));
    expect(summary(h.events)[0]).toBe('SYNC 30 [a,b]');
    expect(h.lists()[1]?.searchParams.get('continue')).toBe('page-2');
    expect(h.watches()[0]?.searchParams.get('resourceVersion')).toBe('30');
  });

  it('resumes from a bookmark resourceVersion', async () => {
    const h = await start({
      lists: [list(podList('12', []))],
      watches: [stream([line('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '50' } })])],
    });
    await h.waitFor(() => h.watches().length === 2, 'second watch');
    expect(summary(h.events)).toEqual(['SYNC 12 []', 'CONNECTED', 'BOOKMARK 50']);
    expect(h.watches()[1]?.searchParams.get('resourceVersion')).toBe('50');
  });

  const expired = statusBody(410, 'Expired', 'too old resource version: 12 (40)');
  it.each([
    { name: 'an ERROR 410 Expired event', watch: stream([line('MODIFIED', pod('b', '15')), line('ERROR', expired)]), code: 'api.expired' },
    { name: 'an ERROR 410 Gone event', watch: stream([line('MODIFIED', pod('b', '15')), line('ERROR', statusBody(410, 'Gone', 'gone'))]), code: 'api.gone' },
    { name: 'an HTTP 410 answer', watch: fail(410, 'Expired', 'too old resource version'), code: 'api.expired' },
    {
      name: 'an HTTP 504 ResourceVersionTooLarge answer',
      watch: fail(504, 'Timeout', 'Too large resource version', {}, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] }),
      code: 'api.timeout',
    },
  ])('re-lists after $name and synthesizes DELETED for vanished objects', async ({ watch, code }) => {
    const h = await start({
      lists: [list(podList('12', [pod('a', '10'), pod('b', '11')])), list(podList('60', [pod('b', '55'), pod('c', '58')]))],
      watches: [watch],
    });
    await h.waitFor((e) => e.filter((x) => x.type === 'SYNC').length === 2 && h.watches().length === 2, 'relist and watch');
    const s = summary(h.events).filter((x) => !x.startsWith('MODIFIED') && x !== 'CONNECTED');
    expect(s).toEqual(['SYNC 12 [a,b]', `ERROR ${code} retry 0`, 'DELETED a@10 synthetic', 'SYNC 60 relisted [b,c]']);
    const err = h.events.find((e) => e.type === 'ERROR') as Extract<ListWatchEvent, { type: 'ERROR' }>;
    expect(err.error).toBeInstanceOf(ApiError);
    expect(h.watches()[1]?.searchParams.get('resourceVersion')).toBe('60');
    expect(h.events.some((e) => e.type === 'RECONNECTING')).toBe(false);
  });

  it('backs off on 500 and 429 (honouring Retry-After) and retries the watch without re-listing', async () => {
    const h = await start({
      lists: [list(podList('12', []))],
      watches: [fail(500, 'InternalError', 'etcd is sad'), fail(429, 'TooManyRequests', 'slow down', { 'Retry-After': '3' })],
    });
    await h.waitFor((e) => count(e, 'RECONNECTING #1 400') === 1, 'first back-off');
    expect(h.watches()).toHaveLength(1);
    h.clock.advance(399);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.watches()).toHaveLength(1);
    h.clock.advance(1);
    await h.waitFor((e) => count(e, 'RECONNECTING #2 3000') === 1, 'second back-off');
    h.clock.advance(3000);
    await h.waitFor((e) => e.some((x) => x.type === 'CONNECTED'), 'connected');
    expect(summary(h.events)).toEqual([
      'SYNC 12 []',
      'ERROR api.internal-error retry 400',
      'RECONNECTING #1 400',
      'ERROR api.too-many-requests retry 3000',
      'RECONNECTING #2 3000',
      'CONNECTED',
    ]);
    expect(h.lists()).toHaveLength(1);
    expect(h.watches().map((u) => u.searchParams.get('resourceVersion'))).toEqual(['12', '12', '12']);
  });

  it('resets the back-off after two minutes of healthy watching', async () => {
    const h = await start(
      { lists: [list(podList('12', []))], watches: [fail(500, 'InternalError', 'x')] },
      { stallTimeoutMs: 10 * 60_000 },
    );
    await h.waitFor((e) => count(e, 'RECONNECTING #1 400') === 1);
    h.clock.advance(400);
    await h.waitFor(() => h.open.length === 1, 'healthy watch');
    h.clock.advance(121_000);
    h.open[0]?.end(line('ERROR', statusBody(500, 'InternalError', 'boom')));
    await h.waitFor((e) => e.filter((x) => x.type === 'RECONNECTING').length === 2);
    expect(summary(h.events).filter((x) => x.startsWith('RECONNECTING'))).toEqual(['RECONNECTING #1 400', 'RECONNECTING #1 400']);
  });

  it('keeps retrying a LIST that is forbidden, reporting the typed error each time', async () => {
    const forbidden = fail(403, 'Forbidden', 'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"');
    const h = await start({ lists: [forbidden, forbidden, list(podList('7', [pod('a', '6')]))], watches: [] });
    await h.waitFor((e) => count(e, 'RECONNECTING #1 400') === 1);
    h.clock.advance(400);
    await h.waitFor((e) => count(e, 'RECONNECTING #2 800') === 1);
    h.clock.advance(800);
    await h.waitFor((e) => e.some((x) => x.type === 'CONNECTED'));
    expect(summary(h.events)).toEqual([
      'ERROR api.forbidden retry 400',
      'RECONNECTING #1 400',
      'ERROR api.forbidden retry 800',
      'RECONNECTING #2 800',
      'SYNC 7 [a]',
      'CONNECTED',
    ]);
    const err = h.events[0] as Extract<ListWatchEvent, { type: 'ERROR' }>;
    expect((err.error as ApiError).isForbidden()).toBe(true);
  });

  it('detects a stalled stream, aborts it and re-watches from the last RV', async () => {
    const h = await start(
      { lists: [list(podList('12', []))], watches: [stream([line('ADDED', pod('a', '20'))], false)] },
      { stallTimeoutMs: 1_000 },
    );
    await h.waitFor((e) => e.some((x) => x.type === 'ADDED'));
    h.clock.advance(999);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.events.some((e) => e.type === 'ERROR')).toBe(false);
    h.clock.advance(1);
    await h.waitFor((e) => e.some((x) => x.type === 'RECONNECTING'));
    const err = h.events.find((e) => e.type === 'ERROR') as Extract<ListWatchEvent, { type: 'ERROR' }>;
    expect(err.error).toBeInstanceOf(StreamError);
    expect(err.error.code).toBe('stream.stalled');
    h.clock.advance(400);
    await h.waitFor(() => h.watches().length === 2, 're-watch');
    expect(h.watches()[1]?.searchParams.get('resourceVersion')).toBe('20');
  });

  it('reports a line that does not parse as an ERROR event and carries on', async () => {
    const h = await start({
      lists: [list(podList('12', []))],
      watches: [stream(['this is not json\n', '{"type":"ADDED"}\n', line('ADDED', pod('a', '13'))], false)],
    });
    await h.waitFor((e) => e.some((x) => x.type === 'ADDED'));
    expect(summary(h.events)).toEqual(['SYNC 12 []', 'CONNECTED', 'ERROR stream.bad-line', 'ERROR stream.bad-line', 'ADDED a@13']);
    const bad = h.events[2] as Extract<ListWatchEvent, { type: 'ERROR' }>;
    expect((bad.error as StreamError).excerpt).toBe('this is not json');
  });

  it('treats a watch that closes at once with nothing as a failure, not a hot loop', async () => {
    const h = await start({ lists: [list(podList('12', []))], watches: [stream([])] });
    await h.waitFor((e) => e.some((x) => x.type === 'RECONNECTING'));
    expect(summary(h.events)).toEqual(['SYNC 12 []', 'CONNECTED', 'ERROR stream.closed-early retry 400', 'RECONNECTING #1 400']);
    expect(h.watches()).toHaveLength(1);
  });

  it('stops cleanly on abort: while watching and while backing off, with no events after', async () => {
    const watching = await start({ lists: [list(podList('12', []))], watches: [] });
    await watching.waitFor((e) => e.some((x) => x.type === 'CONNECTED'));
    const n = watching.events.length;
    watching.ctl.abort();
    await watching.done;
    watching.open[0]?.write(line('ADDED', pod('late', '99')));
    await new Promise((r) => setTimeout(r, 30));
    expect(watching.events).toHaveLength(n);

    const backingOff = await start({ lists: [fail(503, 'ServiceUnavailable', 'down')], watches: [] });
    await backingOff.waitFor((e) => e.some((x) => x.type === 'RECONNECTING'));
    backingOff.ctl.abort();
    await backingOff.done; // resolves without the clock advancing
    expect(backingOff.lists()).toHaveLength(1);
  });
});

describe('backoffDelay', () => {
  it.each([
    { attempt: 1, random: 1, want: 800 },
    { attempt: 2, random: 1, want: 1600 },
    { attempt: 6, random: 1, want: 25_600 },
    { attempt: 7, random: 1, want: 30_000 },
    { attempt: 30, random: 1, want: 30_000 },
    { attempt: 3, random: 0, want: 0 },
    { attempt: 3, random: 0.25, want: 800 },
  ])('attempt $attempt, random $random → $want ms', ({ attempt, random, want }) => {
    expect(backoffDelay(attempt, () => random)).toBe(want);
  });
});

describe('withNamespace', () => {
  it.each([
    ['/api/v1/pods', 'web', '/api/v1/namespaces/web/pods'],
    ['/apis/apps/v1/deployments', 'x', '/apis/apps/v1/namespaces/x/deployments'],
    ['/api/v1/namespaces/web/pods', 'other', '/api/v1/namespaces/web/pods'],
    ['/api/v1/nodes', undefined, '/api/v1/nodes'],
  ])('%s + %s → %s', (path, ns, want) => {
    expect(withNamespace(path, ns)).toBe(want);
  });
});

describe('listWatch consumer errors', () => {
  it('rejects with what onEvent threw instead of retrying it as a cluster failure', async () => {
    const server = await startFakeServer((_req, res) => sendJSON(res, 200, podList('1', [])));
    const rest = createRestClient(fakeConfig(server.url), { userAgent: 't' });
    const bug = new Error('consumer bug');
    try {
      await expect(
        listWatch({ rest, path: '/api/v1/pods', signal: new AbortController().signal, clock: new ManualClock(), onEvent: () => { throw bug; } }),
      ).rejects.toBe(bug);
    } finally {
      rest.close();
      await server.close();
    }
  });
});
