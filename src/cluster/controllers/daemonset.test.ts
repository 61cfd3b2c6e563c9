import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';
import { createDaemonSetController, daemonPodNode, nodeShouldRunDaemonPod, type DaemonSetControllerOptions } from './daemonset.js';
import type { Controller } from './runtime.js';
import { controllerHarness, markPodReady } from './test-support.js';

const harness = (controllers: Controller[]) =>
  controllerHarness(controllers, {
    namespace: 'kube-system',
    seed: (store) => {
      for (const n of [1, 2, 3]) store.create('nodes', undefined, node(`node-${n}`, n === 3 ? { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } : {}));
    },
  });

function node(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name, ...labels } }, spec };
}

function daemonSet(tolerations: unknown[] = [], image = 'registry.k8s.io/kube-proxy:v1.32.0'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'proxy', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'proxy' } },
      template: {
        metadata: { labels: { app: 'proxy' } },
        spec: { hostNetwork: true, tolerations, containers: [{ name: 'proxy', image }] },
      },
    },
  };
}

function pods(store: Store): KubeObject[] {
  return store.list('pods', { namespace: 'kube-system' }).items.filter((p) => !p.metadata.deletionTimestamp);
}

function readyAll(store: Store, clock: ManualClock): void {
  for (const p of pods(store)) markPodReady(store, clock, p, '172.18.0.2');
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('nodeShouldRunDaemonPod', () => {
  const template = (spec: Record<string, unknown>) => ({ spec });
  const cases = [
    { name: 'plain node', node: node('n'), template: template({}), want: true },
    { name: 'untolerated NoSchedule taint', node: node('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), template: template({}), want: false },
    { name: 'tolerated taint', node: node('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), template: template({ tolerations: [{ key: 'k', operator: 'Exists' }] }), want: true },
    { name: 'PreferNoSchedule taint is ignored', node: node('n', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), template: template({}), want: true },
    { name: 'cordoned node (tolerated by daemon pods)', node: node('n', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), template: template({}), want: true },
    { name: 'nodeSelector mismatch', node: node('n'), template: template({ nodeSelector: { disk: 'ssd' } }), want: false },
    { name: 'nodeSelector match', node: node('n', {}, { disk: 'ssd' }), template: template({ nodeSelector: { disk: 'ssd' } }), want: true },
  ];
  it.each(cases)('$name', ({ node: n, template: t, want }) => expect(nodeShouldRunDaemonPod(n, t)).toBe(want));
});

describe('daemonset controller', () => {
  it('runs one pod per eligible node, tied by node affinity, with a ControllerRevision', async () => {
    const h = harness([createDaemonSetController()]);
    stop = h.stop;
    const ds = h.store.create('daemonsets.apps', 'kube-system', daemonSet());
    await h.settle();
    const created = pods(h.store);
    expect(created.map(daemonPodNode).sort()).toEqual(['node-1', 'node-2']);
    const [first] = created;
    const hash = first?.metadata.labels?.['controller-revision-hash'];
    expect(first?.metadata.labels).toEqual({ app: 'proxy', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
    expect(first?.metadata.name).toMatch(/^proxy-\w{5}$/);
    expect(first?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'proxy', uid: ds.metadata.uid, controller: true });
    expect((first?.spec as { affinity: unknown }).affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [daemonPodNode(first as KubeObject)] }] }],
        },
      },
    });
    expect((first?.spec as { tolerations: Array<{ key?: string }> }).tolerations.map((t) => t.key)).toContain('node.kubernetes.io/network-unavailable');
    const revision = h.store.get('controllerrevisions.apps', 'kube-system', `proxy-${hash}`);
    expect(revision).toMatchObject({ revision: 1, data: { spec: { template: { $patch: 'replace' } } } });
    expect(h.store.get('daemonsets.apps', 'kube-system', 'proxy').status).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 0,
      observedGeneration: 1,
      updatedNumberScheduled: 2,
      numberUnavailable: 2,
    });
    readyAll(h.store, h.clock);
    await h.settle();
    expect(h.store.get('daemonsets.apps', 'kube-system', 'proxy').status).toMatchObject({ numberReady: 2, numberAvailable: 2 });
    expect(h.store.get('daemonsets.apps', 'kube-system', 'proxy').status).not.toHaveProperty('numberUnavailable');
  });

  it('follows nodes: a tolerating template runs on the tainted node, a new node gets a pod', async () => {
    const h = harness([createDaemonSetController({ placement: 'nodeName' } satisfies DaemonSetControllerOptions)]);
    stop = h.stop;
    h.store.create('daemonsets.apps', 'kube-system', daemonSet([{ operator: 'Exists' }]));
    await h.settle();
    expect(pods(h.store).map((p) => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    h.store.create('nodes', undefined, node('node-4'));
    await h.settle();
    expect(pods(h.store)).toHaveLength(4);
    expect(h.store.get('daemonsets.apps', 'kube-system', 'proxy').status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4 });
  });

  it('rolls a template change one node at a time (maxUnavailable 1)', async () => {
    const h = harness([createDaemonSetController()]);
    stop = h.stop;
    h.store.create('daemonsets.apps', 'kube-system', daemonSet([{ operator: 'Exists' }]));
    await h.settle();
    readyAll(h.store, h.clock);
    await h.settle();
    h.events.length = 0;
    h.store.mutate('daemonsets.apps', 'kube-system', 'proxy', (copy) => {
      const c = (copy.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0];
      if (c) c.image = 'registry.k8s.io/kube-proxy:v1.33.0';
      return copy;
    });
    await h.settle();
    // One old pod went, its replacement came; the others wait until it is available.
    expect(h.events.map((e) => e.reason)).toEqual(['SuccessfulDelete', 'SuccessfulCreate']);
    for (let i = 0; i < 5; i++) {
      readyAll(h.store, h.clock);
      await h.settle();
    }
    expect(h.events.filter((e) => e.reason === 'SuccessfulDelete')).toHaveLength(3);
    const status = h.store.get('daemonsets.apps', 'kube-system', 'proxy').status;
    expect(status).toMatchObject({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    expect(h.store.list('controllerrevisions.apps', { namespace: 'kube-system' }).items.map((r) => r.revision).sort()).toEqual([1, 2]);
  });
});
