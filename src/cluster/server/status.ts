/**
 * Status errors only the HTTP layer produces (request decoding, content negotiation, list-option
 * validation). Everything else — and the mapping of anything thrown to a Status — comes from the
 * store's errors module, so both layers answer with identical bodies (kubernetes-facts.md §9).
 */
import type { Status, StatusCause } from '../../lib/kube-object.js';
import { ApiError } from '../store/errors.js';

export {
  ApiError,
  badRequest,
  forbidden,
  notFoundPath,
  toStatus,
  unauthorized,
} from '../store/errors.js';

function failure(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

/** A method the route does not serve (e.g. PATCH on a collection). */
export function methodNotAllowed(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function unsupportedMediaType(contentType: string): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`,
  );
}

/** A request body in a serialization this server does not decode (CBOR, protobuf variants other than plain objects). */
export function unsupportedBody(contentType: string): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${JSON.stringify(contentType)})`,
  );
}

/** kube-apiserver's default body limit is 3 MiB. */
export function requestEntityTooLarge(): ApiError {
  return failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
}

/**
 * 422 for bad list/watch options, as apimachinery's ValidateListOptions reports them
 * (kubernetes-facts.md §1): `ListOptions.meta.k8s.io "" is invalid: <field>: Forbidden: <detail>`.
 */
export function invalidListOptions(field: string, detail: string): ApiError {
  const cause: StatusCause = { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
  return failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${detail}`, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: [cause],
  });
}
