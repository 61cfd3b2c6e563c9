/**
 * The API server over HTTP/2, as kube-apiserver serves it over TLS: ALPN offers h2 and
 * http/1.1, requests and watches are streams of one session, a watch ends with END_STREAM when
 * the server ends it, a cancelled watch stream stops its store watch, and close()/restart()
 * drop sessions. HTTP/1.1 clients keep working, and `http2: false` serves HTTP/1.1 only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as http2Connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { hasKubectl, kubectlFor } from '../../../test/helpers/kubectl.js';
import { systemClock } from '../../lib/clock.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../index.js';
import { createStore } from '../store/index.js';
import type { WatchHandle } from '../store/types.js';
import { startApiServer, type ApiServer } from './index.js';

type Rec = Record<string, unknown>;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster(log?: (message: string) => void): Promise<EmbeddedCluster> {
  const c = await startEmbeddedCluster({ speed: 50, ...(log ? { log } : {}) });
  cleanups.push(() => c.close());
  return c;
}

async function session(c: { url: string; caCertPem?: string | undefined }): Promise<ClientHttp2Session> {
  const s = http2Connect(c.url, { ca: c.caCertPem });
  cleanups.push(() => void s.destroy());
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('error', reject);
  });
  return s;
}

function send(s: ClientHttp2Session, token: string, path: string, method = 'GET', body?: unknown): ClientHttp2Stream {
  const headers: Record<string, string> = { ':method': method, ':path': path, authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const stream = s.request(headers, { endStream: body === undefined });
  if (body !== undefined) stream.end(JSON.stringify(body));
  return stream;
}

/** One request on the session, read to its end. */
function call(s: ClientHttp2Session, token: string, path: string, method = 'GET', body?: unknown): Promise<{ status: number; headers: Rec; body: Rec }> {
  const stream = send(s, token, path, method, body);
  return new Promise((resolve, reject) => {
    let headers: Rec = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => void (headers = h));
    stream.on('data', (chunk: string) => void (text += chunk));
    stream.on('end', () => resolve({ status: Number(headers[':status']), headers, body: JSON.parse(text) as Rec }));
    stream.on('error', reject);
  });
}

interface WatchStream {
  stream: ClientHttp2Stream;
  headers: Promise<Rec>;
  events: Rec[];
  /** Resolves once an event matching `probe` has arrived. */
  waitFor(probe: (event: Rec) => boolean): Promise<Rec>;
  /** Resolves when the server ends the stream (END_STREAM): true if it ended cleanly. */
  ended: Promise<boolean>;
}

function watch(s: ClientHttp2Session, token: string, path: string): WatchStream {
  const stream = send(s, token, path);
  const events: Rec[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, nl)) as Rec);
      buffer = buffer.slice(nl + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const waitFor = async (probe: (event: Rec) => boolean): Promise<Rec> => {
    for (;;) {
      const found = events.find(probe);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const headers = new Promise<Rec>((resolve) => stream.once('response', resolve));
  const ended = new Promise<boolean>((resolve) => {
    stream.on('end', () => resolve(stream.rstCode === undefined || stream.rstCode === constants.NGHTTP2_NO_ERROR));
    stream.on('error', () => resolve(false));
  });
  return { stream, headers, events, waitFor, ended };
}

const nameOf = (event: Rec) => ((event['object'] as Rec)['metadata'] as Rec)['name'];
const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });

/** Which protocol a client offering both (as Go's client does) gets from the TLS handshake. */
function negotiated(server: { port: number; caCertPem?: string | undefined }): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: server.caCertPem, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(socket.alpnProtocol ?? false);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

/** Counts store watches that are still running, to see the server stop them. */
function countStoreWatches(c: EmbeddedCluster): () => number {
  const live = new Set<WatchHandle>();
  const original = c.store.watch.bind(c.store);
  c.store.watch = (resource, options, listener) => {
    const handle = original(resource, options, listener);
    live.add(handle);
    return {
      ...handle,
      stop: () => {
        live.delete(handle);
        handle.stop();
      },
    };
  };
  return () => live.size;
}

describe('the API server over HTTP/2', () => {
  it('negotiates h2 with a client offering h2 and http/1.1, as kube-apiserver does', async () => {
    const c = await cluster();
    expect(await negotiated(c)).toBe('h2');
    const s = await session(c);
    expect(s.alpnProtocol).toBe('h2');
    const version = await call(s, c.token, '/version');
    expect(version.status).toBe(200);
    expect(version.body['gitVersion']).toBe('v1.32.0');
    // Connection-specific headers are forbidden on HTTP/2.
    expect(version.headers['transfer-encoding']).toBeUndefined();
    expect(version.headers['connection']).toBeUndefined();
  });

  it('runs a LIST, a create and a WATCH as streams of one session; the watch ends with END_STREAM when the server ends it', async () => {
    const c = await cluster();
    const s = await session(c);
    const sockets = new Set([s.socket]);

    const list = await call(s, c.token, '/api/v1/namespaces/default/configmaps');
    expect(list.status).toBe(200);
    const rv = (list.body['metadata'] as Rec)['resourceVersion'] as string;

    const w = watch(s, c.token, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`);
    const headers = await w.headers;
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['transfer-encoding']).toBeUndefined();

    const created = await call(s, c.token, '/api/v1/namespaces/default/configmaps', 'POST', configMap('over-h2'));
    expect(created.status).toBe(201);
    const event = await w.waitFor((e) => nameOf(e) === 'over-h2');
    expect(event['type']).toBe('ADDED');

    sockets.add(s.socket);
    expect(sockets.size).toBe(1); // one connection carried all of it
    expect(s.closed).toBe(false);

    c.dropWatches();
    expect(await w.ended).toBe(true);
    // The session outlives the watch: the next request uses it again.
    expect((await call(s, c.token, '/version')).status).toBe(200);
  });

  it('stops the store watch when the client cancels the watch stream (RST_STREAM)', async () => {
    const c = await cluster();
    const liveWatches = countStoreWatches(c);
    const s = await session(c);
    const w = watch(s, c.token, '/api/v1/namespaces/default/configmaps?watch=1');
    await w.headers;
    expect(liveWatches()).toBe(1);

    const closed = new Promise<void>((resolve) => w.stream.once('close', resolve));
    w.stream.close(constants.NGHTTP2_CANCEL);
    await closed;
    // The server has seen the RST_STREAM once a later request on the same session is answered.
    expect((await call(s, c.token, '/version')).status).toBe(200);
    expect(liveWatches()).toBe(0);
    expect(s.closed).toBe(false);
  });

  it('keeps serving HTTP/1.1 clients (node:https, no ALPN), watches chunked as before', async () => {
    const c = await cluster();
    const res = await new Promise<{ version: string; te: string | undefined; first: string }>((resolve, reject) => {
      const req = httpsRequest(`${c.url}/api/v1/namespaces?watch=1`, { ca: c.caCertPem, headers: { authorization: `Bearer ${c.token}` } }, (r) => {
        r.setEncoding('utf8');
        r.once('data', (chunk: string) => {
          resolve({ version: r.httpVersion, te: r.headers['transfer-encoding'], first: chunk });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.version).toBe('1.1');
    expect(res.te).toBe('chunked');
    expect(JSON.parse(res.first.split('\n')[0]!)).toMatchObject({ type: 'ADDED' });
  });

  it('close() resolves with an HTTP/2 session and a watch open, and ends the session', async () => {
    const c = await startEmbeddedCluster({ speed: 50 });
    const s = await session(c);
    const w = watch(s, c.token, '/api/v1/namespaces/default/configmaps?watch=1');
    await w.headers;
    const sessionClosed = new Promise<void>((resolve) => s.once('close', resolve));
    await c.close();
    await sessionClosed;
    expect(s.destroyed).toBe(true);
  });

  it('restart() drops HTTP/2 sessions; a new session works once it is back', async () => {
    const c = await cluster();
    const s = await session(c);
    const sessionClosed = new Promise<void>((resolve) => s.once('close', resolve));
    await c.restart(0);
    await sessionClosed;
    const again = await session(c);
    expect((await call(again, c.token, '/version')).status).toBe(200);
  });
});

describe('http2: false', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves HTTP/1.1 only over TLS: ALPN picks http/1.1 for a client offering h2 too', async () => {
    const store = createStore({ clock: systemClock });
    server = await startApiServer({ store, token: 't', http2: false });
    expect(await negotiated(server)).toBe('http/1.1');
    const s = http2Connect(server.url, { ca: server.caCertPem });
    cleanups.push(() => void s.destroy());
    // node:http2 offers only h2, which this server does not speak.
    await expect(new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject))).rejects.toThrow();
  });
});

describe.skipIf(!hasKubectl)('real kubectl', () => {
  it('negotiates HTTP/2 with the embedded cluster, as with a real API server', async () => {
    const log: string[] = [];
    const c = await cluster((line) => log.push(line));
    const dir = await mkdtemp(join(tmpdir(), 'kubespy-h2-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, c.kubeconfig());
    const kubectl = kubectlFor(kubeconfig, join(dir, 'cache'));
    expect(await kubectl.ok(['get', 'namespaces', '-o', 'name'])).toContain('namespace/default');
    const lists = log.filter((line) => line.startsWith('GET /api/v1/namespaces?'));
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((line) => line.endsWith(' 200 HTTP/2.0'))).toBe(true);
  });
});
