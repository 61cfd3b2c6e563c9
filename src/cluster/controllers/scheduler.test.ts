import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';
import { buildNode, createNodesController } from './nodes.js';
import type { Controller, ControllerContext } from './runtime.js';
import { cpuMillis, createSchedulerController, memoryBytes, parseQuantity, podRequests, schedule } from './scheduler.js';

const NOW = '2026-01-01T00:00:00Z';

function node(index: number, patch: { spec?: Record<string, unknown>; labels?: Record<string, string>; cpu?: string; pods?: string } = {}): KubeObject {
  const n = buildNode(index, { cpu: patch.cpu, pods: patch.pods }, NOW);
  n.metadata.labels = { ...n.metadata.labels, ...patch.labels };
  n.spec = { ...(n.spec as object), ...patch.spec };
  return n;
}

function pod(name: string, spec: Record<string, unknown> = {}, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
    status: { phase: 'Pending' },
    ...extra,
  };
}

const requesting = (cpu: string, memory?: string) => ({
  containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu, ...(memory ? { memory } : {}) } } }],
});

const bound = (name: string, nodeName: string, cpu = '0', phase = 'Running'): KubeObject => ({
  ...pod(name, { ...requesting(cpu), nodeName }),
  status: { phase },
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['8388608Ki', 8 * 2 ** 30],
    ['1G', 1e9],
    ['1K', 1e3],
    ['1e3', 1000],
  ])('%s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it('converts cpu to millicores and memory to bytes', () => {
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('2')).toBe(2000);
    expect(memoryBytes('64Mi')).toBe(67_108_864);
    expect(parseQuantity('12 apples')).toBeUndefined();
  });

  it('sums containers, takes the largest init container, falls back to limits', () => {
    const p = pod('p', {
      initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '3' } } }],
      containers: [
        { name: 'a', image: 'x', resources: { requests: { cpu: '500m', memory: '100Mi' } } },
        { name: 'b', image: 'x', resources: { limits: { cpu: '1', memory: '100Mi' } } },
      ],
    });
    expect(podRequests(p)).toEqual({ cpu: 3000, memory: 200 * 2 ** 20 });
  });
});

describe('schedule', () => {
  const three = [node(1), node(2), node(3)];

  it.each<{ name: string; pod: KubeObject; nodes: KubeObject[]; pods?: KubeObject[]; expected: string }>([
    { name: 'spreads onto the least loaded node', pod: pod('p'), nodes: three, pods: [bound('a', 'node-1'), bound('b', 'node-2')], expected: 'node-3' },
    { name: 'ties go to the first node by name', pod: pod('p'), nodes: three, expected: 'node-1' },
    {
      name: 'finished pods free their node',
      pod: pod('p', requesting('3')),
      nodes: [node(1), node(2)],
      pods: [bound('a', 'node-1', '2', 'Succeeded'), bound('b', 'node-2', '2')],
      expected: 'node-1',
    },
    { name: 'nodeSelector', pod: pod('p', { nodeSelector: { 'topology.kubernetes.io/zone': 'zone-b' } }), nodes: three, expected: 'node-2' },
    {
      name: 'required node affinity In',
      pod: pod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-3'] }] }],
            },
          },
        },
      }),
      nodes: three,
      expected: 'node-3',
    },
    {
      name: 'required node affinity NotIn and Exists',
      pod: pod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-1'] },
                    { key: 'gpu', operator: 'Exists' },
                  ],
                },
              ],
            },
          },
        },
      }),
      nodes: [node(1, { labels: { gpu: 'yes' } }), node(2), node(3, { labels: { gpu: 'yes' } })],
      expected: 'node-3',
    },
    {
      name: 'toleration lets a pod onto a tainted node',
      pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }),
      nodes: [node(1, { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } })],
      expected: 'node-1',
    },
    {
      name: 'PreferNoSchedule taints do not filter',
      pod: pod('p'),
      nodes: [node(1, { spec: { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] } })],
      expected: 'node-1',
    },
    {
      name: 'a cordoned node is skipped',
      pod: pod('p'),
      nodes: [node(1, { spec: { unschedulable: true } }), node(2)],
      expected: 'node-2',
    },
  ])('$name', ({ pod: p, nodes, pods, expected }) => {
    expect(schedule(p, nodes, pods ?? [])).toEqual({ node: expected });
  });

  it.each<{ name: string; pod: KubeObject; nodes: KubeObject[]; pods?: KubeObject[]; message: string }>([
    {
      name: 'insufficient cpu everywhere',
      pod: pod('p', requesting('5')),
      nodes: three,
      message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    },
    {
      name: 'insufficient cpu from running pods',
      pod: pod('p', requesting('3')),
      nodes: [node(1)],
      pods: [bound('a', 'node-1', '2')],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'insufficient cpu and memory',
      pod: pod('p', requesting('8', '16Gi')),
      nodes: [node(1)],
      message:
        '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'selector matches no node',
      pod: pod('p', { nodeSelector: { disktype: 'ssd' } }),
      nodes: three,
      message:
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    },
    {
      name: 'mixed taint and cpu, sorted as kube-scheduler sorts',
      pod: pod('p', requesting('5')),
      nodes: [node(1, { spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }), node(2), node(3)],
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    },
    {
      name: 'taint with a value',
      pod: pod('p'),
      nodes: [node(1, { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] } })],
      message:
        '0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    },
    {
      name: 'cordoned nodes',
      pod: pod('p'),
      nodes: [node(1, { spec: { unschedulable: true } })],
      message: '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    },
    {
      name: 'too many pods',
      pod: pod('p'),
      nodes: [node(1, { pods: '1' })],
      pods: [bound('a', 'node-1')],
      message: '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
  ])('unschedulable: $name', ({ pod: p, nodes, pods, message }) => {
    expect(schedule(p, nodes, pods ?? [])).toEqual({ message });
  });
});

/* ------------------------------------------------------------------ the controller, on the real store */


const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function cluster(nodeCount = 3) {
  const clock = new ManualClock();
  const store = createStore({ clock });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
  const controllers: Controller[] = [createNodesController({ count: nodeCount }), createSchedulerController()];
  for (const c of controllers) c.start(ctx);
  return {
    clock,
    store,
    async settle() {
      for (let i = 0; i < 20; i++) await tick();
    },
    create(name: string, spec: Record<string, unknown> = {}) {
      return store.create('pods', 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
      });
    },
    pod(name: string) {
      return store.get('pods', 'default', name);
    },
    events(reason: string) {
      return store.list('events').items.filter((e) => e.reason === reason);
    },
    stop() {
      for (const c of controllers) c.stop();
    },
  };
}

const condition = (pod: KubeObject, type: string) =>
  ((pod.status as { conditions?: Array<Record<string, unknown>> }).conditions ?? []).find((c) => c.type === type);

describe('scheduler controller', () => {
  it('binds a pending Pod, sets PodScheduled and records Scheduled', async () => {
    const c = cluster();
    c.create('web');
    await c.settle();
    const pod = c.pod('web');
    expect((pod.spec as { nodeName?: string }).nodeName).toBe('node-1');
    expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'True', lastProbeTime: null });
    expect(c.events('Scheduled').map((e) => [e.message, e.source])).toEqual([
      ['Successfully assigned default/web to node-1', { component: 'default-scheduler' }],
    ]);
    c.stop();
  });

  it('spreads replicas over the nodes', async () => {
    const c = cluster();
    for (const name of ['a', 'b', 'c']) c.create(name);
    await c.settle();
    expect(['a', 'b', 'c'].map((n) => (c.pod(n).spec as { nodeName?: string }).nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    c.stop();
  });

  it('leaves Pods of other schedulers alone', async () => {
    const c = cluster();
    c.create('custom', { schedulerName: 'my-scheduler' });
    await c.settle();
    expect((c.pod('custom').spec as { nodeName?: string }).nodeName).toBeUndefined();
    c.stop();
  });

  it('reports an unschedulable Pod and binds it once a Pod deletion frees room', async () => {
    const c = cluster(1);
    c.create('big', requesting('3'));
    await c.settle();
    c.create('second', requesting('2'));
    await c.settle();
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    expect(condition(c.pod('second'), 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    expect(c.events('FailedScheduling').map((e) => [e.type, e.message, e.count])).toEqual([['Warning', message, 1]]);

    // The 5-minute unschedulable flush retries: the same failure aggregates into count.
    c.clock.advance(5 * 60_000);
    await c.settle();
    expect(c.events('FailedScheduling').map((e) => e.count)).toEqual([2]);

    // 'big' was never started by a kubelet here, so it is deleted at once (no grace).
    c.store.delete('pods', 'default', 'big', { gracePeriodSeconds: 0 });
    await c.settle();
    expect((c.pod('second').spec as { nodeName?: string }).nodeName).toBe('node-1');
    expect(condition(c.pod('second'), 'PodScheduled')).toMatchObject({ status: 'True' });
    c.stop();
  });

  it('counts Pods bound by their authors and frees their room when they finish', async () => {
    const c = cluster(1);
    await c.settle();
    // Bound without the scheduler (spec.nodeName set by its author): it still takes the room.
    c.create('batch', { ...requesting('3'), nodeName: 'node-1' });
    c.create('next', requesting('2'));
    await c.settle();
    expect(condition(c.pod('next'), 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });

    // A finished Pod keeps its binding but no longer holds its requests (kube-scheduler skips
    // terminal Pods): the waiting Pod is retried at once and fits.
    c.store.mutate('pods', 'default', 'batch', (pod) => ({ ...pod, status: { ...(pod.status as object), phase: 'Succeeded' } }), { subresource: 'status' });
    await c.settle();
    expect((c.pod('next').spec as { nodeName?: string }).nodeName).toBe('node-1');
    c.stop();
  });

  it('retries when a node appears', async () => {
    const c = cluster(1);
    c.create('picky', { nodeSelector: { disktype: 'ssd' } });
    await c.settle();
    expect(condition(c.pod('picky'), 'PodScheduled')).toMatchObject({ reason: 'Unschedulable' });
    c.store.mutate('nodes', undefined, 'node-1', (n) => ({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, disktype: 'ssd' } } }));
    await c.settle();
    expect((c.pod('picky').spec as { nodeName?: string }).nodeName).toBe('node-1');
    c.stop();
  });

  it('holds gated Pods with SchedulingGated', async () => {
    const c = cluster(1);
    c.create('gated', { schedulingGates: [{ name: 'example.com/wait' }] });
    await c.settle();
    expect(condition(c.pod('gated'), 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    });
    expect(c.events('FailedScheduling')).toEqual([]);
    c.stop();
  });
});
