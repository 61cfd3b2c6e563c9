import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';
import { defaultObject, validateObject } from './index.js';
import { CONFIGMAP, ENDPOINTS, ENDPOINTSLICE, NAMESPACE, POD, SECRET, WIDGET } from './test-helpers.js';

function obj(fields: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x', namespace: 'default' }): KubeObject {
  return { metadata, ...fields };
}

function defaulted(resource: ResourceType, object: KubeObject): KubeObject {
  defaultObject(resource, object);
  return object;
}

describe('defaults of the smaller kinds', () => {
  it('Namespace: phase Active and the metadata.name label', () => {
    const ns = defaulted(NAMESPACE, obj({}, { name: 'team-a' }));
    expect(ns).toEqual({
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      status: { phase: 'Active' },
    });
  });

  it('Secret: type Opaque, stringData folded into base64 data', () => {
    const secret = defaulted(SECRET, obj({ data: { a: 'b2xk' }, stringData: { a: 'new', b: 'pw' } }));
    expect(secret).toEqual(obj({ type: 'Opaque', data: { a: 'bmV3', b: 'cHc=' } }));
  });

  it('EndpointSlice: port name and protocol, endpoint conditions as given', () => {
    const slice = defaulted(
      ENDPOINTSLICE,
      obj({ addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: false } }] }),
    );
    expect(slice).toEqual(
      obj({ addressType: 'IPv4', ports: [{ port: 80, name: '', protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: false } }] }),
    );
  });

  it('Endpoints: subset port protocol', () => {
    const endpoints = defaulted(ENDPOINTS, obj({ subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }));
    expect(endpoints.subsets).toEqual([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  });

  it('custom resources are left alone', () => {
    const widget = obj({ spec: { size: 1 } });
    defaultObject(WIDGET, widget);
    expect(widget).toEqual(obj({ spec: { size: 1 } }));
  });
});

describe('metadata and small-kind validation', () => {
  const cases: Array<{ name: string; resource: ResourceType; object: KubeObject; previous?: KubeObject; want: unknown[] }> = [
    {
      name: 'name or generateName required',
      resource: WIDGET,
      object: obj({}, { namespace: 'default' }),
      want: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }],
    },
    {
      name: 'generateName may end with a dash',
      resource: WIDGET,
      object: obj({}, { name: 'web-abcde', generateName: 'web-', namespace: 'default' }),
      want: [],
    },
    {
      name: 'namespace required for namespaced kinds',
      resource: WIDGET,
      object: obj({}, { name: 'w' }),
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' }],
    },
    {
      name: 'cluster-scoped kinds take no namespace',
      resource: NAMESPACE,
      object: obj({}, { name: 'team-a', namespace: 'default' }),
      want: [{ reason: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type', field: 'metadata.namespace' }],
    },
    {
      name: 'Namespace names are DNS-1123 labels',
      resource: NAMESPACE,
      object: obj({}, { name: 'team.a' }),
      want: [
        {
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"team.a\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
          field: 'metadata.name',
        },
      ],
    },
    {
      name: 'label keys and values',
      resource: WIDGET,
      object: obj({}, { name: 'w', namespace: 'default', labels: { 'app.kubernetes.io/name': 'ok', 'bad key': 'v', app: 'x'.repeat(64) } }),
      want: [
        expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: expect.stringMatching(/^Invalid value: "bad key": name part must consist of/) }),
        expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters` }),
      ],
    },
    {
      name: 'name is immutable',
      resource: POD,
      object: obj({ spec: { containers: [{ name: 'c', image: 'i' }] } }, { name: 'b', namespace: 'default' }),
      previous: obj({ spec: { containers: [{ name: 'c', image: 'i' }] } }, { name: 'a', namespace: 'default' }),
      want: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "b": field is immutable', field: 'metadata.name' }],
    },
    {
      name: 'ConfigMap keys',
      resource: CONFIGMAP,
      object: obj({ data: { 'good.key': '1', 'bad key': '2' } }),
      want: [
        {
          reason: 'FieldValueInvalid',
          message:
            "Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          field: 'data[bad key]',
        },
      ],
    },
    {
      name: 'ConfigMap key in data and binaryData',
      resource: CONFIGMAP,
      object: obj({ data: { a: '1' }, binaryData: { a: 'MQ==' } }),
      want: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "a": duplicate of key present in binaryData', field: 'data[a]' }],
    },
    {
      name: 'immutable ConfigMap data',
      resource: CONFIGMAP,
      object: obj({ immutable: true, data: { a: '2' } }),
      previous: obj({ immutable: true, data: { a: '1' } }),
      want: [{ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' }],
    },
    {
      name: 'TLS Secret needs its keys',
      resource: SECRET,
      object: obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }),
      want: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'data[tls.key]' }],
    },
    {
      name: 'Secret type is immutable',
      resource: SECRET,
      object: obj({ type: 'kubernetes.io/basic-auth' }),
      previous: obj({ type: 'Opaque' }),
      want: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "kubernetes.io/basic-auth": field is immutable', field: 'type' }],
    },
    {
      name: 'EndpointSlice addressType',
      resource: ENDPOINTSLICE,
      object: obj({ addressType: 'IPv5', endpoints: [{ addresses: [] }] }),
      want: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"', field: 'addressType' },
        { reason: 'FieldValueRequired', message: 'Required value: must contain at least 1 address', field: 'endpoints[0].addresses' },
      ],
    },
    {
      name: 'custom resources: metadata only, names are DNS subdomains',
      resource: WIDGET,
      object: obj({ spec: { anything: ['goes'] } }, { name: 'My.Widget', namespace: 'default' }),
      want: [expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name', message: expect.stringContaining('RFC 1123 subdomain') })],
    },
  ];

  it.each(cases)('$name', ({ resource, object, previous, want }) => {
    expect(validateObject(resource, object, previous)).toEqual(want);
  });
});
