import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { createServiceAllocator, ipToNumber } from './service-allocator.js';

function setup(): Store {
  const store: Store = createStore({ clock: new ManualClock(), admission: [createServiceAllocator(() => store)] });
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return store;
}

function svc(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: name }, ...spec } };
}

function spec(o: KubeObject): Record<string, unknown> {
  return o.spec as Record<string, unknown>;
}

function nodePorts(o: KubeObject): unknown[] {
  return (spec(o).ports as Array<{ nodePort?: number }>).map((p) => p.nodePort);
}

function thrown(fn: () => unknown): { code?: number; message?: string } {
  try {
    fn();
  } catch (error) {
    const status = (error as { status?: { code: number; message: string } }).status;
    return { code: status?.code, message: status?.message };
  }
  return {};
}

describe('service allocator', () => {
  it('allocates a cluster IP from 10.96.0.0/12 above the static band', () => {
    const store = setup();
    const created = store.create('services', 'default', svc('web', {}));
    const ip = spec(created).clusterIP as string;
    const n = ipToNumber(ip) ?? 0;
    expect(n).toBeGreaterThanOrEqual((ipToNumber('10.96.0.0') ?? 0) + 256);
    expect(n).toBeLessThan(ipToNumber('10.112.0.0') ?? 0);
    expect(spec(created).clusterIPs).toEqual([ip]);
    expect(spec(created).ipFamilies).toEqual(['IPv4']);
  });

  it('honours a requested IP and refuses it when taken', () => {
    const store = setup();
    expect(spec(store.create('services', 'default', svc('dns', { clusterIP: '10.96.0.10' }))).clusterIP).toBe('10.96.0.10');
    expect(thrown(() => store.create('services', 'default', svc('dns2', { clusterIP: '10.96.0.10' })))).toEqual({
      code: 422,
      message:
        'Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    });
    expect(thrown(() => store.create('services', 'default', svc('out', { clusterIP: '192.168.0.1' }))).message).toContain(
      'the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('releases addresses and ports when the Service is deleted', () => {
    const store = setup();
    store.create('services', 'default', svc('a', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    store.delete('services', 'default', 'a');
    const again = store.create('services', 'default', svc('b', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(spec(again).clusterIP).toBe('10.96.0.20');
    expect(nodePorts(again)).toEqual([30080]);
  });

  it.each([
    { name: 'headless', spec: { clusterIP: 'None' }, clusterIP: 'None', clusterIPs: ['None'] },
    { name: 'ExternalName', spec: { type: 'ExternalName', externalName: 'example.com', selector: undefined, ports: undefined }, clusterIP: undefined, clusterIPs: undefined },
  ])('$name', ({ spec: s, clusterIP, clusterIPs }) => {
    const store = setup();
    const created = store.create('services', 'default', svc('x', s));
    expect(spec(created).clusterIP).toBe(clusterIP);
    expect(spec(created).clusterIPs).toEqual(clusterIPs);
  });

  it('allocates node ports for NodePort and LoadBalancer, refusing taken ones', () => {
    const store = setup();
    const np = store.create('services', 'default', svc('np', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 443 }] }));
    const [fixed, dynamic] = nodePorts(np) as number[];
    expect(fixed).toBe(30080);
    expect(dynamic).toBeGreaterThanOrEqual(30000);
    expect(dynamic).toBeLessThanOrEqual(32767);
    const lb = store.create('services', 'default', svc('lb', { type: 'LoadBalancer' }));
    expect(nodePorts(lb)[0]).toEqual(expect.any(Number));
    expect(thrown(() => store.create('services', 'default', svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })))).toEqual({
      code: 422,
      message: 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    });
    const noPorts = store.create('services', 'default', svc('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }));
    expect(nodePorts(noPorts)).toEqual([undefined]);
  });

  it('allocates a healthCheckNodePort for LoadBalancer with externalTrafficPolicy Local', () => {
    const store = setup();
    const lb = store.create('services', 'default', svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    expect(spec(lb).healthCheckNodePort).toEqual(expect.any(Number));
    expect(spec(lb).healthCheckNodePort).not.toBe(nodePorts(lb)[0]);
  });

  it('keeps the allocated IP and node ports when an update omits them, and refuses changing the IP', () => {
    const store = setup();
    const created = store.create('services', 'default', svc('web', { type: 'NodePort' }));
    const updated = store.update('services', 'default', 'web', svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }));
    expect(spec(updated).clusterIP).toBe(spec(created).clusterIP);
    expect(nodePorts(updated)).toEqual(nodePorts(created));
    const err = thrown(() => store.update('services', 'default', 'web', svc('web', { type: 'NodePort', clusterIP: '10.96.0.99' })));
    expect(err.code).toBe(422);
    expect(err.message).toContain('spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set');
    const clusterIp = store.update('services', 'default', 'web', svc('web', { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] }));
    expect(nodePorts(clusterIp)).toEqual([undefined]);
  });
});
