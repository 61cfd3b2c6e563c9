import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';
import { createLoadBalancerController, LB_CLEANUP_FINALIZER } from './loadbalancer.js';
import type { Controller } from './runtime.js';
import { createServiceAllocator } from './service-allocator.js';
import { controllerHarness } from './test-support.js';

function harness(controllers: Controller[]) {
  const h = controllerHarness(controllers, { admission: (store) => [createServiceAllocator(store)] });
  // These tests compare events as one line each: `<object> <type> <reason> <message> (<component>)`.
  return {
    ...h,
    get events() {
      return h.events.map((e) => `${e.name} ${e.type} ${e.reason} ${e.message} (${e.component})`);
    },
  };
}

function lb(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...extra } };
}

function ingress(store: Store, name: string): unknown {
  return (store.get('services', 'default', name).status as { loadBalancer?: unknown } | undefined)?.loadBalancer;
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('load balancer controller', () => {
  it('assigns an ingress IP after the provisioning delay, with events and the cleanup finalizer', async () => {
    const h = harness([createLoadBalancerController()]);
    stop = h.stop;
    h.store.create('services', 'default', lb('web'));
    await h.settle();
    expect(ingress(h.store, 'web')).toEqual({});
    expect(h.store.get('services', 'default', 'web').metadata.finalizers).toEqual([LB_CLEANUP_FINALIZER]);
    expect(h.events).toEqual(['web Normal EnsuringLoadBalancer Ensuring load balancer (service-controller)']);
    h.clock.advance(2000);
    await h.settle();
    expect(ingress(h.store, 'web')).toEqual({ ingress: [{ ip: '203.0.113.1', ipMode: 'VIP' }] });
    expect(h.events.at(-1)).toBe('web Normal EnsuredLoadBalancer Ensured load balancer (service-controller)');

    h.store.create('services', 'default', lb('api'));
    await h.settle();
    h.clock.advance(2000);
    await h.settle();
    expect(ingress(h.store, 'api')).toEqual({ ingress: [{ ip: '203.0.113.2', ipMode: 'VIP' }] });
  });

  it.each([
    { name: 'a class served elsewhere', spec: { loadBalancerClass: 'example.com/metal' }, served: false },
    { name: 'the embedded class', spec: { loadBalancerClass: 'kubespy.dev/embedded' }, served: true },
  ])('$name', async ({ spec, served }) => {
    const h = harness([createLoadBalancerController()]);
    stop = h.stop;
    h.store.create('services', 'default', lb('web', spec));
    await h.settle();
    h.clock.advance(10_000);
    await h.settle();
    expect(ingress(h.store, 'web')).toEqual(served ? { ingress: [{ ip: '203.0.113.1', ipMode: 'VIP' }] } : {});
    if (!served) expect(h.events).toEqual([]);
  });

  it('clears the status when the type changes away and releases the address on delete', async () => {
    const h = harness([createLoadBalancerController()]);
    stop = h.stop;
    h.store.create('services', 'default', lb('web'));
    await h.settle();
    h.clock.advance(2000);
    await h.settle();
    h.store.mutate('services', 'default', 'web', (copy) => ({ ...copy, spec: { ...(copy.spec as object), type: 'ClusterIP' } }));
    await h.settle();
    expect(ingress(h.store, 'web')).toEqual({});
    expect(h.store.get('services', 'default', 'web').metadata.finalizers).toBeUndefined();
    expect(h.events.slice(-2)).toEqual([
      'web Normal DeletingLoadBalancer Deleting load balancer (service-controller)',
      'web Normal DeletedLoadBalancer Deleted load balancer (service-controller)',
    ]);

    h.store.create('services', 'default', lb('other'));
    await h.settle();
    h.clock.advance(2000);
    await h.settle();
    expect(ingress(h.store, 'other')).toEqual({ ingress: [{ ip: '203.0.113.1', ipMode: 'VIP' }] });
    h.store.delete('services', 'default', 'other');
    await h.settle();
    expect(h.store.tryGet('services', 'default', 'other')).toBeUndefined();
  });
});
