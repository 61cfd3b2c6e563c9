import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';
import { defaultObject, validateObject } from './index.js';
import { DAEMONSET, DEPLOYMENT, REPLICASET, STATEFULSET } from './test-helpers.js';

const TEMPLATE_SPEC_DEFAULTS = {
  containers: [
    {
      name: 'web',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    },
  ],
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  terminationGracePeriodSeconds: 30,
  securityContext: {},
  schedulerName: 'default-scheduler',
};

function workload(kind: string, spec: Record<string, unknown> = {}, name = 'web'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...spec,
    },
  };
}

function defaulted(resource: ResourceType, object: KubeObject): KubeObject {
  defaultObject(resource, object);
  return object;
}

describe('workload defaults', () => {
  it.each([
    {
      name: 'Deployment',
      resource: DEPLOYMENT,
      want: {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    },
    { name: 'ReplicaSet', resource: REPLICASET, want: { replicas: 1 } },
    {
      name: 'StatefulSet',
      resource: STATEFULSET,
      want: {
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    },
    {
      name: 'DaemonSet',
      resource: DAEMONSET,
      want: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
    },
  ])('$name: spec defaults and pod template defaults (no Pod admission defaults)', ({ resource, want }) => {
    const w = defaulted(resource, workload(resource.kind));
    expect(w.spec).toEqual({
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: TEMPLATE_SPEC_DEFAULTS },
      ...want,
    });
  });

  it('Recreate deployments get no rollingUpdate block, minReadySeconds stays omitted', () => {
    const w = defaulted(DEPLOYMENT, workload('Deployment', { strategy: { type: 'Recreate' } }));
    expect((w.spec as Record<string, unknown>).strategy).toEqual({ type: 'Recreate' });
    expect(w.spec).not.toHaveProperty('minReadySeconds');
  });
});

describe('workload validation', () => {
  const cases: Array<{ name: string; resource: ResourceType; spec: Record<string, unknown>; want: unknown[] }> = [
    { name: 'valid Deployment', resource: DEPLOYMENT, spec: {}, want: [] },
    {
      name: 'selector required',
      resource: DEPLOYMENT,
      spec: { selector: null },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }],
    },
    {
      name: 'selector must match template labels',
      resource: DEPLOYMENT,
      spec: { selector: { matchLabels: { app: 'y' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      want: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
          field: 'spec.template.metadata.labels',
        },
      ],
    },
    {
      name: 'empty selector',
      resource: REPLICASET,
      spec: { selector: {} },
      want: [
        {
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
          field: 'spec.selector',
        },
      ],
    },
    {
      name: 'matchExpressions select the template too',
      resource: DAEMONSET,
      spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } },
      want: [],
    },
    {
      name: 'negative replicas',
      resource: STATEFULSET,
      spec: { replicas: -1 },
      want: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
    },
    {
      name: 'template containers are validated as a Pod',
      resource: DEPLOYMENT,
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } } },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' }],
    },
    {
      name: 'template restartPolicy must be Always',
      resource: DEPLOYMENT,
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } },
      want: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Never": supported values: "Always"', field: 'spec.template.spec.restartPolicy' },
      ],
    },
    {
      name: 'bad strategy type',
      resource: DEPLOYMENT,
      spec: { strategy: { type: 'BlueGreen' } },
      want: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"', field: 'spec.strategy.type' },
      ],
    },
    {
      name: 'maxSurge and maxUnavailable both zero',
      resource: DEPLOYMENT,
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      want: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: "0%": may not be 0 when `maxSurge` is 0', field: 'spec.strategy.rollingUpdate.maxUnavailable' },
      ],
    },
    {
      name: 'percent over 100',
      resource: DEPLOYMENT,
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '150%' } } },
      want: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "150%": must not be greater than 100%', field: 'spec.strategy.rollingUpdate.maxSurge' }],
    },
  ];

  it.each(cases)('$name', ({ resource, spec, want }) => {
    const w = defaulted(resource, workload(resource.kind, spec));
    expect(validateObject(resource, w)).toEqual(want);
  });

  it.each([DEPLOYMENT, REPLICASET, DAEMONSET, STATEFULSET])('$kind selector is immutable on update', (resource) => {
    const old = defaulted(resource, workload(resource.kind));
    const changed = defaulted(
      resource,
      workload(resource.kind, {
        selector: { matchLabels: { app: 'web', tier: 'front' } },
        template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      }),
    );
    expect(validateObject(resource, changed, old)).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
        field: 'spec.selector',
      },
    ]);
  });

  it('template and replicas may change on update', () => {
    const old = defaulted(DEPLOYMENT, workload('Deployment'));
    const changed = structuredClone(old);
    const spec = changed.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    spec.replicas = 5;
    spec.template.spec.containers[0]!.image = 'nginx:1.28';
    expect(validateObject(DEPLOYMENT, changed, old)).toEqual([]);
  });

  it('StatefulSet updates outside the mutable fields are forbidden', () => {
    const old = defaulted(STATEFULSET, workload('StatefulSet', { serviceName: 'web' }));
    const changed = structuredClone(old);
    (changed.spec as Record<string, unknown>).serviceName = 'other';
    expect(validateObject(STATEFULSET, changed, old)).toEqual([
      {
        reason: 'FieldValueForbidden',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        field: 'spec',
      },
    ]);
  });
});
