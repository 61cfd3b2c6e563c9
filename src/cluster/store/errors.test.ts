import { describe, expect, it } from 'vitest';
import type { Status } from '../../lib/kube-object.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  forbiddenReason,
  internalError,
  invalid,
  isExpired,
  methodNotAllowed,
  notFound,
  notFoundPath,
  serviceUnavailable,
  timeout,
  tooLargeResourceVersion,
  tooManyRequests,
  toStatus,
  unauthorized,
} from './errors.js';

const base = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' } as const;

describe('Status bodies', () => {
  const cases: Array<{ name: string; error: ApiError; want: Status }> = [
    {
      name: 'not found (core)',
      error: notFound('pods', 'x'),
      want: { ...base, message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404 },
    },
    {
      name: 'not found (group)',
      error: notFound('deployments.apps', 'web'),
      want: {
        ...base,
        message: 'deployments.apps "web" not found',
        reason: 'NotFound',
        details: { name: 'web', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    },
    {
      name: 'unknown path',
      error: notFoundPath(),
      want: { ...base, message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 },
    },
    {
      name: 'already exists',
      error: alreadyExists('services', 'web'),
      want: { ...base, message: 'services "web" already exists', reason: 'AlreadyExists', details: { name: 'web', kind: 'services' }, code: 409 },
    },
    {
      name: 'conflict',
      error: conflict('deployments.apps', 'x'),
      want: {
        ...base,
        message:
          'Operation cannot be fulfilled on deployments.apps "x": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'x', group: 'apps', kind: 'deployments' },
        code: 409,
      },
    },
    {
      name: 'invalid with one cause',
      error: invalid('Service', 'x', [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].port' }]),
      want: {
        ...base,
        message: 'Service "x" is invalid: spec.ports[0].port: Required value',
        reason: 'Invalid',
        details: { name: 'x', kind: 'Service', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].port' }] },
        code: 422,
      },
    },
    {
      name: 'invalid with two causes and a group',
      error: invalid(
        'Deployment',
        'web',
        [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
        ],
        'apps',
      ),
      want: {
        ...base,
        message: 'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]',
        reason: 'Invalid',
        details: {
          name: 'web',
          group: 'apps',
          kind: 'Deployment',
          causes: [
            { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
            { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
          ],
        },
        code: 422,
      },
    },
    { name: 'bad request', error: badRequest('bad'), want: { ...base, message: 'bad', reason: 'BadRequest', code: 400 } },
    { name: 'unauthorized', error: unauthorized(), want: { ...base, message: 'Unauthorized', reason: 'Unauthorized', code: 401 } },
    {
      name: 'forbidden list in a namespace',
      error: forbidden({ user: 'u', verb: 'watch', resource: 'services', group: '', namespace: 'ns' }),
      want: {
        ...base,
        message: 'services is forbidden: User "u" cannot watch resource "services" in API group "" in the namespace "ns"',
        reason: 'Forbidden',
        details: { kind: 'services' },
        code: 403,
      },
    },
    {
      name: 'forbidden named object at cluster scope',
      error: forbidden({ user: 'u', verb: 'get', resource: 'nodes', group: '', name: 'n1' }),
      want: {
        ...base,
        message: 'nodes "n1" is forbidden: User "u" cannot get resource "nodes" in API group "" at the cluster scope',
        reason: 'Forbidden',
        details: { name: 'n1', kind: 'nodes' },
        code: 403,
      },
    },
    {
      name: 'forbidden subresource with a reason',
      error: forbidden({ user: 'u', verb: 'update', resource: 'deployments', subresource: 'scale', group: 'apps', name: 'web', namespace: 'd', reason: 'no RBAC policy matched' }),
      want: {
        ...base,
        message:
          'deployments.apps "web" is forbidden: User "u" cannot update resource "deployments/scale" in API group "apps" in the namespace "d": no RBAC policy matched',
        reason: 'Forbidden',
        details: { name: 'web', group: 'apps', kind: 'deployments' },
        code: 403,
      },
    },
    {
      name: 'forbidden in a terminating namespace',
      error: forbiddenReason('pods', 'p', 'unable to create new content in namespace x because it is being terminated'),
      want: {
        ...base,
        message: 'pods "p" is forbidden: unable to create new content in namespace x because it is being terminated',
        reason: 'Forbidden',
        details: { name: 'p', kind: 'pods' },
        code: 403,
      },
    },
    { name: 'expired', error: expired(5, 10), want: { ...base, message: 'too old resource version: 5 (10)', reason: 'Expired', code: 410 } },
    {
      name: 'method not allowed',
      error: methodNotAllowed('deletecollection', 'namespaces'),
      want: {
        ...base,
        message: 'deletecollection is not supported on resources of kind "namespaces"',
        reason: 'MethodNotAllowed',
        details: { kind: 'namespaces' },
        code: 405,
      },
    },
    {
      name: 'too many requests',
      error: tooManyRequests(3),
      want: { ...base, message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 3 }, code: 429 },
    },
    {
      name: 'internal error',
      error: internalError(new Error('boom')),
      want: { ...base, message: 'Internal error occurred: boom', reason: 'InternalError', details: { causes: [{ message: 'boom' }] }, code: 500 },
    },
    {
      name: 'service unavailable',
      error: serviceUnavailable('down'),
      want: { ...base, message: 'down', reason: 'ServiceUnavailable', code: 503 },
    },
    { name: 'timeout', error: timeout('slow'), want: { ...base, message: 'Timeout: slow', reason: 'Timeout', details: {}, code: 504 } },
    {
      name: 'too large resource version',
      error: tooLargeResourceVersion(99, 10),
      want: {
        ...base,
        message: 'Timeout: Too large resource version: 99, current: 10',
        reason: 'Timeout',
        details: { retryAfterSeconds: 1, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
        code: 504,
      },
    },
  ];
  it.each(cases)('$name', ({ error, want }) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toEqual(want);
    expect(error.message).toBe(want.message);
  });
});

describe('toStatus', () => {
  it('passes ApiErrors through', () => {
    expect(toStatus(notFound('pods', 'x')).code).toBe(404);
  });
  it('maps other errors to 500', () => {
    expect(toStatus(new Error('oops'))).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: oops' });
    expect(toStatus('text')).toMatchObject({ code: 500, message: 'Internal error occurred: text' });
  });
  it('keeps the code, reason and causes of coded errors (patch engine)', () => {
    const err = Object.assign(new Error('Apply failed with 1 conflict: conflict with "other": .spec.replicas'), {
      code: 409,
      reason: 'Conflict',
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "other"', field: '.spec.replicas' }],
    });
    expect(toStatus(err)).toEqual({
      ...base,
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "other": .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "other"', field: '.spec.replicas' }] },
    });
    expect(toStatus(Object.assign(new Error('nope'), { code: 415 }))).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });
  it('recognises expiry', () => {
    expect(isExpired(expired(1, 2))).toBe(true);
    expect(isExpired(notFoundPath())).toBe(false);
  });
});
