import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { DEPLOYMENT, POD, SERVICE, WIDGET } from '../objects/test-helpers.js';
import { applyPatch, PatchError } from './index.js';

const NOW = '2026-01-02T03:04:05Z';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', finalizers: ['a.example/x', 'b.example/y'], annotations: { keep: 'me' } },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1',
              args: ['--a', '--b'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'sidecar', image: 'envoy:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

type Json = Record<string, unknown>;
const podSpec = (o: KubeObject): Json => ((o.spec as Json).template as Json).spec as Json;
const containers = (o: KubeObject): Json[] => podSpec(o).containers as Json[];
const names = (o: KubeObject): unknown[] => containers(o).map((c) => c.name);

function sp(template: Json): Json {
  return { spec: { template: { spec: template } } };
}

describe('strategic merge patch on a Deployment (kubectl apply shapes)', () => {
  const cases: Array<{ name: string; body: Json; check: (o: KubeObject) => void }> = [
    {
      name: 'image change with $setElementOrder/containers keeps the other container',
      body: sp({ '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'web', image: 'nginx:2' }] }),
      check: (o) => {
        expect(names(o)).toEqual(['web', 'sidecar']);
        expect(containers(o)[0]).toMatchObject({ image: 'nginx:2', args: ['--a', '--b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
      },
    },
    {
      name: '$patch: delete removes one container',
      body: sp({ '$setElementOrder/containers': [{ name: 'web' }], containers: [{ $patch: 'delete', name: 'sidecar' }] }),
      check: (o) => expect(names(o)).toEqual(['web']),
    },
    {
      name: 'new container appended, then ordered by $setElementOrder',
      body: sp({
        '$setElementOrder/containers': [{ name: 'init-db' }, { name: 'web' }, { name: 'sidecar' }],
        containers: [{ name: 'init-db', image: 'postgres:16' }],
      }),
      check: (o) => expect(names(o)).toEqual(['init-db', 'web', 'sidecar']),
    },
    {
      name: 'env merges by name',
      body: sp({ containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] }),
      check: (o) =>
        expect(containers(o)[0]?.env).toEqual([
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ]),
    },
    {
      name: 'container ports merge by containerPort',
      body: sp({ containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 9090, name: 'metrics' }] }] }),
      check: (o) =>
        expect(containers(o)[0]?.ports).toEqual([
          { containerPort: 80, protocol: 'TCP', name: 'http' },
          { containerPort: 9090, name: 'metrics' },
        ]),
    },
    {
      name: 'lists without a merge key (args) are replaced',
      body: sp({ containers: [{ name: 'web', args: ['--c'] }] }),
      check: (o) => expect(containers(o)[0]?.args).toEqual(['--c']),
    },
    {
      name: 'volumes by name and volumeMounts by mountPath',
      body: sp({
        volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
        containers: [{ name: 'web', volumeMounts: [{ mountPath: '/data', readOnly: true }, { name: 'cache', mountPath: '/cache' }] }],
      }),
      check: (o) => {
        expect(podSpec(o).volumes).toEqual([
          { name: 'data', emptyDir: {} },
          { name: 'cache', emptyDir: { medium: 'Memory' } },
        ]);
        expect(containers(o)[0]?.volumeMounts).toEqual([
          { name: 'data', mountPath: '/data', readOnly: true },
          { name: 'cache', mountPath: '/cache' },
        ]);
      },
    },
    {
      name: '$retainKeys drops rollingUpdate when switching to Recreate',
      body: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      check: (o) => expect((o.spec as Json).strategy).toEqual({ type: 'Recreate' }),
    },
    {
      name: '$deleteFromPrimitiveList/finalizers and set-merge of finalizers',
      body: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'], finalizers: ['c.example/z', 'b.example/y'] } },
      check: (o) => expect(o.metadata.finalizers).toEqual(['b.example/y', 'c.example/z']),
    },
    {
      name: '{"$patch": "replace"} item replaces the whole keyed list',
      body: sp({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] }),
      check: (o) => expect(containers(o)).toEqual([{ name: 'only', image: 'busybox' }]),
    },
    {
      name: '$patch: replace on a map replaces it',
      body: { spec: { selector: { $patch: 'replace', matchLabels: { app: 'other' } } } },
      check: (o) => expect((o.spec as Json).selector).toEqual({ matchLabels: { app: 'other' } }),
    },
    {
      name: '$patch: delete on a map empties it',
      body: { metadata: { annotations: { $patch: 'delete' } } },
      check: (o) => expect(o.metadata.annotations).toEqual({}),
    },
    {
      name: 'null deletes a map key',
      body: { spec: { strategy: { rollingUpdate: null } } },
      check: (o) => expect((o.spec as Json).strategy).toEqual({ type: 'RollingUpdate' }),
    },
  ];

  it.each(cases)('$name', ({ body, check }) => {
    const current = deployment();
    check(applyPatch('strategic', current, body, { resource: DEPLOYMENT, now: NOW }));
    expect(current).toEqual(deployment());
  });

  it('$setElementOrder keeps items it does not name next to their server neighbours', () => {
    const current = deployment();
    // Someone else added 'logger' between the two; kubectl only knows web and sidecar.
    containers(current).splice(1, 0, { name: 'logger', image: 'fluentbit' });
    const result = applyPatch(
      'strategic',
      current,
      sp({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:2' }] }),
      { resource: DEPLOYMENT, now: NOW },
    );
    expect(names(result)).toEqual(['logger', 'sidecar', 'web']);
  });

  it.each([
    { name: 'list item without its merge key', body: sp({ containers: [{ image: 'x' }] }), code: 400, message: 'map: {"image":"x"} does not contain declared merge key: name' },
    { name: 'unknown directive', body: { spec: { $patch: 'explode' } }, code: 400, message: 'unknown patch type: explode in map: {"$patch":"explode"}' },
    { name: 'patch outside $retainKeys', body: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: {} } } }, code: 422, message: "patch content doesn't match retainKeys list" },
  ])('$name → $code', ({ body, code, message }) => {
    let caught: unknown;
    try {
      applyPatch('strategic', deployment(), body, { resource: DEPLOYMENT, now: NOW });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PatchError);
    expect(caught).toMatchObject({ code, message });
  });
});

describe('strategic merge patch on other kinds', () => {
  it('Service ports merge by port', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    };
    const result = applyPatch('strategic', svc, { spec: { ports: [{ port: 80, targetPort: 'http' }, { name: 'https', port: 443 }] } }, { resource: SERVICE, now: NOW });
    expect((result.spec as Json).ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443 },
    ]);
  });

  it('Pod status conditions merge by type (kubelet-style status patch)', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }] },
    };
    const result = applyPatch('strategic', pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { resource: POD, now: NOW });
    expect((result.status as Json).conditions).toEqual([
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ]);
  });

  it('custom resources refuse strategic merge with 415', () => {
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    let caught: unknown;
    try {
      applyPatch('strategic', widget, { spec: { size: 2 } }, { resource: WIDGET, now: NOW });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: expect.stringContaining('the body of the request was in an unknown format'),
    });
  });
});
