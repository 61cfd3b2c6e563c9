import { describe, expect, it } from 'vitest';
import { parseRoute } from './routes.js';

describe('parseRoute', () => {
  const cases: Array<[string, string, unknown]> = [
    ['version', '/version', { kind: 'version' }],
    ['health', '/readyz', { kind: 'health', check: 'readyz' }],
    ['core discovery', '/api', { kind: 'discoveryRoot', core: true }],
    ['groups discovery', '/apis/', { kind: 'discoveryRoot', core: false }],
    ['group', '/apis/apps', { kind: 'discoveryGroup', group: 'apps' }],
    ['core group-version', '/api/v1', { kind: 'discoveryGroupVersion', group: '', version: 'v1' }],
    ['group-version', '/apis/apps/v1', { kind: 'discoveryGroupVersion', group: 'apps', version: 'v1' }],
    ['openapi index', '/openapi/v3', { kind: 'openapiIndex' }],
    ['openapi core', '/openapi/v3/api/v1', { kind: 'openapiDocument', group: '', version: 'v1' }],
    ['openapi group', '/openapi/v3/apis/apps/v1', { kind: 'openapiDocument', group: 'apps', version: 'v1' }],
    ['openapi v2', '/openapi/v2', { kind: 'openapiV2' }],
    ['all-namespaces list', '/api/v1/pods', { kind: 'resource', group: '', version: 'v1', plural: 'pods', watchPrefix: false }],
    ['namespaced list', '/api/v1/namespaces/default/pods', { kind: 'resource', group: '', version: 'v1', plural: 'pods', namespace: 'default', watchPrefix: false }],
    [
      'namespaced object subresource',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      { kind: 'resource', group: 'apps', version: 'v1', plural: 'deployments', namespace: 'shop', name: 'web', subresource: 'scale', watchPrefix: false },
    ],
    ['namespace object', '/api/v1/namespaces/shop', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces', name: 'shop', watchPrefix: false }],
    ['namespace status', '/api/v1/namespaces/shop/status', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces', name: 'shop', subresource: 'status', watchPrefix: false }],
    ['namespaces list', '/api/v1/namespaces', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces', watchPrefix: false }],
    ['cluster-scoped object', '/api/v1/nodes/n1', { kind: 'resource', group: '', version: 'v1', plural: 'nodes', name: 'n1', watchPrefix: false }],
    [
      'legacy watch prefix',
      '/api/v1/watch/namespaces/default/pods/p',
      { kind: 'resource', group: '', version: 'v1', plural: 'pods', namespace: 'default', name: 'p', watchPrefix: true },
    ],
    ['unknown root', '/metrics', { kind: 'notFound' }],
    ['too deep', '/api/v1/namespaces/default/pods/p/status/extra', { kind: 'notFound' }],
  ];
  it.each(cases)('%s: %s', (_name, path, expected) => {
    expect(parseRoute(path)).toEqual(expected);
  });
});
