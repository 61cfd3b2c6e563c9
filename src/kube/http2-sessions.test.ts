import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServingCertificates, type ServingCertificates } from '../cluster/tls.js';
import { createHttp2Sessions, type SessionTls } from './http2-sessions.js';
import { sendJSON, startFakeServer, type FakeServer } from './test-support.js';

let certs: ServingCertificates;
let server: FakeServer;
beforeAll(async () => {
  certs = await generateServingCertificates(['127.0.0.1']);
  server = await startFakeServer(
    (req, res, url) => {
      const delay = Number(url.searchParams.get('ms') ?? 0);
      if (url.searchParams.has('goaway')) {
        // A graceful GOAWAY (kube-apiserver's --goaway-chance, a shutdown): running streams finish.
        (req as unknown as http2.Http2ServerRequest).stream.session?.goaway(0, 2 ** 31 - 1);
      }
      setTimeout(() => sendJSON(res, 200, { path: url.pathname }), delay);
    },
    { cert: certs.certPem, key: certs.keyPem, http2: true },
  );
});
afterAll(() => server.close());

const settings = (): SessionTls => ({ secureContext: tls.createSecureContext({ ca: certs.caCertPem }), rejectUnauthorized: true });

function closed(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => (session.destroyed ? resolve() : session.once('close', () => resolve())));
}

/** A TCP server that accepts connections and never answers (a TLS handshake that never ends). */
async function startSilentServer(): Promise<{ url: URL; accepted: net.Socket[]; close(): void }> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    accepted.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`https://127.0.0.1:${(server.address() as net.AddressInfo).port}`),
    accepted,
    close() {
      for (const socket of accepted) socket.destroy();
      server.close();
    },
  };
}

describe('HTTP/2 sessions', () => {
  it('hands requests with different TLS material, made at once, each a usable session (no reconnect loop)', async () => {
    // An exec plugin that mints a certificate per call: requests carry different TLS contexts.
    // Closing a superseded session at once made its waiters ask again with their own settings,
    // superseding the other in turn, for ever.
    const sessions = createHttp2Sessions(new URL(server.url));
    const before = server.connections();
    // Each request opens its stream as soon as it has its session: the session must be open then.
    const usable = (s: http2.ClientHttp2Session | undefined) => s !== undefined && !s.closed && !s.destroyed;
    const got = await Promise.all([sessions.session(settings()).then(usable), sessions.session(settings()).then(usable)]);
    expect(got).toEqual([true, true]);
    expect(server.connections() - before).toBeLessThanOrEqual(2);
    sessions.close();
  });

  it('close() ends a connection still being negotiated (a server that never answers the handshake)', async () => {
    const silent = await startSilentServer();
    const sessions = createHttp2Sessions(silent.url);
    const pending = sessions.session(settings()).catch((e: unknown) => e);
    while (silent.accepted.length === 0) await new Promise((r) => setTimeout(r, 5));
    const socketClosed = new Promise((resolve) => silent.accepted[0]?.once('close', resolve));
    sessions.close();
    await socketClosed;
    expect(await pending).toBeInstanceOf(Error);
    silent.close();
  });

  it("gives up on a handshake the server never answers (client-go's TLS handshake timeout), and tries afresh next time", async () => {
    const silent = await startSilentServer();
    const sessions = createHttp2Sessions(silent.url, undefined, { handshakeTimeoutMs: 50 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const err = await sessions.session(settings()).catch((e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
      expect(silent.accepted).toHaveLength(attempt); // a failed negotiation is not cached
    }
    sessions.close();
    silent.close();
  });

  it('closes a session whose peer stops answering (PING health check, as client-go), and opens a new one', async () => {
    // A proxy that stops forwarding: the connection stays up but nothing comes back.
    let frozen = false;
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(new URL(server.url).port), '127.0.0.1');
      client.on('data', (d) => frozen || upstream.write(d));
      upstream.on('data', (d) => frozen || client.write(d));
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = new URL(`https://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`);
    const sessions = createHttp2Sessions(url, undefined, { pingIntervalMs: 20, pingTimeoutMs: 1000 });
    try {
      const s = settings();
      const first = await sessions.session(s);
      if (first === undefined) throw new Error('expected HTTP/2');
      // Answered PINGs keep the session: it is still the one handed out after a few intervals.
      await new Promise((r) => setTimeout(r, 150));
      expect((await sessions.session(s)) === first).toBe(true);
      frozen = true;
      await closed(first);
      frozen = false;
      const second = await sessions.session(s);
      expect(second !== undefined && second !== first && !second.closed).toBe(true);
    } finally {
      sessions.close();
      proxy.close();
    }
  });
});

describe('HTTP/2 sessions and the process lifetime', () => {
  // A child process runs the REST client: only there can "the process exits" be observed.
  const restModule = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rest.ts')).href;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubespy-h2-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), certs.caCertPem);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function runChild(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const script = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
    fs.writeFileSync(
      script,
      `import fs from 'node:fs';
import { createRestClient } from ${JSON.stringify(restModule)};
const ca = fs.readFileSync(${JSON.stringify(path.join(dir, 'ca.pem'))}, 'utf8');
const c = createRestClient({ server: ${JSON.stringify(server.url)}, applyAuth: async (o) => { o.ca = ca; o.rejectUnauthorized = true; } }, { userAgent: 't' });
${body}
`,
    );
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
  }

  it('an idle session does not keep a one-shot command alive; requests in flight do, also across a GOAWAY', async () => {
    // No close(): the process must end by itself once nothing is pending. The second request is
    // answered after the first, on a session the server has told to go away: exit code 13
    // (unsettled top-level await) if the session stopped holding the process when the first ended.
    const { code, stdout, stderr } = await runChild(`
const answers = await Promise.all([c.getJSON('/first?goaway=1&ms=50'), c.getJSON('/second?ms=400')]);
console.log(JSON.stringify(answers));
`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ path: '/first' }, { path: '/second' }]);
  });
});
