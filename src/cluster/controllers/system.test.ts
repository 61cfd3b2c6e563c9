import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import type { ControllerContext } from './runtime.js';
import { createServiceAllocator } from './service-allocator.js';
import { createSystemBootstrap } from './system.js';

function setup(): { store: Store; ctx: ControllerContext } {
  const store: Store = createStore({ clock: new ManualClock(), admission: [createServiceAllocator(() => store)] });
  const ctx: ControllerContext = { store, clock: new ManualClock(), speed: 1, duration: (ms) => ms, events: { record() {} }, log: () => {} };
  return { store, ctx };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('system bootstrap', () => {
  it('creates what a fresh cluster holds', async () => {
    const { store, ctx } = setup();
    const bootstrap = createSystemBootstrap();
    stop = () => bootstrap.stop();
    bootstrap.start(ctx);
    await settle();
    expect(store.list('namespaces').items.map((n) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const kubernetes = store.get('services', 'default', 'kubernetes');
    expect(kubernetes.spec).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }] });
    expect((kubernetes.spec as Record<string, unknown>).selector).toBeUndefined();
    expect(store.get('endpoints', 'default', 'kubernetes').subsets).toEqual([
      { addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
    expect(store.get('endpointslices.discovery.k8s.io', 'default', 'kubernetes')).toMatchObject({
      addressType: 'IPv4',
      endpoints: [{ addresses: ['172.18.0.2'], conditions: { ready: true } }],
    });
    const dns = store.get('services', 'kube-system', 'kube-dns');
    expect(dns.spec).toMatchObject({ clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' } });
    expect(dns.metadata.labels).toEqual({ 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' });
    const coredns = store.get('deployments.apps', 'kube-system', 'coredns');
    expect(coredns.spec).toMatchObject({ replicas: 2, template: { spec: { containers: [{ image: 'registry.k8s.io/coredns/coredns:v1.11.3' }] } } });
    const proxy = store.get('daemonsets.apps', 'kube-system', 'kube-proxy');
    expect(proxy.spec).toMatchObject({ template: { spec: { hostNetwork: true, containers: [{ image: 'registry.k8s.io/kube-proxy:v1.32.0' }] } } });
    expect(store.tryGet('configmaps', 'kube-system', 'coredns')).toBeDefined();
    expect(store.tryGet('configmaps', 'kube-system', 'kube-proxy')).toBeDefined();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(store.tryGet('serviceaccounts', ns, 'default')).toBeDefined();
  });

  it('is idempotent and gives later namespaces their default ServiceAccount', async () => {
    const { store, ctx } = setup();
    const first = createSystemBootstrap();
    first.start(ctx);
    await settle();
    first.stop();
    store.mutate('deployments.apps', 'kube-system', 'coredns', (copy) => ({ ...copy, spec: { ...(copy.spec as object), replicas: 5 } }));
    const rv = store.currentResourceVersion();
    const second = createSystemBootstrap();
    stop = () => second.stop();
    second.start(ctx);
    await settle();
    expect(store.currentResourceVersion()).toBe(rv);
    expect((store.get('deployments.apps', 'kube-system', 'coredns').spec as { replicas: number }).replicas).toBe(5);
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    await settle();
    expect(store.tryGet('serviceaccounts', 'demo', 'default')).toBeDefined();
  });
});

describe('a whole embedded cluster (with the nodes, scheduler, kubelet and GC controllers)', () => {
  it('brings CoreDNS and kube-proxy up, then rolls a Deployment behind a Service', async () => {
    const { createNodesController } = await import('./nodes.js');
    const { createSchedulerController } = await import('./scheduler.js');
    const { createKubeletController } = await import('./kubelet.js');
    const { createGarbageCollector } = await import('./garbage-collector.js');
    const { createEventRecorder } = await import('./events.js');
    const { createReplicaSetController } = await import('./replicaset.js');
    const { createDeploymentController } = await import('./deployment.js');
    const { createDaemonSetController } = await import('./daemonset.js');
    const { createEndpointsController } = await import('./endpoints.js');
    const { createEndpointSliceController } = await import('./endpointslice.js');
    const { createLoadBalancerController } = await import('./loadbalancer.js');

    const clock = new ManualClock();
    const store: Store = createStore({ clock, admission: [createServiceAllocator(() => store)] });
    const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
    const controllers = [
      createSystemBootstrap(),
      createNodesController({ count: 3 }),
      createSchedulerController(),
      createKubeletController(),
      createGarbageCollector(),
      createReplicaSetController(),
      createDeploymentController(),
      createDaemonSetController(),
      createEndpointsController(),
      createEndpointSliceController(),
      createLoadBalancerController(),
    ];
    stop = () => controllers.forEach((c) => c.stop());
    for (const c of controllers) c.start(ctx);
    const run = async (ms: number) => {
      for (let t = 0; t < ms; t += 500) {
        await settle();
        clock.advance(500);
      }
      await settle();
    };
    await run(30_000);

    expect(store.get('deployments.apps', 'kube-system', 'coredns').status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(store.get('daemonsets.apps', 'kube-system', 'kube-proxy').status).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3 });
    const dnsSlices = store.list('endpointslices.discovery.k8s.io', { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' }).items;
    expect(dnsSlices).toHaveLength(1);
    expect((dnsSlices[0]?.endpoints as Array<{ conditions: { ready: boolean } }>).map((e) => e.conditions.ready)).toEqual([true, true]);
    expect((dnsSlices[0]?.ports as Array<{ name: string }>).map((p) => p.name).sort()).toEqual(['dns', 'dns-tcp', 'metrics']);

    store.create('deployments.apps', 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] }] } },
      },
    });
    store.create('services', 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await run(30_000);
    const ep = store.get('endpoints', 'default', 'web');
    expect(((ep.subsets as Array<{ addresses: unknown[] }>)[0]?.addresses ?? []).length).toBe(3);
    expect((store.get('services', 'default', 'web').status as { loadBalancer: unknown }).loadBalancer).toEqual({ ingress: [{ ip: '203.0.113.1', ipMode: 'VIP' }] });

    store.mutate('deployments.apps', 'default', 'web', (copy) => {
      const c = (copy.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0];
      if (c) c.image = 'nginx:1.28';
      return copy;
    });
    await run(60_000);
    const d = store.get('deployments.apps', 'default', 'web');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: d.metadata.generation });
    const pods = store.list('pods', { namespace: 'default' }).items;
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => JSON.stringify(p.spec).includes('nginx:1.28'))).toBe(true);
    const slices = store.list('endpointslices.discovery.k8s.io', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' }).items;
    expect(slices.flatMap((sl) => sl.endpoints as unknown[])).toHaveLength(3);
    const reasons = store.list('events', { namespace: 'default' }).items.map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['ScalingReplicaSet', 'SuccessfulCreate', 'SuccessfulDelete', 'EnsuredLoadBalancer', 'Scheduled', 'Started']));
  });
});
