import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';
import { createEndpointSliceController, desiredEndpoints, planSlices } from './endpointslice.js';
import type { Controller } from './runtime.js';
import { controllerHarness } from './test-support.js';

const harness = (controllers: Controller[]) =>
  controllerHarness(controllers, {
    seed: (store) => {
      for (const n of [1, 2]) {
        store.create('nodes', undefined, {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: `node-${n}`, labels: { 'topology.kubernetes.io/zone': `zone-${n}` } },
        });
      }
    },
  });

interface PodOpts {
  ip?: string;
  ready?: boolean;
  terminating?: boolean;
  phase?: string;
  node?: string;
  ports?: Array<{ name: string; containerPort: number; protocol?: string }>;
  labels?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? { app: 'web' },
      ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: o.node ?? 'node-1',
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ name: 'web', image: 'nginx', ports: o.ports ?? [{ name: 'http', containerPort: 8080 }] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === '' ? {} : { podIP: o.ip ?? '10.244.1.5' }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

function service(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-svc-${name}`, labels },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  };
}

const zones = new Map([
  ['node-1', 'zone-1'],
  ['node-2', 'zone-2'],
]);

describe('desiredEndpoints', () => {
  const cases: Array<{ name: string; svc?: Record<string, unknown>; pod: PodOpts; want: unknown }> = [
    { name: 'ready pod', pod: {}, want: { ready: true, serving: true, terminating: false } },
    { name: 'not ready pod', pod: { ready: false }, want: { ready: false, serving: false, terminating: false } },
    { name: 'terminating ready pod', pod: { terminating: true }, want: { ready: false, serving: true, terminating: true } },
    { name: 'terminating not-ready pod', pod: { terminating: true, ready: false }, want: { ready: false, serving: false, terminating: true } },
    { name: 'publishNotReadyAddresses, not ready', svc: { publishNotReadyAddresses: true }, pod: { ready: false }, want: { ready: true, serving: false, terminating: false } },
    { name: 'publishNotReadyAddresses, terminating', svc: { publishNotReadyAddresses: true }, pod: { terminating: true }, want: { ready: true, serving: true, terminating: true } },
    { name: 'no pod IP yet', pod: { ip: '' }, want: undefined },
    { name: 'failed pod', pod: { phase: 'Failed' }, want: undefined },
    { name: 'succeeded pod', pod: { phase: 'Succeeded' }, want: undefined },
    { name: 'pod on an unknown node', pod: { node: 'node-9' }, want: undefined },
  ];
  it.each(cases)('conditions: $name', ({ svc, pod: opts, want }) => {
    const { groups } = desiredEndpoints(service('web', svc), [pod('p', opts)], zones);
    const endpoints = [...groups.values()].flatMap((g) => g.endpoints);
    if (want === undefined) expect(endpoints).toEqual([]);
    else expect(endpoints[0]?.conditions).toEqual(want);
  });

  it('builds a full endpoint with nodeName, zone, hostname and targetRef', () => {
    const { groups } = desiredEndpoints(service('web'), [pod('p', { node: 'node-2', hostname: 'h0', subdomain: 'web' })], zones);
    expect([...groups.values()]).toEqual([
      {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['10.244.1.5'],
            conditions: { ready: true, serving: true, terminating: false },
            hostname: 'h0',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'uid-p' },
            nodeName: 'node-2',
            zone: 'zone-2',
          },
        ],
      },
    ]);
  });

  it('puts pods resolving a named port differently into different groups', () => {
    const { groups } = desiredEndpoints(
      service('web'),
      [pod('a', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('b', { ip: '10.244.1.6', ports: [{ name: 'http', containerPort: 9090 }] })],
      zones,
    );
    expect([...groups.values()].map((g) => g.ports)).toEqual([
      [{ name: 'http', port: 8080, protocol: 'TCP' }],
      [{ name: 'http', port: 9090, protocol: 'TCP' }],
    ]);
  });

  it('matches a named port by protocol too', () => {
    const svc = service('web', { ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] });
    const { groups } = desiredEndpoints(svc, [pod('a', { ports: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] })], zones);
    // The pod is still an endpoint, but with no port for this Service port.
    expect([...groups.values()].map((g) => g.ports)).toEqual([[]]);
  });
});

describe('planSlices', () => {
  const ep = (i: number) => ({ addresses: [`10.0.0.${i}`], conditions: { ready: true }, targetRef: { kind: 'Pod', uid: `u${i}` } });
  const ports = [{ name: 'http', port: 80, protocol: 'TCP' }];
  const group = (n: number) => new Map([[JSON.stringify(ports), { ports, endpoints: Array.from({ length: n }, (_, i) => ep(i + 1)) }]]);

  it('splits more than maxEndpointsPerSlice endpoints over several slices', () => {
    const plan = planSlices([], group(250), 100);
    expect(plan.create.map((w) => w.endpoints.length)).toEqual([100, 100, 50]);
  });

  it('writes nothing when the slice already holds the endpoints', () => {
    const slice: KubeObject = { metadata: { name: 's1' }, ports, endpoints: [ep(1), ep(2)] };
    expect(planSlices([slice], group(2), 100)).toEqual({ create: [], update: [], remove: [] });
  });

  it('adds new endpoints to the existing slice in place', () => {
    const slice: KubeObject = { metadata: { name: 's1' }, ports, endpoints: [ep(1)] };
    const plan = planSlices([slice], group(3), 100);
    expect(plan.create).toEqual([]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]?.existing).toBe(slice);
    expect(plan.update[0]?.endpoints).toHaveLength(3);
  });

  it('keeps one placeholder slice when nothing matches', () => {
    const plan = planSlices([], new Map(), 100);
    expect(plan.create).toEqual([{ ports: [], endpoints: [], changed: true }]);
    const placeholder: KubeObject = { metadata: { name: 'p' }, ports: [], endpoints: [] };
    expect(planSlices([placeholder], new Map(), 100)).toEqual({ create: [], update: [], remove: [] });
  });

  it('rewrites a slice instead of deleting one and creating another', () => {
    const slice: KubeObject = { metadata: { name: 's1' }, ports: [{ name: 'http', port: 81, protocol: 'TCP' }], endpoints: [ep(1)] };
    const plan = planSlices([slice], group(1), 100);
    expect(plan.create).toEqual([]);
    expect(plan.remove).toEqual([]);
    expect(plan.update[0]?.existing).toBe(slice);
    expect(plan.update[0]?.ports).toEqual(ports);
  });
});

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function slices(store: Store, svc: string): KubeObject[] {
  return store.list('endpointslices.discovery.k8s.io', { namespace: 'default', labelSelector: `kubernetes.io/service-name=${svc}` }).items;
}

function addPod(store: Store, name: string, opts: PodOpts = {}): void {
  const p = pod(name, opts);
  delete p.metadata.uid;
  const status = p.status;
  store.create('pods', 'default', p);
  store.mutate('pods', 'default', name, (copy) => ({ ...copy, status }), { subresource: 'status' });
}

describe('endpointslice controller', () => {
  it('keeps a placeholder slice for a Service without pods, then fills it in place', async () => {
    const h = harness([createEndpointSliceController()]);
    stop = h.stop;
    const svc = h.store.create('services', 'default', service('web', {}, { team: 'a' }));
    await h.settle();
    let [slice, ...rest] = slices(h.store, 'web');
    expect(rest).toEqual([]);
    expect(slice?.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice?.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice?.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(slice?.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2026-01-01T00:00:00Z');
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: [], ports: [] });
    const placeholderName = slice?.metadata.name;

    addPod(h.store, 'web-1', { node: 'node-1' });
    await h.settle();
    [slice, ...rest] = slices(h.store, 'web');
    expect(rest).toEqual([]);
    expect(slice?.metadata.name).toBe(placeholderName);
    expect(slice?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice?.endpoints).toEqual([
      expect.objectContaining({ addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'zone-1' }),
    ]);

    // Nothing changed → no write.
    const rv = slice?.metadata.resourceVersion;
    h.store.mutate('services', 'default', 'web', (copy) => ({ ...copy, metadata: { ...copy.metadata, annotations: { note: 'x' } } }));
    await h.settle();
    expect(slices(h.store, 'web')[0]?.metadata.resourceVersion).toBe(rv);
  });

  it('marks headless Services and follows readiness changes', async () => {
    const h = harness([createEndpointSliceController()]);
    stop = h.stop;
    h.store.create('services', 'default', service('db', { clusterIP: 'None' }));
    addPod(h.store, 'db-0', { ready: false });
    await h.settle();
    let [slice] = slices(h.store, 'db');
    expect(slice?.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
    expect((slice?.endpoints as Array<{ conditions: unknown }>)[0]?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    h.store.mutate('pods', 'default', 'db-0', (copy) => ({ ...copy, status: { ...(copy.status as object), conditions: [{ type: 'Ready', status: 'True' }] } }), {
      subresource: 'status',
    });
    await h.settle();
    [slice] = slices(h.store, 'db');
    expect((slice?.endpoints as Array<{ conditions: unknown }>)[0]?.conditions).toEqual({ ready: true, serving: true, terminating: false });
  });

  it('skips ExternalName and selector-less Services', async () => {
    const h = harness([createEndpointSliceController()]);
    stop = h.stop;
    h.store.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    h.store.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
    await h.settle();
    expect(slices(h.store, 'ext')).toEqual([]);
    expect(slices(h.store, 'manual')).toEqual([]);
  });
});
