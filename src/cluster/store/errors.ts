/**
 * API errors carrying the exact Status body kube-apiserver sends (kubernetes-facts.md §9;
 * k8s.io/apimachinery/pkg/api/errors). The HTTP layer writes `status` as is, with
 * HTTP code = status.code, so messages here are what kubectl prints after "Error from server".
 */
import type { Status, StatusCause } from '../../lib/kube-object.js';
import type { ApiErrorLike } from './types.js';

type Details = NonNullable<Status['details']>;

export class ApiError extends Error implements ApiErrorLike {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** True for 410 Expired/Gone: the caller must re-list (a watch answers it as an ERROR event). */
export function isExpired(err: unknown): boolean {
  return isApiError(err) && err.status.code === 410;
}

function failure(code: number, reason: string, message: string, details?: Details): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

/** Splits 'deployments.apps' into the details fields the real server fills (group omitted for core). */
function resourceDetails(resourceQualified: string, name?: string): Details {
  const dot = resourceQualified.indexOf('.');
  const details: Details = {};
  if (name !== undefined && name !== '') details.name = name;
  if (dot >= 0) {
    details.group = resourceQualified.slice(dot + 1);
    details.kind = resourceQualified.slice(0, dot);
  } else {
    details.kind = resourceQualified;
  }
  return details;
}

/** `pods "x" not found` — resourceQualified is the plural, group-qualified unless core. */
export function notFound(resourceQualified: string, name: string): ApiError {
  return failure(404, 'NotFound', `${resourceQualified} "${name}" not found`, resourceDetails(resourceQualified, name));
}

/** Unknown URL or resource type. */
export function notFoundPath(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(resourceQualified: string, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${resourceQualified} "${name}" already exists`, resourceDetails(resourceQualified, name));
}

const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

/** 409 Conflict; `detail` defaults to the stale-resourceVersion text (precondition failures pass their own). */
export function conflict(resourceQualified: string, name: string, detail: string = STALE_OBJECT): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resourceQualified} "${name}": ${detail}`,
    resourceDetails(resourceQualified, name),
  );
}

/** `field: message` as field.Error.Error() prints it (the field is omitted when empty). */
function causeText(cause: StatusCause): string {
  const body = cause.message ?? '';
  return cause.field ? `${cause.field}: ${body}` : body;
}

/**
 * 422 Invalid. `kind` is the Kind ('Service'), `group` its API group ('' for core): the message
 * names the group-qualified kind (`Deployment.apps "x" is invalid: …`) and several causes are
 * joined as an aggregate error prints them: `[a, b]`.
 */
export function invalid(kind: string, name: string, causes: StatusCause[], group = ''): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const texts = causes.map(causeText);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const details: Details = { name, kind, causes: causes.map((c) => ({ ...c })) };
  if (group) details.group = group;
  if (!name) delete details.name;
  return failure(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined}`, details);
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(message = 'Unauthorized'): ApiError {
  return failure(401, 'Unauthorized', message);
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  /** Plural resource, e.g. 'services'. */
  resource: string;
  /** '' for core (printed as ""). */
  group: string;
  subresource?: string;
  name?: string;
  namespace?: string;
  /** Appended as `: <reason>` when the authorizer gives one. */
  reason?: string;
}

/** RBAC denial, worded as the apiserver's authorization filter does (facts §9). */
export function forbidden(req: ForbiddenRequest): ApiError {
  const qualified = req.group ? `${req.resource}.${req.group}` : req.resource;
  const target = req.name ? `${qualified} "${req.name}" is forbidden` : `${qualified} is forbidden`;
  const resourcePath = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  const scope = req.namespace ? `in the namespace "${req.namespace}"` : 'at the cluster scope';
  let message = `${target}: User "${req.user}" cannot ${req.verb} resource "${resourcePath}" in API group "${req.group}" ${scope}`;
  if (req.reason) message += `: ${req.reason}`;
  return failure(403, 'Forbidden', message, resourceDetails(qualified, req.name));
}

/** errors.NewForbidden with a free-text reason, e.g. creating content in a terminating namespace. */
export function forbiddenReason(resourceQualified: string, name: string | undefined, reason: string): ApiError {
  const target = name ? `${resourceQualified} "${name}" is forbidden` : `${resourceQualified} is forbidden`;
  return failure(403, 'Forbidden', `${target}: ${reason}`, resourceDetails(resourceQualified, name));
}

/** Watch from a compacted resourceVersion (cacher: `too old resource version: N (M)`). */
export function expired(requested: string | number, oldest: string | number): ApiError {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

/** A continue token whose snapshot was compacted (etcd3 store's continueExpired text). */
export function continueExpired(): ApiError {
  return failure(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
  );
}

/** `<verb> is not supported on resources of kind "<res>"`. */
export function methodNotAllowed(verb: string, resourceQualified: string): ApiError {
  return failure(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${resourceQualified}"`,
    resourceDetails(resourceQualified),
  );
}

export function tooManyRequests(retryAfterSeconds: number, message = 'Too many requests, please try again later.'): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function internalError(cause: unknown): ApiError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return failure(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

export function serviceUnavailable(message = 'the server is currently unable to handle the request'): ApiError {
  return failure(503, 'ServiceUnavailable', message);
}

export function timeout(message: string, retryAfterSeconds?: number): ApiError {
  const details: Details = {};
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  return failure(504, 'Timeout', `Timeout: ${message}`, details);
}

/** Watch/list at a resourceVersion the store has not reached (storage.NewTooLargeResourceVersionError). */
export function tooLargeResourceVersion(requested: string | number, current: string | number): ApiError {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`, 1);
  err.status.details = {
    ...err.status.details,
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
  };
  return err;
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function isStatus(value: unknown): value is Status {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'Status' && typeof v.code === 'number';
}

/**
 * Adopts errors thrown by code that does not depend on this module (the patch engine's
 * PatchError: `{message, code, reason?, causes?}`) so they keep their HTTP code.
 */
export function fromCodedError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { status?: unknown; code?: unknown; reason?: unknown; causes?: unknown; details?: unknown };
  if (isStatus(e.status)) return new ApiError(e.status);
  if (typeof e.code !== 'number' || e.code < 400 || e.code > 599) return undefined;
  const reason = typeof e.reason === 'string' ? e.reason : (REASON_BY_CODE[e.code] ?? 'Unknown');
  const details: Details = {};
  if (Array.isArray(e.causes) && e.causes.length > 0) details.causes = e.causes as StatusCause[];
  return failure(e.code, reason, e.message, Object.keys(details).length > 0 ? details : undefined);
}

/** The Status body for anything a handler throws: ApiErrors as they are, the rest as 500. */
export function toStatus(err: unknown): Status {
  const adopted = fromCodedError(err);
  if (adopted) return adopted.status;
  return internalError(err).status;
}
