/**
 * The typed errors kube/ raises and reports in watch events (design.md §7.5). Each has a stable
 * `code` the CLI maps to an exit code (design.md §3: 3 for connection, auth and forbidden) and a
 * `message` written for the user: one paragraph that says what to do, and never a secret.
 */
import type { Status } from '../lib/kube-object.js';

/**
 * An error shaped like Node's own network errors (a `code` such as ECONNRESET), for what kube/
 * detects itself — a timed-out handshake, an HTTP/2 stream cut off — so that rest.ts's
 * toTypedError turns it into the same ConnectionError as Node's.
 */
export function socketError(code: 'ECONNRESET' | 'ETIMEDOUT', message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Common base so callers can test `err instanceof KubeError` and switch on `code`. */
export abstract class KubeError extends Error {
  abstract readonly code: string;
}

export type KubeConfigErrorCode =
  | 'kubeconfig.missing-file'
  | 'kubeconfig.bad-yaml'
  | 'kubeconfig.invalid'
  | 'kubeconfig.unknown-context'
  | 'kubeconfig.no-current-context'
  | 'kubeconfig.unknown-cluster'
  | 'kubeconfig.unknown-user'
  | 'kubeconfig.missing-cert-file'
  | 'kubeconfig.exec-plugin-missing'
  | 'kubeconfig.exec-plugin-failed'
  | 'kubeconfig.auth-provider-failed'
  | 'kubeconfig.none';

/** The kubeconfig (or in-cluster config) cannot be loaded, or its credentials cannot be obtained. */
export class KubeConfigError extends KubeError {
  override readonly name = 'KubeConfigError';
  constructor(
    readonly code: KubeConfigErrorCode,
    message: string,
    /** The file the problem is in, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}

export type ConnectionErrorCode =
  | 'connection.refused'
  | 'connection.dns'
  | 'connection.tls'
  | 'connection.timeout'
  | 'connection.reset'
  | 'connection.failed';

/** The API server could not be reached, or its certificate could not be verified. */
export class ConnectionError extends KubeError {
  override readonly name = 'ConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly server: string,
    /** The node error code (ECONNREFUSED, CERT_HAS_EXPIRED, …), for --debug. */
    readonly causeCode?: string,
  ) {
    super(message);
  }
}

/**
 * The API server answered with an error: an HTTP error status, or an ERROR event inside a watch
 * stream. Both carry a meta/v1 Status (kubernetes-facts.md §9); when the body was not one, a
 * Status is synthesised from the HTTP status so callers only ever look at one shape.
 */
export class ApiError extends KubeError {
  override readonly name = 'ApiError';
  readonly code: string;
  constructor(
    readonly status: Status,
    /** From the Retry-After header or details.retryAfterSeconds (429, some 5xx). */
    readonly retryAfterSeconds?: number,
    /** The request that failed, e.g. 'GET /api/v1/namespaces/x/pods'. */
    readonly request?: string,
  ) {
    super(describeStatus(status));
    this.code = `api.${kebab(status.reason || reasonForCode(status.code))}`;
  }

  get httpStatus(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason || reasonForCode(this.status.code);
  }
  get details(): Status['details'] {
    return this.status.details;
  }

  isNotFound(): boolean {
    return this.status.code === 404 || this.status.reason === 'NotFound';
  }
  isForbidden(): boolean {
    return this.status.code === 403 || this.status.reason === 'Forbidden';
  }
  isUnauthorized(): boolean {
    return this.status.code === 401 || this.status.reason === 'Unauthorized';
  }
  isConflict(): boolean {
    return this.status.code === 409 || this.status.reason === 'Conflict';
  }
  /** 410 Expired or Gone: the resourceVersion is too old; the client must re-list (facts §1). */
  isExpired(): boolean {
    return this.status.code === 410 || this.status.reason === 'Expired' || this.status.reason === 'Gone';
  }
  isTooManyRequests(): boolean {
    return this.status.code === 429 || this.status.reason === 'TooManyRequests';
  }
  /** 504 with cause ResourceVersionTooLarge: the server is behind us; client-go re-lists. */
  isResourceVersionTooLarge(): boolean {
    if (this.status.code !== 504 && this.status.reason !== 'Timeout') return false;
    const causes = this.status.details?.causes ?? [];
    return (
      causes.some((c) => c.reason === 'ResourceVersionTooLarge') ||
      /too large resource version/i.test(this.status.message ?? '')
    );
  }
  /** Milliseconds to wait before retrying, when the server said so. */
  retryAfterMs(): number | undefined {
    const s = this.retryAfterSeconds ?? this.status.details?.retryAfterSeconds;
    return s !== undefined && Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
  }
}

export type StreamErrorCode = 'stream.bad-line' | 'stream.stalled' | 'stream.closed-early' | 'stream.line-too-long';

/** A watch stream misbehaved: an unparsable line, no bytes for too long, or an empty early close. */
export class StreamError extends KubeError {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
    /** For bad lines: the start of the offending line (at most 100 characters). */
    readonly excerpt?: string,
  ) {
    super(message);
  }
}

export type ResourceErrorCode = 'resource.unknown' | 'resource.ambiguous';

/** A KIND the user typed names no resource, or several; a usage error (exit 2). */
export class ResourceResolutionError extends KubeError {
  override readonly name = 'ResourceResolutionError';
  constructor(
    readonly code: ResourceErrorCode,
    message: string,
    readonly input: string,
    /** Ambiguous: the matching resources; unknown: close names, best first. */
    readonly candidates: string[],
  ) {
    super(message);
  }
}

/**
 * True for the failures design.md §3 maps to exit code 3: the cluster cannot be reached, the
 * credentials are missing or rejected, or the user is forbidden.
 */
export function isClusterAccessError(err: unknown): boolean {
  if (err instanceof KubeConfigError || err instanceof ConnectionError) return true;
  return err instanceof ApiError && (err.isUnauthorized() || err.isForbidden());
}

/** Builds an ApiError from any value a server sent; `body` is the parsed JSON, if it parsed. */
export function apiErrorFromResponse(
  httpStatus: number,
  body: unknown,
  rawBody: string,
  request?: string,
  retryAfterHeader?: string,
): ApiError {
  const status = isStatus(body) ? { ...body, code: body.code || httpStatus } : syntheticStatus(httpStatus, rawBody);
  return new ApiError(status, parseRetryAfter(retryAfterHeader), request);
}

export function isStatus(value: unknown): value is Status {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'Status' &&
    typeof (value as { code?: unknown }).code === 'number'
  );
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); we honour seconds only. */
export function parseRetryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const n = Number(header.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function syntheticStatus(code: number, rawBody: string): Status {
  const text = rawBody.trim().replace(/\s+/g, ' ').slice(0, 200);
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: reasonForCode(code),
    message: text || `the server responded with HTTP ${code}`,
    code,
  };
}

/** The reason a real API server would put in the Status for this HTTP code (apimachinery errors.go). */
function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    406: 'NotAcceptable',
    409: 'Conflict',
    410: 'Gone',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

function describeStatus(status: Status): string {
  const msg = status.message || `the server responded with ${status.reason || 'an error'} (HTTP ${status.code})`;
  switch (status.code) {
    case 401:
      return `${msg}: the cluster rejected the credentials in your kubeconfig (they may have expired). Log in again or check the user entry of the current context.`;
    case 403:
      return `${msg}. Ask a cluster admin for the RBAC permission, or use a context whose user has it.`;
    default:
      return msg;
  }
}

function kebab(reason: string): string {
  return reason.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
