import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { DEPLOYMENT, WIDGET } from '../objects/test-helpers.js';
import { applyPatch, PatchError } from './index.js';

const NOW = '2026-01-02T03:04:05Z';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1', args: ['-a', '-b'] }] } } },
  };
}

const ctx = { resource: DEPLOYMENT, now: NOW };

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}

describe('JSON patch (RFC 6902)', () => {
  it.each([
    {
      name: 'replace and add',
      body: [
        { op: 'replace', path: '/spec/replicas', value: 5 },
        { op: 'add', path: '/metadata/labels/env', value: 'prod' },
      ],
      check: (o: KubeObject) => {
        expect(o.spec).toMatchObject({ replicas: 5 });
        expect(o.metadata.labels).toEqual({ app: 'web', tier: 'front', env: 'prod' });
      },
    },
    {
      name: 'passing test then remove from a list',
      body: [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'remove', path: '/spec/template/spec/containers/0/args/1' },
      ],
      check: (o: KubeObject) => expect(o.spec).toMatchObject({ template: { spec: { containers: [{ args: ['-a'] }] } } }),
    },
    {
      name: 'escaped keys (~1 for /)',
      body: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' }],
      check: (o: KubeObject) => expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'web' }),
    },
  ])('$name', ({ body, check }) => {
    const current = deployment();
    const result = applyPatch('json', current, body, ctx);
    check(result);
    expect(current).toEqual(deployment());
  });

  it.each([
    { name: 'failing test op', body: [{ op: 'test', path: '/spec/replicas', value: 3 }], cause: 'testing value /spec/replicas failed: test failed' },
    {
      name: 'replace of a missing key',
      body: [{ op: 'replace', path: '/spec/paused', value: true }],
      cause: 'replace operation does not apply: doc is missing key: /spec/paused: missing value',
    },
    {
      name: 'remove of a missing path',
      body: [{ op: 'remove', path: '/metadata/annotations/x' }],
      cause: 'remove operation does not apply: doc is missing path: "/metadata/annotations/x": missing value',
    },
    { name: 'unknown op', body: [{ op: 'frobnicate', path: '/spec' }], cause: 'Unexpected kind: frobnicate' },
  ])('$name → 422 with the json-patch error as cause', ({ body, cause }) => {
    const err = patchError(() => applyPatch('json', deployment(), body, ctx));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe('the server rejected our request due to an error in our request');
    expect(err.causes).toEqual([{ reason: 'UnexpectedServerResponse', message: cause }]);
  });

  it('a body that is not a list is a 400', () => {
    const err = patchError(() => applyPatch('json', deployment(), { op: 'add' }, ctx));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
  });

  it('accepts the raw request text', () => {
    const result = applyPatch('json', deployment(), '[{"op":"replace","path":"/spec/replicas","value":0}]', ctx);
    expect(result.spec).toMatchObject({ replicas: 0 });
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    {
      name: 'kubectl label: add one, remove one (null)',
      body: { metadata: { labels: { env: 'prod', tier: null } } },
      check: (o: KubeObject) => expect(o.metadata.labels).toEqual({ app: 'web', env: 'prod' }),
    },
    {
      name: 'lists are replaced whole',
      body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'api:2' }] } } } },
      check: (o: KubeObject) => expect(o.spec).toEqual({ replicas: 2, template: { spec: { containers: [{ name: 'api', image: 'api:2' }] } } }),
    },
    {
      name: 'resourceVersion in the body is kept for the store to compare',
      body: { metadata: { resourceVersion: '3' }, spec: { replicas: 1 } },
      check: (o: KubeObject) => expect(o.metadata.resourceVersion).toBe('3'),
    },
  ])('$name', ({ body, check }) => {
    check(applyPatch('merge', deployment(), body, ctx));
  });

  it('works on custom resources', () => {
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } };
    expect(applyPatch('merge', widget, { spec: { size: 2 } }, { resource: WIDGET, now: NOW }).spec).toEqual({ size: 2 });
  });
});

describe('identity fields', () => {
  it.each([
    {
      name: 'rename',
      type: 'merge' as const,
      body: { metadata: { name: 'other' } },
      code: 400,
      message: 'the name of the object (other) does not match the name on the URL (web)',
    },
    {
      name: 'move to another namespace',
      type: 'json' as const,
      body: [{ op: 'replace', path: '/metadata/namespace', value: 'prod' }],
      code: 400,
      message: 'the namespace of the object (prod) does not match the namespace on the URL (default)',
    },
    {
      name: 'new uid',
      type: 'merge' as const,
      body: { metadata: { uid: 'u-2' } },
      code: 422,
      message: 'Deployment "web" is invalid: metadata.uid: Invalid value: "u-2": field is immutable',
    },
  ])('$name is refused', ({ type, body, code, message }) => {
    const err = patchError(() => applyPatch(type, deployment(), body, ctx));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it('removing name, namespace or uid leaves them as stored', () => {
    const result = applyPatch('merge', deployment(), { metadata: { name: null, namespace: null, uid: null } }, ctx);
    expect(result.metadata).toMatchObject({ name: 'web', namespace: 'default', uid: 'u-1' });
  });
});
