/**
 * Small HTTP helpers: reading bodies, writing JSON and Status responses, reading the Accept
 * header's media-type parameters (Tables and aggregated discovery are negotiated through them).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Status } from '../../lib/kube-object.js';
import { badRequest, requestEntityTooLarge } from './status.js';

/**
 * What the server reads from a request. Over TLS the listener speaks HTTP/2 and HTTP/1.1 (ALPN,
 * as kube-apiserver does), so a request is either node:http's IncomingMessage or node:http2's
 * compatibility Http2ServerRequest; both satisfy this (index.ts hands the same handler to both
 * listeners, which checks it). On HTTP/2, `headers` also holds the pseudo-headers (`:authority`,
 * `:path`, ...) and may lack `host`; `httpVersion` is '2.0'.
 */
export interface ApiRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * What the server writes to: node:http's ServerResponse or node:http2's Http2ServerResponse.
 * On HTTP/2, writeHead sends the HEADERS frame at once (flushHeaders is only needed on HTTP/1),
 * connection-specific headers (Transfer-Encoding, Connection, Keep-Alive, Upgrade) make writeHead
 * throw, end() sends END_STREAM, and 'close' also fires when the client resets the stream.
 */
export interface ApiResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  /** Bytes queued and not yet sent (on HTTP/2: the stream's, held back by flow control). */
  readonly writableLength: number;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  /** Declared on ServerResponse; Http2ServerResponse has it at run time only (a no-op after writeHead). */
  flushHeaders?(): void;
  write(chunk: string | Uint8Array): boolean;
  end(): unknown;
  end(chunk: string | Uint8Array): unknown;
  destroy(): unknown;
  on(event: 'close' | 'finish', listener: () => void): unknown;
}

/** kube-apiserver's default request body limit (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: ApiRequest): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** The raw body: protobuf bodies are binary and must not go through a UTF-8 decode. */
export function readBodyBytes(req: ApiRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(requestEntityTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // Wording of apimachinery's JSON decoder errors surfaced by the apiserver as 400 BadRequest.
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function sendJson(res: ApiResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendStatus(res: ApiResponse, status: Status): void {
  sendJson(res, status.code, status);
}

export function sendText(res: ApiResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Splits an Accept header into media ranges, in the client's order of preference as written. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

function firstMatching(header: string | undefined, group: string, as: string, versions: string[]): string | undefined {
  for (const range of parseAccept(header)) {
    if (range.type !== 'application/json' && range.type !== '*/*') continue;
    const p = range.params;
    if (p['g'] === group && p['as'] === as && p['v'] !== undefined && versions.includes(p['v'])) return p['v'];
  }
  return undefined;
}

/** 'v1' or 'v1beta1' when the client asks for a meta.k8s.io Table (kubectl get). */
export function tableVersionRequested(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  return firstMatching(accept, 'meta.k8s.io', 'Table', ['v1', 'v1beta1']) as 'v1' | 'v1beta1' | undefined;
}

/** 'v2' or 'v2beta1' when the client asks for aggregated discovery (kubernetes-facts.md §8). */
export function aggregatedDiscoveryRequested(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  return firstMatching(accept, 'apidiscovery.k8s.io', 'APIGroupDiscoveryList', ['v2', 'v2beta1']) as
    | 'v2'
    | 'v2beta1'
    | undefined;
}

/** Query flags the way apiserver's conversion accepts them ('true', '1', 'True'). */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return value === '' ? false : ['true', '1', 't', 'T', 'TRUE', 'True'].includes(value);
}

export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(value)}: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return n;
}
