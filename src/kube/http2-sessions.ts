/**
 * HTTP/2 for the REST client: one TLS connection to the API server carries every request and
 * watch as a stream, as client-go does (kube-apiserver serves HTTP/2 over TLS, chosen by ALPN,
 * and kubectl multiplexes everything over one connection). Over HTTP/1.1 each watch holds a
 * connection of its own, so a trace started a dozen TLS handshakes at once, and a request that
 * depends on an earlier answer (the Pods of a Service's selector) waited for one more handshake:
 * ~35 ms of the first frame on 2 cores (issue 6, docs/performance.md).
 *
 * The protocol is negotiated on the first connection: ALPN offers h2 and http/1.1; a server that
 * picks http/1.1 (a proxy in front of the API server, say) is remembered, and the caller uses its
 * HTTP/1.1 agent from then on. Plain http:// is never HTTP/2 (client-go does not use h2c either).
 */
import http2 from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';

/** The TLS settings a session was made with; a request whose settings differ needs another one. */
export interface SessionTls {
  secureContext: tls.SecureContext;
  rejectUnauthorized: boolean;
  servername?: string;
}

export interface Http2Sessions {
  /**
   * A session for these TLS settings, opening (and negotiating) one when there is none. Resolves
   * to undefined once the server has chosen HTTP/1.1; rejects with the connection's error.
   */
  session(settings: SessionTls): Promise<http2.ClientHttp2Session | undefined>;
  /** Marks a stream as running on `session` until `stream` closes: an idle session does not hold the process open. */
  track(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): void;
  close(): void;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
const STREAM_WINDOW = 4 * 1024 * 1024;
const CONNECTION_WINDOW = 1024 * 1024 * 1024;

interface Current {
  settings: SessionTls;
  session: Promise<http2.ClientHttp2Session | undefined>;
  /** Set once connected; undefined while negotiating. */
  ready?: http2.ClientHttp2Session;
}

function sameSettings(a: SessionTls, b: SessionTls): boolean {
  return a.secureContext === b.secureContext && a.rejectUnauthorized === b.rejectUnauthorized && a.servername === b.servername;
}

export function createHttp2Sessions(server: URL, onProtocol?: (protocol: 'h2' | 'http/1.1') => void): Http2Sessions {
  const host = server.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(server.port || 443);
  let current: Current | undefined;
  let http1Only = false;
  const active = new Map<http2.ClientHttp2Session, number>();
  const open = new Set<http2.ClientHttp2Session>();

  function negotiate(settings: SessionTls): Promise<http2.ClientHttp2Session | undefined> {
    return new Promise((resolve, reject) => {
      // Node refuses an IP address as TLS server name (SNI carries host names only); the
      // certificate is still checked against the IP.
      const servername = settings.servername ?? (isIP(host) ? undefined : host);
      const socket = tls.connect({
        host,
        port,
        ...(servername !== undefined ? { servername } : {}),
        secureContext: settings.secureContext,
        rejectUnauthorized: settings.rejectUnauthorized,
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      socket.once('error', reject);
      // client-go's transport gives the TLS handshake 10 s (TLSHandshakeTimeout). A connection
      // the server accepted but never answers (one caught by a restart) would otherwise hold
      // every request waiting for this session.
      socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })));
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        socket.setTimeout(0);
        if (socket.alpnProtocol !== 'h2') {
          socket.destroy();
          http1Only = true;
          onProtocol?.('http/1.1');
          resolve(undefined);
          return;
        }
        onProtocol?.('h2');
        // Flow-control windows as Go's HTTP/2 transport (client-go) sets them, 4 MiB per stream
        // and 1 GiB per connection: Node's 64 KiB would take a round trip per 64 KiB of a large
        // LIST. What arrives is read at once (watch lines, JSON bodies).
        const session = http2.connect(server.origin, { createConnection: () => socket, settings: { initialWindowSize: STREAM_WINDOW } });
        session.setLocalWindowSize(CONNECTION_WINDOW);
        open.add(session);
        const forget = () => {
          open.delete(session);
          active.delete(session);
          if (current?.ready === session) current = undefined;
        };
        // A session that failed, was told to go away (the server is shutting down) or closed
        // takes no new streams; the next request opens another. Its streams see the error.
        session.on('error', forget);
        session.on('goaway', forget);
        session.on('close', forget);
        session.unref();
        resolve(session);
      });
    });
  }

  return {
    async session(settings) {
      if (http1Only) return undefined;
      if (current === undefined || !sameSettings(current.settings, settings)) {
        // New TLS material (an exec plugin's rotated certificate): later requests use a new
        // session; the old one finishes its streams and closes.
        current?.ready?.close();
        const entry: Current = { settings, session: negotiate(settings) };
        current = entry;
        entry.session.then(
          (session) => {
            if (session === undefined) return;
            if (current === entry) entry.ready = session;
            else session.close(); // superseded while connecting; close() waits for its streams
          },
          () => {
            // Not cached: the next request tries again (the server may come up, as for HTTP/1.1).
            if (current === entry) current = undefined;
          },
        );
      }
      const session = await current.session;
      if (session !== undefined && (session.closed || session.destroyed)) {
        if (current?.ready === session) current = undefined;
        return this.session(settings);
      }
      return session;
    },

    track(session, stream) {
      const count = (active.get(session) ?? 0) + 1;
      active.set(session, count);
      if (count === 1) session.ref();
      stream.once('close', () => {
        const left = (active.get(session) ?? 1) - 1;
        if (left > 0) {
          active.set(session, left);
          return;
        }
        active.delete(session);
        if (!session.destroyed) session.unref();
      });
    },

    close() {
      for (const session of open) session.destroy();
      open.clear();
      active.clear();
      current = undefined;
    },
  };
}
