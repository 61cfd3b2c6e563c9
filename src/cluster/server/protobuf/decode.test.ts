/**
 * The protobuf decoder: bodies built here with a tiny encoder (field numbers from k8s.io/api's
 * generated.proto), and bodies captured from kubectl 1.32's typed create commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../lib/clock.js';
import { ApiError } from '../../store/errors.js';
import { createStore } from '../../store/index.js';
import { startApiServer, type ApiServer } from '../index.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './index.js';

// --- a tiny protobuf encoder -----------------------------------------------------------------

type Bytes = number[];

function varint(n: bigint | number): Bytes {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const int = (field: number, n: number): Bytes => [...varint(field << 3), ...varint(n)];
const bytes = (field: number, data: Bytes | Uint8Array): Bytes => [...varint((field << 3) | 2), ...varint(data.length), ...data];
const str = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, ...parts: Bytes[]): Bytes => bytes(field, parts.flat());
const entry = (field: number, key: string, value: string): Bytes => msg(field, str(1, key), str(2, value));

/** The "k8s\0" + runtime.Unknown envelope around a kind's message. */
function envelope(apiVersion: string, kind: string, raw: Bytes, contentEncoding = ''): Buffer {
  return Buffer.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...bytes(2, raw), ...str(3, contentEncoding), ...str(4, '')]);
}

/** ObjectMeta as Go writes it: every non-pointer field, zero or not. */
const meta = (field: number, name: string, ...extra: Bytes[]): Bytes =>
  msg(field, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8), ...extra);

const intOrString = (field: number, v: number | string): Bytes =>
  typeof v === 'number' ? msg(field, int(1, 0), int(2, v), str(3, '')) : msg(field, int(1, 1), int(2, 0), str(3, v));

function decodeError(body: Buffer): ApiError {
  try {
    decodeProtobufObject(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the body to be refused');
}

// --- tests -------------------------------------------------------------------------------------

describe('decodeProtobufObject', () => {
  it('decodes a Deployment into its JSON form: pointers keep zeros, other zero scalars are omitted', () => {
    const container = [
      str(1, 'web'),
      str(2, 'nginx:1.25'),
      str(3, 'nginx'),
      str(4, '-g'),
      str(4, 'daemon off;'),
      str(5, ''),
      msg(6, str(1, 'http'), int(2, 0), int(3, 8080), str(4, 'TCP'), str(5, '')),
      msg(7, str(1, 'MODE'), str(2, 'prod')),
      msg(7, str(1, 'POD_NAME'), str(2, ''), msg(3, msg(1, str(1, 'v1'), str(2, 'metadata.name')))),
      msg(8, msg(1, str(1, 'cpu'), msg(2, str(1, '500m'))), msg(2, str(1, 'memory'), msg(2, str(1, '64Mi')))),
      msg(9, str(1, 'config'), int(2, 1), str(3, '/etc/web'), str(4, ''), str(6, '')),
      // readinessProbe: the ProbeHandler is inlined (json ",inline").
      msg(11, msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'), str(3, ''), str(4, 'HTTP'))), int(2, 0), int(3, 1), int(4, 5), int(5, 1), int(6, 3)),
      int(16, 0),
      int(18, 0),
    ];
    const podSpec = [
      // A Volume's VolumeSource and a ConfigMapVolumeSource's LocalObjectReference are inlined.
      msg(1, str(1, 'config'), msg(2, msg(19, msg(1, str(1, 'web-config')), int(3, 0o644)))),
      msg(2, ...container),
      str(3, 'Always'),
      int(4, 0),
      str(6, ''),
      int(11, 0),
    ];
    const spec = [
      int(1, 0),
      msg(2, entry(1, 'app', 'web')),
      msg(3, meta(1, '', entry(11, 'app', 'web')), msg(2, ...podSpec)),
      msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, '25%'), intOrString(2, 0))),
      int(5, 0),
      int(7, 0),
    ];
    const created = 1767225600; // 2026-01-01T00:00:00Z
    const metadata = meta(1, 'web', entry(11, 'app', 'web'), entry(12, 'note', ''), str(14, 'example.com/keep'), msg(9, int(1, created), int(2, 0)));
    const raw = [...metadata, ...msg(2, ...spec), ...msg(3, int(1, 0), int(2, 0))];

    expect(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, annotations: { note: '' }, finalizers: ['example.com/keep'], deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            volumes: [{ name: 'config', configMap: { name: 'web-config', defaultMode: 0o644 } }],
            containers: [
              {
                name: 'web',
                image: 'nginx:1.25',
                command: ['nginx'],
                args: ['-g', 'daemon off;'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                env: [{ name: 'MODE', value: 'prod' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
                resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
                volumeMounts: [{ name: 'config', readOnly: true, mountPath: '/etc/web' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 0,
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } },
      },
      status: {},
    });
  });

  it('decodes Secret data (map<string, bytes>) to base64 and negative int64s to negative numbers', () => {
    const raw = [...meta(1, 'creds'), ...msg(2, str(1, 'key'), bytes(2, [0, 1, 2, 255])), ...str(3, 'Opaque')];
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { key: 'AAEC/w==' },
      type: 'Opaque',
    });
    const pod = [...meta(1, 'p'), ...msg(2, msg(2, str(1, 'c'), str(2, 'busybox')), int(5, -1))];
    expect(decodeProtobufObject(envelope('v1', 'Pod', pod))['spec']).toEqual({ containers: [{ name: 'c', image: 'busybox' }], activeDeadlineSeconds: -1 });
  });

  it('skips unknown fields that carry only zero values (fields newer clients always write)', () => {
    const raw = [...meta(1, 'cm', str(99, ''), int(98, 0), msg(97, str(1, ''), int(2, 0))), ...msg(2, str(1, 'k'), str(2, 'v'))];
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'v' } });
  });

  it('refuses an unknown field with data rather than dropping it (415 naming message and path)', () => {
    const raw = [...meta(1, 'p'), ...msg(2, msg(2, str(1, 'c'), str(2, 'busybox')), msg(18, str(1, 'affinity')))];
    const err = decodeError(envelope('v1', 'Pod', raw));
    expect(err.status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect(err.status.message).toContain('field 18 of PodSpec at spec is not decoded by the embedded cluster');
  });

  it('refuses kinds it has no schema for, and compressed bodies, with 415', () => {
    expect(decodeError(envelope('rbac.authorization.k8s.io/v1', 'Role', meta(1, 'r'))).status.message).toMatch(
      /^protobuf Role in rbac.authorization.k8s.io\/v1 is not supported; the embedded cluster decodes protobuf for v1\/Namespace, .* send other objects as JSON or YAML/,
    );
    expect(decodeError(envelope('v1', 'ConfigMap', meta(1, 'cm'), 'gzip')).status).toMatchObject({ code: 415 });
  });

  it('answers 400 for bytes that are not a Kubernetes protobuf message', () => {
    expect(decodeError(Buffer.from('{"kind":"ConfigMap"}')).status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    });
    const truncated = envelope('v1', 'ConfigMap', meta(1, 'cm')).subarray(0, 30);
    expect(decodeError(truncated).status).toMatchObject({ code: 400, message: expect.stringMatching(/^error decoding protobuf: unexpected end of data/) });
    const wrongWire = envelope('v1', 'ConfigMap', [...int(1, 5)]);
    expect(decodeError(wrongWire).status.message).toBe('error decoding protobuf: metadata: expected a length-delimited value, got wire type 0');
  });
});

/** Request bodies captured from `kubectl create …` (kubectl 1.32) and the JSON form kubectl would send instead. */
const CAPTURED: { command: string; body: string; json: Record<string, unknown> }[] = [
  {
    command: 'kubectl create namespace shop',
    body: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhwKFAoEc2hvcBIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==',
    json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, spec: {}, status: {} },
  },
  {
    command: 'kubectl create configmap settings --from-literal=color=blue --from-literal=size=10',
    body: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEjUKGAoIc2V0dGluZ3MSABoAIgAqADIAOABCABINCgVjb2xvchIEYmx1ZRIKCgRzaXplEgIxMBoAIgA=',
    json: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { color: 'blue', size: '10' } },
  },
  {
    command: 'kubectl create secret generic creds --from-literal=user=admin',
    body: 'azhzAAoMCgJ2MRIGU2VjcmV0EigKFQoFY3JlZHMSABoAIgAqADIAOABCABINCgR1c2VyEgVhZG1pbhoAGgAiAA==',
    json: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { user: 'YWRtaW4=' } },
  },
  {
    command: 'kubectl create deployment web --image=nginx:1.25 --replicas=2 --port=80',
    body:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50Er0BCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViEosBCAISDAoKCgNhcHASA3dlYhpxChwKABIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViElESMwoFbmdpbngSCm5naW54OjEuMjUqADIKCgAQABhQIgAqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==',
    json: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    command: 'kubectl create job once --image=busybox -- echo hi',
    body:
      'azhzAAoPCghiYXRjaC92MRIDSm9iEogBChQKBG9uY2USABoAIgAqADIAOABCABJmMmQKEAoAEgAaACIAKgAyADgAQgASUBItCgRvbmNlEgdidXN5Ym94GgRlY2hvGgJoaSoAQgBqAHIAgAEAiAEAkAEAogEAGgVOZXZlcjIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAGgggACgAMAA6ABoAIgA=',
    json: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { metadata: {}, spec: { containers: [{ name: 'once', image: 'busybox', command: ['echo', 'hi'], resources: {} }], restartPolicy: 'Never' } } },
      status: {},
    },
  },
  {
    command: 'kubectl create service clusterip api --tcp=80:8080',
    body: 'azhzAAoNCgJ2MRIHU2VydmljZRJpCh8KA2FwaRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDYXBpEkIKGwoHODAtODA4MBIDVENQGFAiBwgAEJA/GgAoABIKCgNhcHASA2FwaRoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
    json: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', labels: { app: 'api' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'api' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    },
  },
];

describe('bodies captured from kubectl', () => {
  it.each(CAPTURED)('$command decodes to the JSON kubectl would send', ({ body, json }) => {
    expect(decodeProtobufObject(Buffer.from(body, 'base64'))).toEqual(json);
  });
});

describe('the API server with protobuf request bodies', () => {
  let server: ApiServer;
  const post = (path: string, body: Uint8Array) =>
    fetch(server.url + path, {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': PROTOBUF_MEDIA_TYPE, Accept: `${PROTOBUF_MEDIA_TYPE},application/json` },
      body,
    });

  beforeAll(async () => {
    const store = createStore({ clock: systemClock });
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    server = await startApiServer({ store, token: 't', tls: false });
  });
  afterAll(() => server?.close());

  it('creates the object and answers in JSON (kubectl accepts it: application/json is in its Accept)', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps', Buffer.from(CAPTURED[1]!.body, 'base64'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default', uid: expect.any(String) }, data: { color: 'blue', size: '10' } });
  });

  it('checks the decoded kind against the URL like a JSON body', async () => {
    const res = await post('/apis/apps/v1/namespaces/default/deployments', Buffer.from(CAPTURED[1]!.body, 'base64'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining('the API version in the data (v1) does not match the expected API version (apps/v1)') });
  });

  it('answers 400 for an empty protobuf body', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps', new Uint8Array());
    expect(res.status).toBe(400);
  });
});
