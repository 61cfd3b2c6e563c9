/**
 * Authentication (one bearer token) and a deny-list authorizer, so clients can be tested against
 * real 401 and 403 answers (kubernetes-facts.md §9).
 */
import { timingSafeEqual } from 'node:crypto';
import { forbidden } from './status.js';

/** The user name in 403 messages. */
export const USER_NAME = 'kubespy-user';

/** Requests matching a rule are denied. */
export interface ForbidRule {
  /** get, list, watch, create, update, patch, delete, deletecollection, or '*'. */
  verb: string;
  /** 'pods', 'deployments.apps': the main resource (its subresources are denied with it). */
  resource: string;
  /** Only in this namespace; every namespace and cluster scope when omitted. */
  namespace?: string;
}

export interface RequestAttributes {
  verb: string;
  group: string;
  plural: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function tokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The RBAC verb of a resource request (apiserver RequestInfo.Verb). */
export function requestVerb(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Throws the real 403 Status when a rule denies the request. */
export function authorize(rules: ForbidRule[], attrs: RequestAttributes): void {
  const qualified = attrs.group ? `${attrs.plural}.${attrs.group}` : attrs.plural;
  const denied = rules.some(
    (r) =>
      (r.verb === '*' || r.verb === attrs.verb) &&
      r.resource === qualified &&
      (r.namespace === undefined || r.namespace === attrs.namespace),
  );
  if (!denied) return;
  const req: Parameters<typeof forbidden>[0] = {
    user: USER_NAME,
    verb: attrs.verb,
    resource: attrs.plural,
    group: attrs.group,
  };
  if (attrs.subresource) req.subresource = attrs.subresource;
  if (attrs.namespace) req.namespace = attrs.namespace;
  if (attrs.name) req.name = attrs.name;
  throw forbidden(req);
}
