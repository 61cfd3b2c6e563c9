/**
 * A counting TCP proxy in front of the API server: bytes are counted on the wire (TLS records
 * included) in each direction, without touching the server. One proxy per client under test, so
 * each client's bytes are its own.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Bytes the API server sent to the client (what the client read). */
  readonly fromServer: number;
  readonly toServer: number;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, scheme = 'https'): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const counts = { fromServer: 0, toServer: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (chunk: Buffer) => {
      counts.fromServer += chunk.length;
    });
    client.on('data', (chunk: Buffer) => {
      counts.toServer += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    get fromServer() {
      return counts.fromServer;
    },
    get toServer() {
      return counts.toServer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
