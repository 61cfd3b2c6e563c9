/**
 * Test helpers for kube/: small fake API servers on 127.0.0.1 port 0, and ClusterConfigs that
 * point at them without a kubeconfig file. Used by the *.test.ts files beside this one only.
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { AuthRequestOptions, ClusterConfig } from './config.js';

export interface FakeServer {
  url: string;
  /** Every request seen, in order, with the HTTP version it came over ('1.1' or '2.0'). */
  requests: { method: string; url: URL; headers: http.IncomingHttpHeaders; httpVersion: string }[];
  /** TLS (or TCP) connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  /** Drops every connection at once, as a crashed or restarted API server does. */
  dropConnections(): void;
  close(): Promise<void>;
}

export type FakeHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

/**
 * `tls` serves HTTPS; with `http2` too, ALPN offers h2 besides http/1.1, as kube-apiserver does.
 * Handlers are written against node:http's request/response; the HTTP/2 compatibility API gives
 * the same methods for what they use (writeHead, write, end, headers).
 */
export async function startFakeServer(
  handler: FakeHandler,
  tls?: { cert: string; key: string; http2?: boolean },
  host = '127.0.0.1',
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers, httpVersion: req.httpVersion });
    handler(req, res, url);
  };
  const server = !tls
    ? http.createServer(listener)
    : tls.http2
      ? http2.createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true }, listener as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void)
      : https.createServer({ cert: tls.cert, key: tls.key }, listener);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    connections: () => connections,
    openConnections: () => sockets.size,
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON body with the given status. */
export function sendJSON(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A Status body as a real API server sends it (kubernetes-facts.md §9). */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function fakeConfig(server: string, o: { ca?: string; token?: string; skipTLS?: boolean } = {}): ClusterConfig {
  return {
    server,
    contextName: 'test',
    clusterName: 'test',
    user: 'test',
    namespace: 'default',
    namespaceSource: 'default',
    inCluster: false,
    insecureSkipTLSVerify: o.skipTLS ?? false,
    files: [],
    contexts: ['test'],
    async applyAuth(opts: AuthRequestOptions) {
      opts.headers ??= {};
      opts.rejectUnauthorized = !o.skipTLS;
      if (o.ca) opts.ca = o.ca;
      if (o.token) opts.headers.Authorization = `Bearer ${o.token}`;
    },
  };
}
