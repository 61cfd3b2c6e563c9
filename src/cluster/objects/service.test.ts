import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { defaultObject, validateObject } from './index.js';
import { SERVICE } from './test-helpers.js';

function service(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function defaulted(object: KubeObject): KubeObject {
  defaultObject(SERVICE, object);
  return object;
}

describe('Service defaults', () => {
  it.each([
    {
      name: 'ClusterIP',
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      want: {
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        type: 'ClusterIP',
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
    },
    {
      name: 'NodePort keeps a named targetPort and gets externalTrafficPolicy',
      spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }] },
      want: {
        type: 'NodePort',
        ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }],
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        externalTrafficPolicy: 'Cluster',
      },
    },
    {
      name: 'LoadBalancer allocates node ports by default',
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
      want: expectLike({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true }),
    },
    {
      name: 'ExternalName gets no IP families',
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
      want: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
    },
  ])('$name', ({ spec, want }) => {
    const s = defaulted(service(spec));
    expect(s.spec).toEqual(want);
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it('does not allocate a cluster IP or node ports (admission does)', () => {
    const s = defaulted(service({ type: 'NodePort', ports: [{ port: 80 }] }));
    expect(s.spec).not.toHaveProperty('clusterIP');
    expect((s.spec as { ports: object[] }).ports[0]).not.toHaveProperty('nodePort');
  });
});

function expectLike(fields: Record<string, unknown>): unknown {
  return expect.objectContaining(fields);
}

describe('Service validation', () => {
  const cases: Array<{ name: string; spec: Record<string, unknown>; serviceName?: string; want: unknown[] }> = [
    { name: 'valid', spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }, want: [] },
    { name: 'headless without ports', spec: { clusterIP: 'None', selector: { app: 'db' } }, want: [] },
    {
      name: 'ports required',
      spec: { selector: { app: 'web' } },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }],
    },
    {
      name: 'bad type',
      spec: { type: 'Foo', ports: [{ port: 80 }] },
      want: [
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
          field: 'spec.type',
        },
      ],
    },
    {
      name: 'names required and unique with several ports',
      spec: { ports: [{ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 82 }] },
      want: [
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].name' },
        { reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"', field: 'spec.ports[2].name' },
      ],
    },
    {
      name: 'port range and protocol',
      spec: { ports: [{ port: 0, protocol: 'HTTP' }] },
      want: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', field: 'spec.ports[0].port' },
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"', field: 'spec.ports[0].protocol' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', field: 'spec.ports[0].targetPort' },
      ],
    },
    {
      name: 'ExternalName needs externalName',
      spec: { type: 'ExternalName' },
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.externalName' }],
    },
    {
      name: 'node port outside the range',
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] },
      want: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
          field: 'spec.ports[0].nodePort',
        },
      ],
    },
    {
      name: 'node port on a ClusterIP service',
      spec: { ports: [{ port: 80, nodePort: 30080 }] },
      want: [{ reason: 'FieldValueForbidden', message: "Forbidden: may not be used when `type` is 'ClusterIP'", field: 'spec.ports[0].nodePort' }],
    },
    {
      name: 'Service names are DNS-1035 labels',
      serviceName: '1web',
      spec: { ports: [{ port: 80 }] },
      want: [
        {
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
          field: 'metadata.name',
        },
      ],
    },
  ];

  it.each(cases)('$name', ({ spec, serviceName, want }) => {
    expect(validateObject(SERVICE, defaulted(service(spec, serviceName)))).toEqual(want);
  });

  it('keeps the allocated cluster IP on update', () => {
    const old = defaulted(service({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] }));
    const changed = structuredClone(old);
    (changed.spec as Record<string, unknown>).clusterIP = '10.96.0.11';
    expect(validateObject(SERVICE, changed, old)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "10.96.0.11": field is immutable', field: 'spec.clusterIPs[0]' },
    ]);
  });
});
