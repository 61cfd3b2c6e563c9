/**
 * The HTTP layer: GET requests that return JSON, and long-lived streams of lines (watches).
 * Over TLS, HTTP/2 when the server offers it (every kube-apiserver does: one connection for all
 * requests and watches, http2-sessions.ts); otherwise node:https / node:http with one keep-alive
 * agent per client. TLS verification is on
 * unless the kubeconfig says insecure-skip-tls-verify, whatever NODE_TLS_REJECT_UNAUTHORIZED
 * says. Every failure becomes a typed error (errors.ts): network → ConnectionError, HTTP error
 * status → ApiError carrying the Status the server sent.
 */
import http from 'node:http';
import { constants as http2Constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import https from 'node:https';
import { finished, type Readable } from 'node:stream';
import tls from 'node:tls';
import { StringDecoder } from 'node:string_decoder';
import { batch } from '../lib/batch.js';
import type { AuthRequestOptions, ClusterConfig } from './config.js';
import { ApiError, ConnectionError, KubeError, StreamError, apiErrorFromResponse, socketError, type ConnectionErrorCode } from './errors.js';
import { createHttp2Sessions, type SessionTls } from './http2-sessions.js';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RestClientOptions {
  /** Sent as User-Agent, e.g. 'kubespy/0.1.0 (linux/x64)'. */
  userAgent: string;
  /** --debug: one line per request and response; the Authorization header is redacted. */
  debugLog?: (line: string) => void;
  /** Socket inactivity limit for getJSON (not for streams, whose liveness the caller judges). Default 30 s. */
  requestTimeoutMs?: number;
  /** A stream line longer than this ends the stream with StreamError stream.line-too-long (default 64 MiB). */
  maxLineBytes?: number;
}

export interface StreamHooks {
  /** Called whenever bytes arrive (including partial lines), so the caller can detect stalls. */
  onData?: () => void;
}

export interface RestClient {
  readonly server: string;
  /** GET path?query and parse the JSON body. Rejects with ApiError / ConnectionError. */
  getJSON<T = unknown>(path: string, query?: Query, accept?: string, options?: { signal?: AbortSignal }): Promise<T>;
  /**
   * GET a streaming response (a watch). Resolves once the server answered 200 — rejects with
   * ApiError when it answered an error status — to the body's lines, read with LineStream.read.
   */
  stream(path: string, query: Query, signal: AbortSignal, hooks?: StreamHooks): Promise<LineStream>;
  /** Closes pooled keep-alive sockets so the process can exit. */
  close(): void;
}

/** The body of a streaming response, as lines. */
export interface LineStream {
  /**
   * Hands each line (split on \n, partial chunks buffered, empty lines skipped) to `onLine` as
   * its bytes arrive: every line of a chunk in the chunk's own callback, before the event loop
   * moves on. Not an async iterator, on purpose: reading a body that way costs a turn of the
   * event loop for the stream's 'readable' wake-up and several promise hops per line (issue 6:
   * main-thread CPU per watched Service update went from ~835 to ~804 µs here). Each chunk's
   * lines are handed over in one batch (lib/batch.ts), so work a consumer defers with
   * whenBatchEnds runs once per chunk, right after its last line. `onLine` returning false stops
   * reading (the request is cancelled) and read() resolves; an exception it throws stops reading
   * too, and read() rejects
   * with that exception as it is. Otherwise read() resolves at a clean end of the body, rejects
   * with the abort reason when the request's signal aborts, and with a typed error (ConnectionError,
   * StreamError) when the connection breaks. Read a stream once.
   */
  read(onLine: (line: string) => boolean | void): Promise<void>;
}

/** A single line longer than this is not a watch event we can hold; bounded memory (§7.7). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Why a second LineStream.read fails: a body can be read once. */
const READ_TWICE = 'LineStream.read was called twice; a stream can be read once';
/** Error bodies are read only this far; a Status is small. */
const MAX_ERROR_BODY = 64 * 1024;

/** A response as both protocols give it: the status, the headers and the body to read. */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /**
   * The error to report when the body ended early. An HTTP/2 stream whose connection dropped
   * ends like a finished one (Node ends it with RST_STREAM CANCEL), so the ending is checked.
   */
  endedEarly?: () => Error | undefined;
}

export function createRestClient(config: ClusterConfig, options: RestClientOptions): RestClient {
  const base = new URL(config.server);
  const isHttps = base.protocol === 'https:';
  // TLS options are passed per request; the agent pools sockets by them, so certificates from an
  // exec plugin that change over time get their own connections.
  const agent = isHttps ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const debug = options.debugLog;
  const sessions = isHttps
    ? createHttp2Sessions(base, (protocol) => debug?.(`--- ${base.origin} speaks ${protocol === 'h2' ? 'HTTP/2' : 'HTTP/1.1 only'}`))
    : undefined;

  // Node builds a TLS context (parsing the CA bundle and client certificate) for every new
  // socket unless it is handed one: ~2 ms of CPU each, and a trace opens a dozen connections at
  // start-up (issue 6). One context per distinct TLS material — an exec plugin that rotates its
  // certificate gets a new one.
  let lastContext: { material: unknown[]; context: tls.SecureContext } | undefined;
  function secureContextFor(opts: AuthRequestOptions): tls.SecureContext {
    const material = [opts.ca, opts.cert, opts.key];
    if (lastContext === undefined || material.some((m, i) => m !== lastContext?.material[i])) {
      lastContext = { material, context: tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key }) };
    }
    return lastContext.context;
  }

  function urlFor(path: string, query?: Query): URL {
    const basePath = base.pathname.replace(/\/+$/, '');
    const url = new URL(base.origin + basePath + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  async function send(url: URL, accept: string, signal: AbortSignal | undefined, streaming: boolean): Promise<Answer> {
    const opts: AuthRequestOptions & https.RequestOptions & Pick<tls.ConnectionOptions, 'secureContext'> = {
      method: 'GET',
      agent,
      headers: { Accept: accept, 'User-Agent': options.userAgent },
      ...(signal ? { signal } : {}),
    };
    await config.applyAuth(opts);
    if (isHttps) opts.secureContext = secureContextFor(opts);
    if (debug) debug(`--> GET ${url.href} ${formatHeaders(opts.headers)}`);
    const started = Date.now();
    const logAnswer = (status: number) => debug?.(`<-- ${status} GET ${url.pathname}${url.search} (${Date.now() - started} ms)`);
    if (sessions !== undefined && opts.secureContext !== undefined) {
      const settings: SessionTls = {
        secureContext: opts.secureContext,
        rejectUnauthorized: opts.rejectUnauthorized ?? true,
        ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
      };
      // A stream the server refused unprocessed (it sent GOAWAY first, or RST_STREAM
      // REFUSED_STREAM) is sent once more, on a new session after a GOAWAY, as Go's HTTP/2
      // transport retries such requests (canRetryError); a GET is safe to repeat.
      for (let attempt = 1; ; attempt++) {
        let session: ClientHttp2Session | undefined;
        try {
          // Several requests wait for one connection; each still ends when its own signal aborts
          // (a watch's stall timer, Ctrl-C) — the connection attempt itself goes on for the others.
          session = await untilAborted(sessions.session(settings), signal);
        } catch (err) {
          throw toTypedError(err, config.server, signal);
        }
        if (session === undefined) break; // the server speaks HTTP/1.1 only
        try {
          const answer = await sendOverHttp2(session, url, opts.headers ?? {}, signal, streaming ? undefined : requestTimeoutMs);
          logAnswer(answer.status);
          return answer;
        } catch (err) {
          if (!(err instanceof Unprocessed) || attempt > 1 || signal?.aborted) throw toTypedError(err, config.server, signal);
          debug?.(`--- GET ${url.pathname}${url.search}: ${err.message}; sending it again`);
        }
      }
    }
    const mod = isHttps ? https : http;
    return await new Promise<Answer>((resolve, reject) => {
      const req = mod.request(url, opts, (res) => {
        logAnswer(res.statusCode ?? 0);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.on('error', (err) => reject(toTypedError(err, config.server, signal)));
      if (!streaming) {
        req.setTimeout(requestTimeoutMs, () => {
          req.destroy(socketError('ETIMEDOUT', 'request timed out'));
        });
      }
      req.end();
    });
  }

  function sendOverHttp2(
    session: ClientHttp2Session,
    url: URL,
    headers: NonNullable<AuthRequestOptions['headers']>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        stream = session.request(
          // :authority as Go sets it from the URL (brackets around an IPv6 literal); Node's
          // default drops them ('::1:6443').
          { ':method': 'GET', ':authority': url.host, ':path': url.pathname + url.search, ...headers },
          { endStream: true, ...(signal ? { signal } : {}) },
        );
      } catch (err) {
        // The session closed between being handed out and this request (GOAWAY, a dropped
        // connection); anything else (a header Node refuses) is the request's own error.
        reject(session.closed || session.destroyed ? new Unprocessed('the connection closed before the request was sent') : err);
        return;
      }
      sessions?.track(session, stream);
      // Before the answer, a refused stream may be sent again; any other ending is the request's error.
      const failed = (err: Error) =>
        reject(stream.rstCode === http2Constants.NGHTTP2_REFUSED_STREAM ? new Unprocessed('the server refused the stream (REFUSED_STREAM)') : err);
      // A stream cut off with its session (a server restart: RST_STREAM CANCEL, no 'error')
      // only closes; without this the request would wait for an answer forever.
      const onClose = () =>
        failed(socketError('ECONNRESET', `the HTTP/2 stream closed before an answer (code ${stream.rstCode ?? '?'})`));
      stream.once('close', onClose);
      stream.once('error', failed);
      stream.once('response', (h) => {
        stream.off('error', failed);
        stream.off('close', onClose);
        // Errors after the headers surface while the body is read (readBody / readLines); one that
        // comes when nobody reads any more (the signal aborting a finished stream) is not news,
        // and an 'error' event without a listener would crash the process.
        stream.on('error', () => {});
        resolve({
          status: Number(h[':status'] ?? 0),
          headers: h,
          body: stream,
          endedEarly: () =>
            stream.rstCode === undefined || stream.rstCode === http2Constants.NGHTTP2_NO_ERROR
              ? undefined
              : socketError('ECONNRESET', `the HTTP/2 stream was reset (code ${stream.rstCode})`),
        });
      });
      if (timeoutMs !== undefined) stream.setTimeout(timeoutMs, () => stream.destroy(socketError('ETIMEDOUT', 'request timed out')));
    });
  }

  return {
    server: config.server,

    async getJSON<T>(path: string, query?: Query, accept = 'application/json', o?: { signal?: AbortSignal }): Promise<T> {
      const url = urlFor(path, query);
      const res = await send(url, accept, o?.signal, false);
      const status = res.status;
      let text: string;
      try {
        text = await readBody(res, status >= 200 && status < 300 ? Infinity : MAX_ERROR_BODY);
      } catch (err) {
        throw toTypedError(err, config.server, o?.signal);
      }
      if (status < 200 || status >= 300) throw errorFrom(status, text, `GET ${url.pathname}`, res);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw apiErrorFromResponse(
          500,
          undefined,
          `the server answered GET ${url.pathname} with a body that is not JSON (${String(res.headers['content-type'] ?? 'no content type')})`,
          `GET ${url.pathname}`,
        );
      }
    },

    async stream(path: string, query: Query, signal: AbortSignal, hooks?: StreamHooks): Promise<LineStream> {
      const url = urlFor(path, query);
      const res = await send(url, 'application/json', signal, true);
      const status = res.status;
      if (status !== 200) {
        let text = '';
        try {
          text = await readBody(res, MAX_ERROR_BODY);
        } catch {
          // The status line alone still makes a useful error.
        }
        throw errorFrom(status, text, `GET ${url.pathname}`, res);
      }
      let reading = false;
      return {
        read(onLine) {
          if (reading) return Promise.reject(new Error(READ_TWICE));
          reading = true;
          return readLines(res, config.server, signal, hooks, maxLineBytes, onLine);
        },
      };
    },

    close() {
      agent.destroy();
      sessions?.close();
    },
  };
}

/** LineStream.read: the body's lines to `onLine`, synchronously per chunk ('data' events). */
function readLines(
  { body, endedEarly }: Answer,
  server: string,
  signal: AbortSignal,
  hooks: StreamHooks | undefined,
  maxLineBytes: number,
  onLine: (line: string) => boolean | void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    // The line not ended yet, as the pieces it arrived in: only new text is searched for a
    // newline, and the pieces are joined once, when it comes — a long line costs linear time,
    // not a re-scan of all of it per chunk.
    let partial: string[] = [];
    let partialLength = 0;
    let done = false;
    /** Ends the read: `outcome` is a stream failure (typed here) or the consumer's own exception. */
    const finish = (outcome?: { streamError: unknown } | { consumerError: unknown }) => {
      if (done) return;
      done = true;
      try {
        stopWatching();
        body.off('data', onData);
        body.destroy();
      } finally {
        if (outcome === undefined) resolve();
        else if ('consumerError' in outcome) reject(outcome.consumerError);
        else reject(toTypedError(outcome.streamError, server, signal));
      }
    };
    /** Hands over the lines `text` completes, keeping its unfinished end; false when reading must stop. */
    const handOver = (text: string, final: boolean): boolean => {
      let from = 0;
      let nl: number;
      try {
        while ((nl = text.indexOf('\n', from)) >= 0) {
          let line = text.slice(from, nl);
          if (partial.length > 0) {
            line = partial.join('') + line;
            partial = [];
            partialLength = 0;
          }
          from = nl + 1;
          line = line.trim();
          if (line !== '' && onLine(line) === false) {
            finish();
            return false;
          }
          if (done) return false;
        }
        const rest = text.slice(from);
        if (final) {
          // A stream that ends mid-line (no trailing \n) still delivers what it had.
          const last = (partial.join('') + rest).trim();
          partial = [];
          partialLength = 0;
          if (last !== '') onLine(last);
        } else if (rest !== '') {
          partial.push(rest);
          partialLength += rest.length;
        }
      } catch (err) {
        finish({ consumerError: err });
        return false;
      }
      return true;
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      hooks?.onData?.();
      const text = decoder.write(chunk);
      // One batch per chunk: what the lines' consumers defer with whenBatchEnds (a trace's
      // update) runs once, right after the chunk's last line.
      if (!batch(() => handOver(text, false))) return;
      if (partialLength > maxLineBytes) {
        finish({ streamError: new StreamError('stream.line-too-long', `A watch event from ${server} is longer than ${maxLineBytes} bytes; giving up on this stream.`) });
      }
    };
    // finished() tells a clean end from an error or a premature close, for either protocol's body,
    // as the async iterator did.
    const stopWatching = finished(body, { writable: false }, (err) => {
      if (done) return;
      if (err) return finish({ streamError: err });
      const early = endedEarly?.();
      if (early !== undefined) return finish({ streamError: early });
      const text = decoder.end();
      if (batch(() => handOver(text, true))) finish();
    });
    body.on('data', onData);
  });
}

async function readBody({ body, endedEarly }: Answer, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < limit) chunks.push(chunk);
    size += chunk.length;
  }
  const early = endedEarly?.();
  if (early !== undefined) throw early;
  return Buffer.concat(chunks).toString('utf8');
}

function errorFrom(status: number, text: string, request: string, res: Answer): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfter = res.headers['retry-after'];
  return apiErrorFromResponse(status, body, text, request, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
}

/** An HTTP/2 request the server did not process: safe to send again (ECONNRESET if it is not). */
class Unprocessed extends Error {
  readonly code = 'ECONNRESET';
}

/** `promise`, or the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    // The promise is always followed, even when it no longer matters, so that its failure is
    // never an unhandled rejection.
    if (signal.aborted) reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Node TLS verification error codes (tls.TLSSocket authorizationError / OpenSSL verify codes). */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/**
 * Maps a node network error to a ConnectionError with advice. An abort is passed through
 * unchanged (the caller asked for it); typed errors pass through too.
 */
export function toTypedError(err: unknown, server: string, signal?: AbortSignal): unknown {
  if (err instanceof KubeError) return err;
  if (signal?.aborted) return signal.reason ?? err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return err;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  let kind: ConnectionErrorCode = 'connection.failed';
  let message: string;
  if (code === 'ECONNREFUSED') {
    kind = 'connection.refused';
    message = `Cannot connect to the cluster at ${server}: connection refused. Is the API server running, and is this the right context?`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    kind = 'connection.dns';
    message = `Cannot connect to the cluster at ${server}: the host name does not resolve (DNS). Check the server URL in your kubeconfig and your network or VPN.`;
  } else if (code && TLS_CODES.has(code)) {
    kind = 'connection.tls';
    message = `Cannot verify the TLS certificate of ${server} (${code}). Set certificate-authority (or certificate-authority-data) for this cluster in your kubeconfig to the CA that signed the server's certificate; insecure-skip-tls-verify: true turns verification off, for test clusters only.`;
  } else if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /SSL routines/i.test(e?.message ?? '')) {
    kind = 'connection.tls';
    message = `The TLS handshake with ${server} failed (${code ?? 'protocol error'}). Does the server speak HTTPS, and does the URL's scheme match?`;
  } else if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    kind = 'connection.timeout';
    message = `The cluster at ${server} did not answer in time. Check your network, or whether the API server is overloaded.`;
  } else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code?.startsWith('ERR_HTTP2_')) {
    // ERR_HTTP2_*: the stream or its session was reset or closed (RST_STREAM, GOAWAY, a dropped connection).
    kind = 'connection.reset';
    message = `The connection to ${server} was closed unexpectedly.`;
  } else {
    message = `Cannot talk to the cluster at ${server}: ${e?.message ?? String(err)}`;
  }
  return new ConnectionError(kind, message, server, code);
}

function formatHeaders(headers: AuthRequestOptions['headers']): string {
  return Object.entries(headers ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${/^(authorization|proxy-authorization)$/i.test(k) ? redact(String(v)) : String(v)}`)
    .join('; ');
}

function redact(value: string): string {
  const scheme = value.split(' ')[0];
  return scheme && scheme !== value ? `${scheme} <redacted>` : '<redacted>';
}
