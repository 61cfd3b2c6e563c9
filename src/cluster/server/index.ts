/**
 * The embedded cluster's API server: a real HTTP(S) listener on loopback that speaks enough of
 * the Kubernetes API for kubectl, @kubernetes/client-node and kubespy itself (design.md §6).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4 } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { Store } from '../store/types.js';
import { generateServingCertificates } from '../tls.js';
import type { ForbidRule } from './auth.js';
import { createRequestHandler } from './router.js';

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
}

/** The embedded cluster never listens beyond this machine: it has no real authorization. */
export function isLoopback(host: string): boolean {
  if (host === '::1') return true;
  return isIPv4(host) && host.split('.')[0] === '127';
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the embedded API server only listens on loopback (127.0.0.0/8 or ::1), not ${host}`);
  if (!options.token) throw new Error('the embedded API server needs a bearer token');
  const useTls = options.tls ?? true;
  const watches = new Set<() => void>();
  let address = '';
  const handler = createRequestHandler({
    store: options.store,
    clock: options.clock ?? systemClock,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    watches,
    forbid: options.forbid ?? [],
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
    server = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, handler);
  } else {
    server = createHttpServer(handler);
  }
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  address = `${hostInUrl}:${port}`;
  const url = `${useTls ? 'https' : 'http'}://${address}`;

  const dropWatches = (): void => {
    for (const end of [...watches]) end();
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      dropWatches();
      server.close(() => resolve());
      // Keep-alive connections (kubectl, fetch) would hold close() open; end them now.
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }));

  const api: ApiServer = { url, port, close, dropWatches };
  if (caCertPem !== undefined) api.caCertPem = caCertPem;
  return api;
}
