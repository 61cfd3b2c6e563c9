import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { forbiddenReason } from '../store/errors.js';
import type { AdmissionHook, Store } from '../store/types.js';
import { compareForDeletion, createReplicaSetController } from './replicaset.js';
import type { Controller } from './runtime.js';
import { controllerHarness, markPodReady } from './test-support.js';

const harness = (controllers: Controller[], admission: AdmissionHook[] = []) => controllerHarness(controllers, { admission });


function replicaSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'sim.kubespy.dev/readiness': 'pass' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
      ...extra,
    },
  };
}

function pods(store: Store, app: string): KubeObject[] {
  return store.list('pods', { namespace: 'default', labelSelector: `app=${app}` }).items;
}

function makeReady(store: Store, clock: ManualClock, pod: KubeObject): void {
  markPodReady(store, clock, pod, '10.244.1.5');
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('replicaset controller', () => {
  it('creates pods from the template with generateName, labels, annotations and a controller ref', async () => {
    const h = harness([createReplicaSetController()]);
    stop = h.stop;
    const rs = h.store.create('replicasets.apps', 'default', replicaSet('web', 3));
    await h.settle();
    const created = pods(h.store, 'web');
    expect(created).toHaveLength(3);
    for (const pod of created) {
      expect(pod.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.annotations).toEqual({ 'sim.kubespy.dev/readiness': 'pass' });
      expect(pod.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    expect(h.events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message).sort()).toEqual(
      created.map((p) => `Created pod: ${p.metadata.name}`).sort(),
    );
    expect(h.events.every((e) => e.component === 'replicaset-controller' && e.kind === 'ReplicaSet')).toBe(true);
    const status = h.store.get('replicasets.apps', 'default', 'web').status;
    expect(status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('counts ready and available pods, waiting minReadySeconds for availability', async () => {
    const h = harness([createReplicaSetController()]);
    stop = h.stop;
    h.store.create('replicasets.apps', 'default', replicaSet('web', 2, { minReadySeconds: 10 }));
    await h.settle();
    for (const pod of pods(h.store, 'web')) makeReady(h.store, h.clock, pod);
    await h.settle();
    expect(h.store.get('replicasets.apps', 'default', 'web').status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(h.store.get('replicasets.apps', 'default', 'web').status).not.toHaveProperty('availableReplicas');
    h.clock.advance(10_000);
    await h.settle();
    expect(h.store.get('replicasets.apps', 'default', 'web').status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('scales down preferring not-ready pods and records SuccessfulDelete', async () => {
    const h = harness([createReplicaSetController()]);
    stop = h.stop;
    h.store.create('replicasets.apps', 'default', replicaSet('web', 3));
    await h.settle();
    const [first, second] = pods(h.store, 'web');
    makeReady(h.store, h.clock, first as KubeObject);
    makeReady(h.store, h.clock, second as KubeObject);
    await h.settle();
    h.store.mutate('replicasets.apps', 'default', 'web', (copy) => {
      (copy.spec as Record<string, unknown>).replicas = 2;
      return copy;
    });
    await h.settle();
    const left = pods(h.store, 'web').map((p) => p.metadata.name).sort();
    expect(left).toEqual([first?.metadata.name, second?.metadata.name].sort());
    expect(h.events.filter((e) => e.reason === 'SuccessfulDelete')).toHaveLength(1);
    expect(h.store.get('replicasets.apps', 'default', 'web').status).toMatchObject({ replicas: 2, readyReplicas: 2, observedGeneration: 2 });
  });

  it('adopts matching orphans and replaces pods that are deleted', async () => {
    const h = harness([createReplicaSetController()]);
    stop = h.stop;
    h.store.create('pods', 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    });
    const rs = h.store.create('replicasets.apps', 'default', replicaSet('web', 2));
    await h.settle();
    const orphan = h.store.get('pods', 'default', 'orphan');
    expect(orphan.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid);
    expect(pods(h.store, 'web')).toHaveLength(2);
    h.store.delete('pods', 'default', 'orphan');
    await h.settle();
    expect(pods(h.store, 'web')).toHaveLength(2);
  });

  it('reports a create failure as FailedCreate and the ReplicaFailure condition', async () => {
    // A quota-like admission refusal makes every Pod create fail.
    const quota: AdmissionHook = (op, resource, object) => {
      if (op === 'CREATE' && resource.plural === 'pods') {
        throw forbiddenReason('pods', object.metadata.name, 'exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0');
      }
    };
    const h = harness([createReplicaSetController()], [quota]);
    stop = h.stop;
    h.store.create('replicasets.apps', 'default', replicaSet('web', 2));
    await h.settle();
    const failed = h.events.filter((e) => e.reason === 'FailedCreate');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]?.message).toMatch(/^Error creating: pods "web-\w{5}" is forbidden: exceeded quota/);
    expect(pods(h.store, 'web')).toHaveLength(0);
    const conditions = (h.store.get('replicasets.apps', 'default', 'web').status as { conditions?: Array<Record<string, unknown>> }).conditions;
    expect(conditions?.[0]).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
  });
});

describe('compareForDeletion', () => {
  const pod = (name: string, extra: Partial<{ node: string; phase: string; ready: boolean; created: string }>): KubeObject => ({
    metadata: { name, creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z' },
    spec: extra.node ? { nodeName: extra.node } : {},
    status: {
      phase: extra.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: extra.ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    },
  });
  const cases: Array<{ name: string; a: KubeObject; b: KubeObject }> = [
    { name: 'unscheduled before scheduled', a: pod('a', {}), b: pod('b', { node: 'n1' }) },
    { name: 'pending before running', a: pod('a', { node: 'n1', phase: 'Pending' }), b: pod('b', { node: 'n1' }) },
    { name: 'not ready before ready', a: pod('a', { node: 'n1' }), b: pod('b', { node: 'n1', ready: true }) },
    { name: 'newer before older', a: pod('a', { node: 'n1', created: '2026-01-02T00:00:00Z' }), b: pod('b', { node: 'n1' }) },
  ];
  it.each(cases)('$name', ({ a, b }) => {
    expect(compareForDeletion(a, b)).toBeLessThan(0);
    expect(compareForDeletion(b, a)).toBeGreaterThan(0);
  });
  it('breaks a tie in creation time (whole seconds) by UID, so the order is total', () => {
    const withUid = (name: string, uid: string) => ({ ...pod(name, { node: 'n1' }), metadata: { name, uid, creationTimestamp: '2026-01-01T00:00:00Z' } });
    const sorted = [withUid('x', 'c'), withUid('y', 'a'), withUid('z', 'b')].sort(compareForDeletion);
    expect(sorted.map((p) => p.metadata.name)).toEqual(['y', 'z', 'x']);
  });
});
