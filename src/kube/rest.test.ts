import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServingCertificates, type ServingCertificates } from '../cluster/tls.js';
import { whenBatchEnds } from '../lib/batch.js';
import type { ClusterConfig } from './config.js';
import { ApiError, ConnectionError, StreamError } from './errors.js';
import { createRestClient, toTypedError, type LineStream, type RestClient } from './rest.js';
import { fakeConfig, sendJSON, startFakeServer, statusBody, type FakeServer } from './test-support.js';

const TOKEN = 'tok-9d8e7f-secret';

/** Every line of a stream, read to its end. */
async function allLines(stream: LineStream): Promise<string[]> {
  const lines: string[] = [];
  await stream.read((line) => {
    lines.push(line);
  });
  return lines;
}

/**
 * Reads a stream that stays open, in the background: `lines` fills as they come and `seen(n)`
 * resolves once n lines arrived; the caller aborts the request, then awaits `ended`.
 */
function readOpen(stream: LineStream, onLine: (line: string, count: number) => void = () => {}) {
  const lines: string[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const ended = stream
    .read((line) => {
      lines.push(line);
      onLine(line, lines.length);
      for (const w of waiting) if (lines.length >= w.count) w.resolve();
    })
    .catch(() => undefined);
  const seen = (count: number) =>
    lines.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }));
  return { lines, seen, ended };
}

/** The first line of a stream; reading stops there (the request is cancelled). */
async function firstLine(stream: LineStream): Promise<string | undefined> {
  let first: string | undefined;
  await stream.read((line) => {
    first = line;
    return false;
  });
  return first;
}

describe.each([
  { protocol: 'HTTP/1.1', http2: false, httpVersion: '1.1' },
  { protocol: 'HTTP/2', http2: true, httpVersion: '2.0' },
])('rest over TLS with a generated CA, server offering $protocol', ({ http2, httpVersion }) => {
  let certs: ServingCertificates;
  let server: FakeServer;
  const clients: RestClient[] = [];
  const client = (...args: Parameters<typeof fakeConfig>) => {
    const logs: string[] = [];
    const c = createRestClient(fakeConfig(...args), { userAgent: 'kubespy-test', debugLog: (l) => logs.push(l) });
    clients.push(c);
    return { c, logs };
  };

  beforeAll(async () => {
    certs = await generateServingCertificates(['127.0.0.1']);
    server = await startFakeServer(
      (req, res, url) => {
        if (url.pathname === '/api') return sendJSON(res, 200, { kind: 'APIVersions', versions: ['v1'], auth: req.headers.authorization });
        if (url.pathname === '/forbidden') {
          return sendJSON(res, 403, statusBody(403, 'Forbidden', 'pods is forbidden: User "u" cannot list resource "pods"', { kind: 'pods' }));
        }
        if (url.pathname === '/busy') return sendJSON(res, 429, statusBody(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '7' });
        if (url.pathname === '/html') {
          res.writeHead(404, { 'Content-Type': 'text/html' });
          return res.end('<html>no such page</html>');
        }
        if (url.pathname === '/echo') return sendJSON(res, 200, Object.fromEntries(url.searchParams));
        res.writeHead(500);
        res.end();
      },
      { cert: certs.certPem, key: certs.keyPem, http2 },
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('verifies the server against the configured CA and sends the token', async () => {
    const { c } = client(server.url, { ca: certs.caCertPem, token: TOKEN });
    expect(await c.getJSON('/api')).toEqual({ kind: 'APIVersions', versions: ['v1'], auth: `Bearer ${TOKEN}` });
    expect(server.requests.at(-1)?.headers['user-agent']).toBe('kubespy-test');
    // HTTP/2 whenever the server offers it (ALPN), as client-go does; HTTP/1.1 otherwise.
    expect(server.requests.at(-1)?.httpVersion).toBe(httpVersion);
  });

  it('refuses a server it cannot verify, and says how to fix it', async () => {
    const { c } = client(server.url, { token: TOKEN });
    const err = await c.getJSON('/api').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('connection.tls');
    expect((err as ConnectionError).message).toContain('certificate-authority');
    expect((err as ConnectionError).message).toContain('insecure-skip-tls-verify');
  });

  it('verifies each connection against the CA given for it (one TLS context per distinct CA)', async () => {
    // The TLS context is built once and reused while the CA stays the same; a CA that changes
    // (an exec plugin rotating credentials, say) must be the one the next connection checks.
    const other = await generateServingCertificates(['127.0.0.1']);
    let ca = certs.caCertPem;
    const config = fakeConfig(server.url, { token: TOKEN });
    const c = createRestClient(
      {
        ...config,
        async applyAuth(opts) {
          await config.applyAuth(opts);
          opts.ca = ca;
        },
      },
      { userAgent: 't' },
    );
    clients.push(c);
    expect(await c.getJSON('/api')).toMatchObject({ kind: 'APIVersions' });
    ca = other.caCertPem;
    const err = await c.getJSON('/api').catch((e: unknown) => e);
    expect((err as ConnectionError).code).toBe('connection.tls');
    ca = certs.caCertPem;
    expect(await c.getJSON('/api')).toMatchObject({ kind: 'APIVersions' });
  });

  it('skips verification only when the kubeconfig says insecure-skip-tls-verify', async () => {
    const { c } = client(server.url, { skipTLS: true });
    expect(await c.getJSON('/api')).toMatchObject({ kind: 'APIVersions' });
  });

  it('debug logging redacts the Authorization header', async () => {
    const { c, logs } = client(server.url, { ca: certs.caCertPem, token: TOKEN });
    await c.getJSON('/api');
    expect(logs.join('\n')).toContain('Authorization: Bearer <redacted>');
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs.some((l) => l.startsWith('<-- 200 GET /api'))).toBe(true);
  });

  it('encodes query parameters', async () => {
    const { c } = client(server.url, { ca: certs.caCertPem });
    const q = { labelSelector: 'app in (a,b),tier!=db', fieldSelector: 'metadata.name=x', limit: 500, skipped: undefined };
    expect(await c.getJSON('/echo', q)).toEqual({ labelSelector: 'app in (a,b),tier!=db', fieldSelector: 'metadata.name=x', limit: '500' });
  });

  it.each([
    { name: 'a Status body', path: '/forbidden', check: (e: ApiError) => e.isForbidden() && e.details?.kind === 'pods', code: 'api.forbidden', msg: 'cannot list resource "pods"' },
    { name: 'Retry-After', path: '/busy', check: (e: ApiError) => e.isTooManyRequests() && e.retryAfterMs() === 7000, code: 'api.too-many-requests', msg: 'slow down' },
    { name: 'a body that is not a Status', path: '/html', check: (e: ApiError) => e.isNotFound(), code: 'api.not-found', msg: 'no such page' },
  ])('turns an error response with $name into an ApiError', async ({ path, check, code, msg }) => {
    const { c } = client(server.url, { ca: certs.caCertPem });
    const err = await c.getJSON(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(check(err as ApiError)).toBe(true);
    expect((err as ApiError).code).toBe(code);
    expect((err as ApiError).message).toContain(msg);
  });
});

describe.each([
  { transport: 'http', tls: false, http2: false },
  { transport: 'HTTPS, HTTP/1.1', tls: true, http2: false },
  { transport: 'HTTPS, HTTP/2', tls: true, http2: true },
])('rest streams over $transport', ({ tls, http2 }) => {
  let server: FakeServer;
  let config: ClusterConfig;
  let client: RestClient;
  beforeAll(async () => {
    const certs = tls ? await generateServingCertificates(['127.0.0.1']) : undefined;
    server = await startFakeServer((_req, res, url) => {
      if (url.pathname === '/chunks') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const euro = Buffer.from('{"name":"€"}\n');
        // A line split across writes, a multi-byte character split across writes, several
        // lines in one write, an empty line, and a last line without a newline.
        const parts = [Buffer.from('{"a":'), Buffer.from('1}\n{"b":2}\n\n{"c"'), Buffer.from(':3}\n'), euro.subarray(0, 10), euro.subarray(10), Buffer.from('{"tail":true}')];
        let i = 0;
        const next = () => {
          if (i === parts.length) return res.end();
          res.write(parts[i++]);
          setImmediate(next);
        };
        return next();
      }
      if (url.pathname === '/gone') return sendJSON(res, 410, statusBody(410, 'Expired', 'too old resource version: 1 (5)'));
      // The server goes away with the request unanswered (a restart caught it in flight).
      if (url.pathname === '/vanish') return server.dropConnections();
      if (url.pathname === '/hang') {
        res.writeHead(200);
        res.write('{"first":1}\n');
        return; // never ends
      }
      if (url.pathname === '/long-line') {
        // One 3,999-character line in 40 writes (then a short one), then the stream stays open.
        res.writeHead(200);
        let i = 0;
        const next = () => {
          if (i === 40) return void res.write('\n{"after":true}\n');
          res.write(i === 0 ? `{"x":"${'a'.repeat(93)}` : i === 39 ? `${'a'.repeat(98)}"}` : 'a'.repeat(100));
          i += 1;
          setImmediate(next);
        };
        return next();
      }
      if (url.pathname === '/three-then-hang') {
        res.writeHead(200);
        res.write('{"n":1}\n{"n":2}\n{"n":3}\n');
        return; // never ends
      }
    }, certs && { cert: certs.certPem, key: certs.keyPem, http2 });
    config = fakeConfig(server.url, certs && { ca: certs.caCertPem });
    client = createRestClient(config, { userAgent: 't' });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('buffers partial chunks and splits on newlines', async () => {
    let data = 0;
    const lines = await allLines(await client.stream('/chunks', {}, new AbortController().signal, { onData: () => data++ }));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '{"name":"€"}', '{"tail":true}']);
    expect(data).toBeGreaterThan(0);
  });

  it('hands over every line of a chunk before the event loop moves on (a consumer can act once per chunk)', async () => {
    const ctl = new AbortController();
    const order: string[] = [];
    const reading = readOpen(await client.stream('/three-then-hang', {}, ctl.signal), (line, count) => {
      order.push(line);
      // Runs only once the chunk's callback is done: after all three lines, not after the first.
      if (count === 1) queueMicrotask(() => order.push('microtask'));
    });
    await reading.seen(3);
    await Promise.resolve();
    expect(order).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', 'microtask']);
    ctl.abort();
    await reading.ended;
  });

  it("hands a chunk's lines over in one batch: work deferred with whenBatchEnds runs once, right after the last line", async () => {
    const ctl = new AbortController();
    const order: string[] = [];
    const reading = readOpen(await client.stream('/three-then-hang', {}, ctl.signal), (line, count) => {
      order.push(line);
      if (count === 1) {
        whenBatchEnds(() => order.push('deferred'));
        queueMicrotask(() => order.push('microtask'));
      }
    });
    await reading.seen(3);
    await Promise.resolve();
    // Before the microtask: in the chunk's own callback, not in a later turn.
    expect(order).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', 'deferred', 'microtask']);
    ctl.abort();
    await reading.ended;
  });

  it('joins a line that arrives in many chunks, and ends the stream when a line outgrows the limit', async () => {
    const ctl = new AbortController();
    const reading = readOpen(await client.stream('/long-line', {}, ctl.signal));
    await reading.seen(2);
    expect(reading.lines.map((l) => l.length)).toEqual([3999, 14]);
    expect(JSON.parse(reading.lines[0] as string)).toEqual({ x: 'a'.repeat(3991) });
    ctl.abort();
    await reading.ended;

    const limited = createRestClient(config, { userAgent: 't', maxLineBytes: 1000 });
    const err = await (await limited.stream('/long-line', {}, new AbortController().signal)).read(() => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
    expect((err as StreamError).code).toBe('stream.line-too-long');
    limited.close();
  });

  it('can be read once: a second read() is refused', async () => {
    const ctl = new AbortController();
    const stream = await client.stream('/hang', {}, ctl.signal);
    const first = stream.read(() => {});
    await expect(stream.read(() => {})).rejects.toThrow(/read once/);
    ctl.abort();
    await first.catch(() => undefined);
  });

  it('stops reading when the consumer returns false: read() resolves, no later line arrives, the request is cancelled', async () => {
    const seen: string[] = [];
    await (await client.stream('/three-then-hang', {}, new AbortController().signal)).read((line) => {
      seen.push(line);
      return seen.length < 2;
    });
    expect(seen).toEqual(['{"n":1}', '{"n":2}']);
    // The server's stream never ends: had the request not been cancelled, resolving would have hung.
    expect(await client.getJSON('/gone').catch((e: unknown) => e)).toBeInstanceOf(ApiError);
  });

  it("rejects with the consumer's own exception, as it is (not as a connection error), and stops reading", async () => {
    const bug = new TypeError('consumer bug');
    const seen: string[] = [];
    const err = await (await client.stream('/three-then-hang', {}, new AbortController().signal))
      .read((line) => {
        seen.push(line);
        throw bug;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(bug);
    expect(seen).toEqual(['{"n":1}']);
  });

  it('rejects with the ApiError before any line when the server answers an error', async () => {
    const err = await client.stream('/gone', {}, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isExpired()).toBe(true);
  });

  it('ends with the abort reason when the signal aborts', async () => {
    const ctl = new AbortController();
    const seen: string[] = [];
    const reason = new Error('stop');
    const run = (await client.stream('/hang', {}, ctl.signal)).read((l) => {
      seen.push(l);
      ctl.abort(reason);
    });
    await expect(run).rejects.toBe(reason);
    expect(seen).toEqual(['{"first":1}']);
  });

  it('rejects a request whose connection drops before the answer with a ConnectionError (it does not wait forever)', async () => {
    for (const request of [() => client.getJSON('/vanish'), () => client.stream('/vanish', {}, new AbortController().signal)]) {
      const err = await request().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).code).toBe('connection.reset');
    }
  });

  it('ends a stream whose connection drops with a ConnectionError, and reconnects for the next request', async () => {
    const seen: string[] = [];
    const run = (await client.stream('/hang', {}, new AbortController().signal)).read((l) => {
      seen.push(l);
      server.dropConnections();
    });
    const err = await run.catch((e: unknown) => e);
    expect(seen).toEqual(['{"first":1}']);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('connection.reset');
    const before = server.connections();
    expect(await client.getJSON('/gone').catch((e: unknown) => e)).toBeInstanceOf(ApiError);
    expect(server.connections()).toBe(before + 1);
  });

  it('reports a refused connection as ConnectionError', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const c = createRestClient(fakeConfig(`http://127.0.0.1:${port}`), { userAgent: 't' });
    const err = await c.getJSON('/api').catch((e: unknown) => e);
    c.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('connection.refused');
    expect((err as ConnectionError).message).toContain(`127.0.0.1:${port}`);
  });
});

describe('rest over HTTP/2', () => {
  let server: FakeServer;
  let config: ReturnType<typeof fakeConfig>;
  let certs: ServingCertificates;
  const refused = new Set<string>();
  beforeAll(async () => {
    certs = await generateServingCertificates(['127.0.0.1']);
    server = await startFakeServer(
      (req, res, url) => {
        if (url.pathname.startsWith('/refuse-once/') && !refused.has(url.pathname)) {
          // What a server going away does to a stream it will not process (RST_STREAM
          // REFUSED_STREAM, or GOAWAY naming an earlier last stream).
          refused.add(url.pathname);
          return (req as unknown as http2.Http2ServerRequest).stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        }
        if (url.pathname === '/goaway') {
          // kube-apiserver's --goaway-chance or a graceful shutdown: streams already running finish.
          (req as unknown as http2.Http2ServerRequest).stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1);
        }
        if (url.pathname === '/hang') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"first":1}\n');
          return;
        }
        sendJSON(res, 200, { path: url.pathname });
      },
      { cert: certs.certPem, key: certs.keyPem, http2: true },
    );
    config = fakeConfig(server.url, { ca: certs.caCertPem, token: TOKEN });
  });
  afterAll(() => server.close());

  it('runs every request and watch as a stream of one connection (one TLS handshake)', async () => {
    const c = createRestClient(config, { userAgent: 't' });
    const before = server.connections();
    const abort = new AbortController();
    const [watchA, watchB, ...answers] = await Promise.all([
      c.stream('/hang', {}, abort.signal),
      c.stream('/hang', {}, abort.signal),
      ...Array.from({ length: 8 }, (_, i) => c.getJSON(`/item/${i}`)),
    ]);
    expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => ({ path: `/item/${i}` })));
    for (const watch of [watchA, watchB]) expect(await firstLine(watch)).toBe('{"first":1}');
    expect(server.connections() - before).toBe(1);
    expect(server.requests.slice(-10).every((r) => r.httpVersion === '2.0' && r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    abort.abort();
    c.close();
  });

  it('a request whose signal is already aborted ends with its reason; the connection attempt fails quietly', async () => {
    // Vitest fails the run on an unhandled rejection: the refused connection must be handled.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const c = createRestClient(fakeConfig(`https://127.0.0.1:${port}`, { token: TOKEN }), { userAgent: 't' });
    const reason = new Error('cancelled before it started');
    await expect(c.getJSON('/api', undefined, undefined, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const refused = await c.getJSON('/api').catch((e: unknown) => e);
    expect((refused as ConnectionError).code).toBe('connection.refused');
    c.close();
  });

  it('cancels an aborted watch alone: other streams and later requests keep the connection', async () => {
    const c = createRestClient(config, { userAgent: 't' });
    const before = server.connections();
    const stopped = new AbortController();
    const kept = new AbortController();
    const first = await c.stream('/hang', {}, stopped.signal);
    const second = await c.stream('/hang', {}, kept.signal);
    const reason = new Error('enough');
    const seen: string[] = [];
    const run = first.read((l) => {
      seen.push(l);
      stopped.abort(reason);
    });
    await expect(run).rejects.toBe(reason);
    expect(seen).toEqual(['{"first":1}']);
    expect(await firstLine(second)).toBe('{"first":1}');
    expect(await c.getJSON('/after')).toEqual({ path: '/after' });
    expect(server.connections() - before).toBe(1);
    kept.abort();
    c.close();
  });

  it('sends a stream the server refused unprocessed again, as Go\'s transport does', async () => {
    const c = createRestClient(config, { userAgent: 't' });
    expect(await c.getJSON('/refuse-once/a')).toEqual({ path: '/refuse-once/a' });
    expect(await allLines(await c.stream('/refuse-once/b', {}, new AbortController().signal))).toEqual(['{"path":"/refuse-once/b"}']);
    c.close();
  });

  it('after a GOAWAY, opens a new connection for new requests while the old one finishes its streams', async () => {
    const c = createRestClient(config, { userAgent: 't' });
    const before = server.connections();
    const abort = new AbortController();
    const watch = await c.stream('/hang', {}, abort.signal);
    expect(await c.getJSON('/goaway')).toEqual({ path: '/goaway' });
    expect(await c.getJSON('/after')).toEqual({ path: '/after' });
    expect(server.connections() - before).toBe(2);
    // The watch started before the GOAWAY still runs on the first connection.
    expect(await firstLine(watch)).toBe('{"first":1}');
    abort.abort();
    c.close();
  });

  it('new TLS material (an exec plugin\'s rotated certificate) gets a new connection; the old one closes once its streams end', async () => {
    // Two CA bundles that both verify the server: different material, so a different TLS context.
    const bundles = [certs.caCertPem, [certs.caCertPem, (await generateServingCertificates(['127.0.0.1'])).caCertPem]];
    let material = 0;
    const c = createRestClient(
      {
        ...config,
        async applyAuth(opts) {
          await config.applyAuth(opts);
          opts.ca = bundles[material];
        },
      },
      { userAgent: 't' },
    );
    const open = server.openConnections();
    const abort = new AbortController();
    const watch = readOpen(await c.stream('/hang', {}, abort.signal));
    await watch.seen(1);
    expect(watch.lines).toEqual(['{"first":1}']);
    material = 1;
    expect(await c.getJSON('/rotated')).toEqual({ path: '/rotated' });
    expect(server.openConnections() - open).toBe(2);
    // The old connection is not cut while its watch runs; it closes when the watch ends.
    const closed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (server.openConnections() - open === 1) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    abort.abort();
    await watch.ended;
    await closed;
    expect(await c.getJSON('/again')).toEqual({ path: '/again' });
    expect(server.openConnections() - open).toBe(1);
    c.close();
  });
});

describe.each([
  { protocol: 'HTTP/1.1', http2: false },
  { protocol: 'HTTP/2', http2: true },
])('rest server names and addresses, server offering $protocol', ({ http2: offerHttp2 }) => {
  it('checks the certificate against tls-server-name when the kubeconfig gives one, and reports a mismatch as a TLS error', async () => {
    // The API server reached by IP with a certificate for its DNS name only (kubeconfig's
    // tls-server-name, as behind an SSH tunnel or a load balancer).
    const certs = await generateServingCertificates(['kubernetes.default.svc']);
    const server = await startFakeServer((_req, res) => sendJSON(res, 200, { ok: true }), { cert: certs.certPem, key: certs.keyPem, http2: offerHttp2 });
    const config = fakeConfig(server.url, { ca: certs.caCertPem });
    const named = createRestClient(
      {
        ...config,
        async applyAuth(opts) {
          await config.applyAuth(opts);
          opts.servername = 'kubernetes.default.svc';
        },
      },
      { userAgent: 't' },
    );
    const unnamed = createRestClient(config, { userAgent: 't' });
    try {
      expect(await named.getJSON('/api')).toEqual({ ok: true });
      expect(server.requests.at(-1)?.httpVersion).toBe(offerHttp2 ? '2.0' : '1.1');
      const err = await unnamed.getJSON('/api').catch((e: unknown) => e);
      expect((err as ConnectionError).code).toBe('connection.tls');
      expect((err as ConnectionError).causeCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      named.close();
      unnamed.close();
      await server.close();
    }
  });

  it('connects to an IPv6 literal (https://[::1]:port) and names it with brackets in Host / :authority', async (ctx) => {
    const certs = await generateServingCertificates(['::1']);
    const server = await startFakeServer((_req, res) => sendJSON(res, 200, { ok: true }), { cert: certs.certPem, key: certs.keyPem, http2: offerHttp2 }, '::1').catch(
      () => undefined,
    );
    if (server === undefined) return ctx.skip('no IPv6 loopback on this machine');
    const c = createRestClient(fakeConfig(server.url, { ca: certs.caCertPem }), { userAgent: 't' });
    try {
      expect(await c.getJSON('/api')).toEqual({ ok: true });
      const seen = server.requests.at(-1);
      expect(seen?.httpVersion).toBe(offerHttp2 ? '2.0' : '1.1');
      expect(seen?.headers[offerHttp2 ? ':authority' : 'host']).toBe(new URL(server.url).host);
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('rest against a server that picks HTTP/1.1 by ALPN', () => {
  it('remembers it: one negotiation, then the HTTP/1.1 agent for every request', async () => {
    const certs = await generateServingCertificates(['127.0.0.1']);
    const server = await startFakeServer((_req, res, url) => sendJSON(res, 200, { path: url.pathname }), { cert: certs.certPem, key: certs.keyPem });
    const logs: string[] = [];
    const c = createRestClient(fakeConfig(server.url, { ca: certs.caCertPem }), { userAgent: 't', debugLog: (l) => logs.push(l) });
    try {
      for (const path of ['/a', '/b', '/c']) expect(await c.getJSON(path)).toEqual({ path });
      expect(logs.filter((l) => l.includes('speaks HTTP/1.1 only'))).toHaveLength(1);
      expect(server.requests.map((r) => r.httpVersion)).toEqual(['1.1', '1.1', '1.1']);
      // At most the negotiating connection and one keep-alive connection for the three requests.
      expect(server.connections()).toBeLessThanOrEqual(2);
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('toTypedError', () => {
  it.each([
    { code: 'ECONNREFUSED', want: 'connection.refused' },
    { code: 'ENOTFOUND', want: 'connection.dns' },
    { code: 'EAI_AGAIN', want: 'connection.dns' },
    { code: 'CERT_HAS_EXPIRED', want: 'connection.tls' },
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID', want: 'connection.tls' },
    { code: 'ETIMEDOUT', want: 'connection.timeout' },
    { code: 'ECONNRESET', want: 'connection.reset' },
    { code: 'EWHATEVER', want: 'connection.failed' },
  ])('$code → $want', ({ code, want }) => {
    const err = toTypedError(Object.assign(new Error('x'), { code }), 'https://k8s.example');
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe(want);
    expect((err as ConnectionError).message).toContain('https://k8s.example');
  });
});
