import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';
import { createNodesController } from './nodes.js';
import type { ControllerContext } from './runtime.js';

function start(count?: number) {
  const clock = new ManualClock();
  const store = createStore({ clock });
  // The system bootstrap creates it before the Nodes register (leases live there).
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
  const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
  const controller = createNodesController(count === undefined ? {} : { count });
  controller.start(ctx);
  return { store, ctx, controller };
}

describe('nodes controller', () => {
  it('registers node-1..node-3 by default', () => {
    const { store } = start();
    expect(store.list('nodes').items.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it.each([
    [1, '172.18.0.2', '10.244.1.0/24', 'zone-a', true],
    [2, '172.18.0.3', '10.244.2.0/24', 'zone-b', false],
    [3, '172.18.0.4', '10.244.3.0/24', 'zone-c', false],
  ])('node-%d looks like a kubelet-registered Node', (index, ip, cidr, zone, controlPlane) => {
    const { store } = start();
    const node = store.get('nodes', undefined, `node-${index}`);
    expect(node.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': `node-${index}`,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'topology.kubernetes.io/zone': zone,
    });
    expect('node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {})).toBe(controlPlane);
    expect(node.spec).toMatchObject({ podCIDR: cidr, podCIDRs: [cidr] });
    expect(node.spec).not.toHaveProperty('taints');
    expect(node.status).toMatchObject({
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: `node-${index}` },
      ],
      capacity: { cpu: '4', memory: '8388608Ki', pods: '110' },
      allocatable: { cpu: '4', memory: '8388608Ki', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\.7\./),
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    });
    const conditions = (node.status as { conditions: Array<Record<string, string>> }).conditions;
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conditions[3]?.message).toBe('kubelet is posting ready status');
  });

  it('gives every Node its kubelet lease in kube-node-lease, owned by the Node', () => {
    const { store } = start(1);
    const lease = store.get('leases.coordination.k8s.io', 'kube-node-lease', 'node-1');
    expect(lease.spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' });
    expect(lease.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: store.get('nodes', undefined, 'node-1').metadata.uid },
    ]);
  });

  it('honours count and leaves existing Nodes alone', () => {
    const { store, ctx } = start(2);
    store.mutate('nodes', undefined, 'node-1', (n) => ({ ...n, spec: { ...(n.spec as object), unschedulable: true } }));
    const again = createNodesController({ count: 4 });
    again.start(ctx);
    expect(store.list('nodes').items.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(store.get('nodes', undefined, 'node-1').spec).toMatchObject({ unschedulable: true });
  });
});
