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
import { socketError } from './errors.js';

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
  /** Ends every session and every connection still being negotiated. */
  close(): void;
}

/** Timings, as client-go sets them; tests shorten them. */
export interface Http2Timing {
  /** client-go's transport gives the TLS handshake 10 s (TLSHandshakeTimeout). */
  handshakeTimeoutMs?: number;
  /**
   * client-go's HTTP/2 health check (k8s.io/apimachinery util/net SetTransportDefaults:
   * ReadIdleTimeout 30 s, PingTimeout 15 s): a connection whose peer vanished without a FIN or
   * RST (a NAT or load balancer forgetting it, a laptop resuming) is found by a PING that gets
   * no answer, and closed; otherwise every stream on it would wait until its own timeout and the
   * next ones would be opened on the same dead connection. Here a PING goes out every
   * `pingIntervalMs` (Node does not tell read from write activity on a session).
   */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

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

export function createHttp2Sessions(server: URL, onProtocol?: (protocol: 'h2' | 'http/1.1') => void, timing: Http2Timing = {}): Http2Sessions {
  const host = server.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(server.port || 443);
  const handshakeTimeoutMs = timing.handshakeTimeoutMs ?? 10_000;
  const pingIntervalMs = timing.pingIntervalMs ?? 30_000;
  const pingTimeoutMs = timing.pingTimeoutMs ?? 15_000;
  let current: Current | undefined;
  let http1Only = false;
  /** Streams running per session; a session with none is unref'd. */
  const active = new Map<http2.ClientHttp2Session, number>();
  /** Every session until its 'close', including ones draining after GOAWAY or a TLS change. */
  const open = new Set<http2.ClientHttp2Session>();
  const connecting = new Set<tls.TLSSocket>();

  /**
   * Takes no new streams on `session` and closes it once the streams it runs have ended. Deferred
   * to the next turn of the event loop: requests that were handed this session (they awaited its
   * negotiation, or its promise) open their streams in the microtasks before then. Closing it at
   * once made each of them ask again with its own settings, replacing the newer session in turn:
   * two requests with different TLS material (an exec plugin minting a certificate per call)
   * opened connections without end.
   */
  function retire(session: http2.ClientHttp2Session): void {
    setImmediate(() => {
      if (!session.closed) session.close();
    });
  }

  function checkHealth(session: http2.ClientHttp2Session): void {
    let unanswered: NodeJS.Timeout | undefined;
    const interval = setInterval(() => {
      if (unanswered !== undefined || session.destroyed) return;
      unanswered = setTimeout(() => session.destroy(socketError('ETIMEDOUT', 'the API server did not answer an HTTP/2 PING')), pingTimeoutMs);
      unanswered.unref();
      session.ping(() => {
        clearTimeout(unanswered);
        unanswered = undefined;
      });
    }, pingIntervalMs);
    interval.unref();
    session.once('close', () => {
      clearInterval(interval);
      clearTimeout(unanswered);
    });
  }

  function start(socket: tls.TLSSocket): http2.ClientHttp2Session {
    // Flow-control windows as Go's HTTP/2 transport (client-go) sets them, 4 MiB per stream
    // and 1 GiB per connection: Node's 64 KiB would take a round trip per 64 KiB of a large
    // LIST. What arrives is read at once (watch lines, JSON bodies).
    const session = http2.connect(server.origin, { createConnection: () => socket, settings: { initialWindowSize: STREAM_WINDOW } });
    session.setLocalWindowSize(CONNECTION_WINDOW);
    open.add(session);
    // A session that failed or was told to go away (the server shutting down, or
    // kube-apiserver's --goaway-chance) takes no new streams: the next request opens another.
    // The streams it still runs keep their place in `active` (and the session its ref) until
    // they end; its 'error' reaches them as theirs.
    const unusable = () => {
      if (current?.ready === session) current = undefined;
    };
    session.on('error', unusable);
    session.on('goaway', unusable);
    session.on('close', () => {
      unusable();
      open.delete(session);
      active.delete(session);
    });
    checkHealth(session);
    session.unref();
    return session;
  }

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
      connecting.add(socket);
      const failed = (err: Error) => {
        connecting.delete(socket);
        reject(err);
      };
      // close() while negotiating destroys the socket without an error.
      const closed = () => failed(socketError('ECONNRESET', 'the connection closed during the TLS handshake'));
      socket.once('error', failed);
      socket.once('close', closed);
      // A connection the server accepted but never answers (one caught by a restart) would
      // otherwise hold every request waiting for this session.
      socket.setTimeout(handshakeTimeoutMs, () => socket.destroy(socketError('ETIMEDOUT', 'TLS handshake timed out')));
      socket.once('secureConnect', () => {
        connecting.delete(socket);
        socket.off('close', closed);
        socket.off('error', failed);
        socket.setTimeout(0);
        if (socket.alpnProtocol !== 'h2') {
          socket.destroy();
          http1Only = true;
          onProtocol?.('http/1.1');
          resolve(undefined);
          return;
        }
        onProtocol?.('h2');
        resolve(start(socket));
      });
    });
  }

  return {
    async session(settings) {
      if (http1Only) return undefined;
      if (current === undefined || !sameSettings(current.settings, settings)) {
        // New TLS material (an exec plugin's rotated certificate): later requests use a new
        // session; the old one finishes its streams and closes (client-go closes its
        // connections when the certificate rotates; here running watches are left to end).
        if (current?.ready !== undefined) retire(current.ready);
        const entry: Current = { settings, session: negotiate(settings) };
        current = entry;
        entry.session.then(
          (session) => {
            if (session === undefined) return;
            if (current === entry) entry.ready = session;
            else retire(session); // superseded while connecting; its waiters still use it
          },
          () => {
            // Not cached: the next request tries again (the server may come up, as for HTTP/1.1).
            if (current === entry) current = undefined;
          },
        );
      }
      const session = await current.session;
      if (session !== undefined && (session.closed || session.destroyed)) {
        // Went away (GOAWAY, a dropped connection) since it was made: `current` no longer names it.
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
      for (const socket of connecting) socket.destroy();
      connecting.clear();
      for (const session of open) session.destroy();
      open.clear();
      active.clear();
      current = undefined;
    },
  };
}
