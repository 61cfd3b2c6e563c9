import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { computeSubsets, createEndpointsController, findPort, truncateSubsets } from './endpoints.js';
import type { Controller } from './runtime.js';
import { controllerHarness } from './test-support.js';

const harness = (controllers: Controller[]) => controllerHarness(controllers);


function pod(name: string, ip: string, o: { ready?: boolean; terminating?: boolean; port?: number; node?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'node-1', containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function service(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  };
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

describe('findPort', () => {
  const p = pod('a', '10.0.0.1');
  const cases = [
    { name: 'numeric targetPort', port: { port: 80, targetPort: 9000 }, want: 9000 },
    { name: 'named targetPort', port: { port: 80, targetPort: 'http', protocol: 'TCP' }, want: 8080 },
    { name: 'named targetPort, protocol mismatch', port: { port: 80, targetPort: 'http', protocol: 'UDP' }, want: undefined },
    { name: 'missing name', port: { port: 80, targetPort: 'grpc' }, want: undefined },
    { name: 'no targetPort → port', port: { port: 80 }, want: 80 },
  ];
  it.each(cases)('$name', ({ port, want }) => expect(findPort(p, port)).toBe(want));
});

describe('computeSubsets', () => {
  it('splits ready and not-ready addresses and repacks by port', () => {
    const subsets = computeSubsets(service(), [
      pod('a', '10.0.0.2'),
      pod('b', '10.0.0.1', { ready: false }),
      pod('c', '10.0.0.3', { port: 9090 }),
      pod('d', '10.0.0.4', { terminating: true }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [{ ip: '10.0.0.2', nodeName: 'node-1', targetRef: ref('a') }],
        notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: ref('b') }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
      {
        addresses: [{ ip: '10.0.0.3', nodeName: 'node-1', targetRef: ref('c') }],
        ports: [{ name: 'http', port: 9090, protocol: 'TCP' }],
      },
    ]);
  });

  it('publishes not-ready and terminating pods as ready with publishNotReadyAddresses', () => {
    const subsets = computeSubsets(service({ publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false }), pod('b', '10.0.0.2', { terminating: true })]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'node-1', targetRef: ref('a') },
          { ip: '10.0.0.2', nodeName: 'node-1', targetRef: ref('b') },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('truncates beyond 1000 addresses keeping ready ones first', () => {
    const many = { addresses: Array.from({ length: 900 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}` })), notReadyAddresses: Array.from({ length: 200 }, (_, i) => ({ ip: `10.1.0.${i}` })) };
    const { subsets, truncated } = truncateSubsets([many]);
    expect(truncated).toBe(true);
    expect((subsets[0]?.addresses as unknown[]).length).toBe(900);
    expect((subsets[0]?.notReadyAddresses as unknown[]).length).toBe(100);
  });
});

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('endpoints controller', () => {
  it('creates an Endpoints without subsets, fills it, and deletes it with the Service', async () => {
    const h = harness([createEndpointsController()]);
    stop = h.stop;
    h.store.create('services', 'default', service({ clusterIP: 'None' }));
    await h.settle();
    let ep = h.store.get('endpoints', 'default', 'web');
    expect(ep.subsets).toBeUndefined();
    expect(ep.metadata.labels).toEqual({ app: 'web', 'service.kubernetes.io/headless': '' });
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2026-01-01T00:00:00Z');

    const p = pod('a', '10.244.1.5');
    delete p.metadata.uid;
    const status = p.status;
    h.store.create('pods', 'default', p);
    h.store.mutate('pods', 'default', 'a', (copy) => ({ ...copy, status }), { subresource: 'status' });
    await h.settle();
    ep = h.store.get('endpoints', 'default', 'web');
    const uid = h.store.get('pods', 'default', 'a').metadata.uid;
    expect(ep.subsets).toEqual([
      { addresses: [{ ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    ]);

    const rv = ep.metadata.resourceVersion;
    h.store.mutate('pods', 'default', 'a', (copy) => ({ ...copy, metadata: { ...copy.metadata, annotations: { x: 'y' } } }));
    await h.settle();
    expect(h.store.get('endpoints', 'default', 'web').metadata.resourceVersion).toBe(rv);

    h.store.delete('services', 'default', 'web');
    await h.settle();
    expect(h.store.tryGet('endpoints', 'default', 'web')).toBeUndefined();
  });

  it('leaves selector-less Services to their owners', async () => {
    const h = harness([createEndpointsController()]);
    stop = h.stop;
    h.store.create('services', 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
    await h.settle();
    expect(h.store.tryGet('endpoints', 'default', 'manual')).toBeUndefined();
  });
});
