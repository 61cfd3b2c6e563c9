/**
 * Test helpers for kube/: small fake API servers on 127.0.0.1 port 0, and ClusterConfigs that
 * point at them without a kubeconfig file. Used by the *.test.ts files beside this one only.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AuthRequestOptions, ClusterConfig } from './config.js';

export interface FakeServer {
  url: string;
  /** Every request seen, in order. */
  requests: { method: string; url: URL; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export type FakeHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

export async function startFakeServer(handler: FakeHandler, tls?: { cert: string; key: string }): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers });
    handler(req, res, url);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
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
