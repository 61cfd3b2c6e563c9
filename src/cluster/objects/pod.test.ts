import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { defaultObject, validateObject } from './index.js';
import { defaultPullPolicy } from './pod.js';
import { POD } from './test-helpers.js';

function pod(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

function defaulted(object: KubeObject): KubeObject {
  defaultObject(POD, object);
  return object;
}

describe('Pod defaults', () => {
  it('fills what kube-apiserver and its admission plugins fill', () => {
    const p = defaulted(pod({ containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }));
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
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
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('keeps what the user set and is idempotent', () => {
    const p = pod({
      restartPolicy: 'Never',
      serviceAccountName: 'builder',
      containers: [{ name: 'job', image: 'busybox', imagePullPolicy: 'Never' }],
    });
    defaulted(p);
    const once = structuredClone(p);
    defaulted(p);
    expect(p).toEqual(once);
    expect(p.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'builder', serviceAccount: 'builder' });
    expect((p.spec as { containers: Array<{ imagePullPolicy: string }> }).containers[0]?.imagePullPolicy).toBe('Never');
  });

  it('defaults probes, requests from limits, volume modes and the QoS class', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'app:v1',
            readinessProbe: { httpGet: { port: 8080 } },
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      }),
    );
    const spec = p.spec as { containers: Array<Record<string, unknown>>; volumes: Array<Record<string, unknown>> };
    expect(spec.containers[0]?.readinessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(spec.containers[0]?.resources).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
      requests: { cpu: '500m', memory: '128Mi' },
    });
    expect(spec.volumes[0]).toEqual({ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } });
    expect((p.status as { qosClass: string }).qosClass).toBe('Guaranteed');
  });

  it.each([
    { image: 'nginx', want: 'Always' },
    { image: 'nginx:latest', want: 'Always' },
    { image: 'nginx:1.27', want: 'IfNotPresent' },
    { image: 'registry.local:5000/team/app', want: 'Always' },
    { image: 'registry.local:5000/team/app:v2', want: 'IfNotPresent' },
    { image: 'nginx@sha256:0123abcd', want: 'IfNotPresent' },
  ])('imagePullPolicy for $image is $want', ({ image, want }) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });
});

describe('Pod validation', () => {
  const cases: Array<{ name: string; spec: Record<string, unknown>; podName?: string; want: unknown[] }> = [
    { name: 'valid pod', spec: { containers: [{ name: 'c', image: 'nginx' }] }, want: [] },
    {
      name: 'no containers',
      spec: { containers: [] },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    },
    {
      name: 'missing image',
      spec: { containers: [{ name: 'c' }] },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
    },
    {
      name: 'missing container name',
      spec: { containers: [{ image: 'nginx' }] },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].name' }],
    },
    {
      name: 'duplicate container names across init and app containers',
      spec: { initContainers: [{ name: 'c', image: 'busybox' }], containers: [{ name: 'c', image: 'nginx' }] },
      want: [{ reason: 'FieldValueDuplicate', message: 'Duplicate value: "c"', field: 'spec.containers[0].name' }],
    },
    {
      name: 'port out of range and bad protocol',
      spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 70000, protocol: 'tcp' }] }] },
      want: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive', field: 'spec.containers[0].ports[0].containerPort' },
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"', field: 'spec.containers[0].ports[0].protocol' },
      ],
    },
    {
      name: 'duplicate port names',
      spec: {
        containers: [
          { name: 'a', image: 'x', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] },
          { name: 'b', image: 'y', ports: [{ name: 'http', containerPort: 81, protocol: 'TCP' }] },
        ],
      },
      want: [{ reason: 'FieldValueDuplicate', message: 'Duplicate value: "http"', field: 'spec.containers[1].ports[0].name' }],
    },
    {
      name: 'mount of an undeclared volume',
      spec: { containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
      want: [{ reason: 'FieldValueNotFound', message: 'Not found: "data"', field: 'spec.containers[0].volumeMounts[0].name' }],
    },
    {
      name: 'bad restart policy',
      spec: { restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'x' }] },
      want: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"', field: 'spec.restartPolicy' },
      ],
    },
    {
      name: 'invalid pod name',
      podName: 'Foo_Bar',
      spec: { containers: [{ name: 'c', image: 'x' }] },
      want: [
        {
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"Foo_Bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          field: 'metadata.name',
        },
      ],
    },
  ];

  it.each(cases)('$name', ({ spec, podName, want }) => {
    const p = defaulted(pod(spec, podName));
    expect(validateObject(POD, p)).toEqual(want);
  });

  it('allows image updates and the first binding, forbids other spec changes', () => {
    const old = defaulted(pod({ containers: [{ name: 'c', image: 'nginx:1' }] }));
    const newImage = structuredClone(old);
    (newImage.spec as { containers: Array<{ image: string }> }).containers[0]!.image = 'nginx:2';
    expect(validateObject(POD, newImage, old)).toEqual([]);

    const bound = structuredClone(old);
    (bound.spec as Record<string, unknown>).nodeName = 'node-1';
    expect(validateObject(POD, bound, old)).toEqual([]);

    const changed = structuredClone(old);
    (changed.spec as Record<string, unknown>).restartPolicy = 'Never';
    expect(validateObject(POD, changed, old)).toEqual([
      expect.objectContaining({
        reason: 'FieldValueForbidden',
        field: 'spec',
        message: expect.stringMatching(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/),
      }),
    ]);
  });
});
