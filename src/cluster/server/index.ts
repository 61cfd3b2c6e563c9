/**
 * The embedded cluster's API server: a real HTTP(S) listener on loopback that speaks enough of
 * the Kubernetes API for kubectl, @kubernetes/client-node and kubespy itself (design.md §6).
 */
import { createServer as createHttpServer } from 'node:http';
import { createSecureServer, type ServerHttp2Session } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4 } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { RequestFaults } from '../faults.js';
import type { Store } from '../store/types.js';
import { generateServingCertificates } from '../tls.js';
import type { ForbidRule } from './auth.js';
import { createRequestHandler } from './router.js';
import type { OpenWatch } from './watch.js';

export type { ForbidRule } from './auth.js';
export { USER_NAME } from './auth.js';

export interface ApiServerOptions {
  store: Store;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.0/8 or ::1. Default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with a generated CA (default true). */
  tls?: boolean;
  /**
   * Over TLS, offer HTTP/2 through ALPN ("h2", then "http/1.1") as kube-apiserver does (default
   * true); false serves HTTP/1.1 only, like kube-apiserver with HTTP/2 disabled. Plain http is
   * always HTTP/1.1 only: client-go does not speak h2c.
   */
  http2?: boolean;
  /** The bearer token clients must present. */
  token: string;
  /**
   * Also accept requests that carry no credentials (a wrong token is still 401). Needed for
   * kubectl against plain http: clientcmd only sends the kubeconfig's token over TLS.
   */
  allowAnonymous?: boolean;
  clock?: Clock;
  /** Interval of BOOKMARK events on watches that allow them; default 60 s like the watch cache. */
  bookmarkIntervalMs?: number;
  /** Requests to answer with 403 Forbidden. */
  forbid?: ForbidRule[];
  /** Injected 429/500/503 answers (fault campaigns; cluster/faults.ts). */
  faults?: RequestFaults;
  log?: (message: string) => void;
}

export interface ApiServer {
  /** e.g. https://127.0.0.1:39211 */
  url: string;
  port: number;
  /** PEM of the CA that signed the serving certificate; undefined for plain http. */
  caCertPem?: string;
  /** Stops listening and ends open connections, watches included. */
  close(): Promise<void>;
  /**
   * Ends every open watch stream (a clean EOF, as when the apiserver ends a watch or restarts)
   * while the server keeps serving: a test hook for clients' resume and re-list paths.
   */
  dropWatches(): void;
  /** Leaves every open watch stream open but silent from now on (fault injection). */
  stallWatches(): void;
  /** Writes `text` on every open, unstalled watch stream (fault injection: a garbage line). */
  injectWatchLine(text: string): void;
  /**
   * Stops listening and drops every connection, stays down for `downMs`, then listens again on
   * the same port with the same certificate, as an apiserver restart looks to its clients.
   */
  restart(downMs?: number): Promise<void>;
}

/** The embedded cluster never listens beyond this machine: it has no real authorization. */
export function isLoopback(host: string): boolean {
  if (host === '::1') return true;
  return isIPv4(host) && host.split('.')[0] === '127';
}

/**
 * kube-apiserver's --http2-max-streams-per-connection defaults to 0, which its secure serving
 * turns into 100 concurrent streams per connection ("match http2.initialMaxConcurrentStreams used
 * by clients", k8s.io/apiserver/pkg/server/secure_serving.go); kube-apiserver does not raise it
 * (aggregated API servers' RecommendedOptions do, to 1000).
 */
const HTTP2_MAX_CONCURRENT_STREAMS = 100;

/**
 * Node refuses new streams (RST_STREAM ENHANCE_YOUR_CALM) while a session holds more than
 * maxSessionMemory MB, and response data waiting for the client's flow-control window counts:
 * with the default 10 MB, one large LIST read slowly would make the client's next request fail.
 * Go's server has no such limit (a handler blocks on the window instead), so allow far more; a
 * watch is still ended past its own 16 MiB of unsent data (watch.ts).
 */
const HTTP2_MAX_SESSION_MEMORY_MB = 256;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the embedded API server only listens on loopback (127.0.0.0/8 or ::1), not ${host}`);
  if (!options.token) throw new Error('the embedded API server needs a bearer token');
  const useTls = options.tls ?? true;
  const useHttp2 = useTls && (options.http2 ?? true);
  const watches = new Set<OpenWatch>();
  let address = '';
  const handler = createRequestHandler({
    store: options.store,
    clock: options.clock ?? systemClock,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    watches,
    forbid: options.forbid ?? [],
    faults: options.faults,
    token: options.token,
    allowAnonymous: options.allowAnonymous ?? false,
    serverAddress: () => address,
    log: options.log ?? (() => {}),
  });

  let server: Server;
  let caCertPem: string | undefined;
  if (useTls) {
    const certs = await generateServingCertificates([...new Set(['127.0.0.1', 'localhost', host])]);
    caCertPem = certs.caCertPem;
    const tlsOptions = { cert: certs.certPem, key: certs.keyPem };
    server = useHttp2
      ? createSecureServer(
          {
            ...tlsOptions,
            // Clients that offer only http/1.1, or no ALPN at all (node:https), get HTTP/1.1.
            allowHTTP1: true,
            settings: { maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS },
            maxSessionMemory: HTTP2_MAX_SESSION_MEMORY_MB,
          },
          handler,
        )
      : createHttpsServer(tlsOptions, handler);
  } else {
    server = createHttpServer(handler);
  }
  // Every TCP connection (HTTP/1 or HTTP/2) and every HTTP/2 session, so close() and restart()
  // can drop them: an Http2SecureServer has no closeAllConnections(), and a session would keep
  // server.close() waiting.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  address = `${hostInUrl}:${port}`;
  const url = `${useTls ? 'https' : 'http'}://${address}`;

  const dropWatches = (): void => {
    for (const watch of [...watches]) watch.end();
  };
  const stopListening = () =>
    new Promise<void>((resolve) => {
      dropWatches();
      server.close(() => resolve());
      // Keep-alive connections and HTTP/2 sessions (kubectl, fetch) would hold close() open; end
      // them now. Destroying a session sends GOAWAY first, as a Go server going away does.
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    });

  let closing: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= (restarting ?? Promise.resolve()).catch(() => {}).then(stopListening));
  const restart = async (downMs = 0): Promise<void> => {
    if (closing || restarting) return;
    restarting = (async () => {
      await stopListening();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      if (!closing) await listen(port);
    })();
    try {
      await restarting;
    } finally {
      restarting = undefined;
    }
  };

  const api: ApiServer = {
    url,
    port,
    close,
    dropWatches,
    stallWatches: () => {
      for (const watch of watches) watch.stall();
    },
    injectWatchLine: (text) => {
      for (const watch of watches) watch.writeRaw(text);
    },
    restart,
  };
  if (caCertPem !== undefined) api.caCertPem = caCertPem;
  return api;
}
