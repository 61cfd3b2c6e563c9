import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';
import { createDeploymentController, equalIgnoreHash, maxUnavailable, resolveFenceposts } from './deployment.js';
import { createReplicaSetController } from './replicaset.js';
import type { Controller } from './runtime.js';
import { controllerHarness, markPodReady, type RecordedEvent } from './test-support.js';

const harness = (controllers: Controller[]) => controllerHarness(controllers, { maxTurns: 1000 });


type Spec = Record<string, unknown>;

function deployment(name: string, spec: Spec = {}, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', annotations: { 'kubernetes.io/change-cause': 'initial' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
      ...spec,
    },
  };
}

function setImage(store: Store, name: string, image: string): void {
  store.mutate('deployments.apps', 'default', name, (copy) => {
    const containers = (copy.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers;
    (containers[0] as Record<string, unknown>).image = image;
    return copy;
  });
}

function patchSpec(store: Store, name: string, patch: Spec): void {
  store.mutate('deployments.apps', 'default', name, (copy) => {
    copy.spec = { ...(copy.spec as Spec), ...patch };
    return copy;
  });
}

function replicaSets(store: Store): KubeObject[] {
  return store.list('replicasets.apps', { namespace: 'default' }).items;
}

function rsByImage(store: Store, image: string): KubeObject | undefined {
  return replicaSets(store).find((rs) => JSON.stringify(rs.spec).includes(`"image":"${image}"`));
}

/** The kubelet's part: every live Pod becomes Running and Ready now. */
function readyAll(store: Store, clock: ManualClock): number {
  let n = 0;
  for (const pod of store.list('pods', { namespace: 'default' }).items) {
    if (pod.metadata.deletionTimestamp) continue;
    const ready = ((pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
    if (ready) continue;
    n++;
    markPodReady(store, clock, pod, `10.244.1.${n}`);
  }
  return n;
}

async function rollToCompletion(h: ReturnType<typeof harness>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await h.settle();
    if (readyAll(h.store, h.clock) === 0) {
      await h.settle();
      if (readyAll(h.store, h.clock) === 0) return;
    }
  }
}

function conditions(d: KubeObject): Record<string, { status: string; reason: string; message: string }> {
  const out: Record<string, { status: string; reason: string; message: string }> = {};
  for (const c of ((d.status as { conditions?: Array<Record<string, string>> })?.conditions ?? [])) {
    out[c.type ?? ''] = { status: c.status ?? '', reason: c.reason ?? '', message: c.message ?? '' };
  }
  return out;
}

/** Every distinct Progressing condition the Deployments went through, in order. */
function progressingReasons(store: Store): string[] {
  const seen: string[] = [];
  store.subscribe((change) => {
    if (change.resource.plural !== 'deployments') return;
    const c = conditions(change.object).Progressing;
    const text = c ? `${c.reason}: ${c.message}` : undefined;
    if (text && seen.at(-1) !== text) seen.push(text);
  });
  return seen;
}

function scalingEvents(events: RecordedEvent[]): string[] {
  return events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('deployment fenceposts', () => {
  const cases = [
    { name: '10 replicas, 25%/25%', replicas: 10, surge: '25%', unavailable: '25%', want: { maxSurge: 3, maxUnavailable: 2 } },
    { name: '3 replicas, 25%/25%', replicas: 3, surge: '25%', unavailable: '25%', want: { maxSurge: 1, maxUnavailable: 0 } },
    { name: '1 replica, 25%/25%', replicas: 1, surge: '25%', unavailable: '25%', want: { maxSurge: 1, maxUnavailable: 0 } },
    { name: 'both zero → unavailable 1', replicas: 4, surge: 0, unavailable: '0%', want: { maxSurge: 0, maxUnavailable: 1 } },
  ];
  it.each(cases)('$name', ({ replicas, surge, unavailable, want }) => {
    const d = deployment('web', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } });
    expect(resolveFenceposts(d)).toEqual(want);
  });
  it('treats Recreate as maxUnavailable 0', () => {
    expect(maxUnavailable(deployment('web', { strategy: { type: 'Recreate' } }))).toBe(0);
  });
});

describe('equalIgnoreHash', () => {
  const rsTemplate = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
  it('matches the template `kubectl rollout undo` sends back (hash label dropped, creationTimestamp: null)', () => {
    const undone = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    expect(equalIgnoreHash(rsTemplate, undone)).toBe(true);
  });
  it('still tells different templates apart', () => {
    const other = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } };
    expect(equalIgnoreHash(rsTemplate, other)).toBe(false);
  });
});

describe('deployment controller', () => {
  it('creates the first ReplicaSet, then reports availability', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    const reasons = progressingReasons(h.store);
    const d = h.store.create('deployments.apps', 'default', deployment('web'));
    await h.settle();

    const [rs] = replicaSets(h.store);
    expect(rs).toBeDefined();
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(rs?.metadata.name).toBe(`web-${hash}`);
    expect(rs?.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs?.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'initial',
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs?.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect((rs?.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(scalingEvents(h.events)).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
    expect(h.events.find((e) => e.reason === 'ScalingReplicaSet')).toMatchObject({ kind: 'Deployment', name: 'web', component: 'deployment-controller' });

    let current = h.store.get('deployments.apps', 'default', 'web');
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(current.status).toMatchObject({ observedGeneration: current.metadata.generation, replicas: 3, updatedReplicas: 3, unavailableReplicas: 3 });
    expect(reasons[0]).toBe(`NewReplicaSetCreated: Created new replica set "web-${hash}"`);
    expect(conditions(current)).toEqual({
      Available: { status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      Progressing: { status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` },
    });

    readyAll(h.store, h.clock);
    await h.settle();
    current = h.store.get('deployments.apps', 'default', 'web');
    expect(current.status).toMatchObject({ observedGeneration: current.metadata.generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(current.status).not.toHaveProperty('unavailableReplicas');
    expect(conditions(current)).toEqual({
      Available: { status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      Progressing: { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` },
    });
  });

  it('rolls out a new template step by step within maxSurge 1 / maxUnavailable 0', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web'));
    await rollToCompletion(h);
    const v1 = rsByImage(h.store, 'nginx:1.27')?.metadata.name;
    h.events.length = 0;

    setImage(h.store, 'web', 'nginx:1.28');
    await h.settle();
    const v2 = rsByImage(h.store, 'nginx:1.28');
    expect(v2?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    let current = h.store.get('deployments.apps', 'default', 'web');
    expect(current.status).toMatchObject({ observedGeneration: current.metadata.generation });
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(conditions(current).Progressing).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    // Never more than 4 Pods, never fewer than 3 available while rolling.
    expect(scalingEvents(h.events)).toEqual([`Scaled up replica set ${v2?.metadata.name} from 0 to 1`]);

    await rollToCompletion(h);
    expect(scalingEvents(h.events)).toEqual([
      `Scaled up replica set ${v2?.metadata.name} from 0 to 1`,
      `Scaled down replica set ${v1} from 3 to 2`,
      `Scaled up replica set ${v2?.metadata.name} from 1 to 2`,
      `Scaled down replica set ${v1} from 2 to 1`,
      `Scaled up replica set ${v2?.metadata.name} from 2 to 3`,
      `Scaled down replica set ${v1} from 1 to 0`,
    ]);
    current = h.store.get('deployments.apps', 'default', 'web');
    expect(current.status).toMatchObject({ observedGeneration: current.metadata.generation, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(conditions(current).Progressing).toMatchObject({ reason: 'NewReplicaSetAvailable' });
    expect(h.store.list('pods', { namespace: 'default' }).items).toHaveLength(3);
  });

  it('rolls back by reviving the old ReplicaSet with the next revision and a revision history', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web'));
    await rollToCompletion(h);
    setImage(h.store, 'web', 'nginx:1.28');
    await rollToCompletion(h);
    setImage(h.store, 'web', 'nginx:1.27'); // what `kubectl rollout undo` does
    await rollToCompletion(h);
    const revived = rsByImage(h.store, 'nginx:1.27');
    expect(revived?.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(replicaSets(h.store)).toHaveLength(2);
    expect((revived?.spec as { replicas: number }).replicas).toBe(3);
    expect(h.store.get('deployments.apps', 'default', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('Recreate scales the old ReplicaSet to zero before creating the new one', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web', { strategy: { type: 'Recreate' } }));
    await rollToCompletion(h);
    const v1 = rsByImage(h.store, 'nginx:1.27')?.metadata.name;
    h.events.length = 0;
    setImage(h.store, 'web', 'nginx:1.28');
    await rollToCompletion(h);
    const v2 = rsByImage(h.store, 'nginx:1.28')?.metadata.name;
    expect(scalingEvents(h.events)).toEqual([`Scaled down replica set ${v1} from 3 to 0`, `Scaled up replica set ${v2} from 0 to 3`]);
    expect(conditions(h.store.get('deployments.apps', 'default', 'web')).Available).toMatchObject({ status: 'True' });
  });

  it('pauses and resumes with the DeploymentPaused / DeploymentResumed conditions', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web'));
    await rollToCompletion(h);
    patchSpec(h.store, 'web', { paused: true });
    await h.settle();
    setImage(h.store, 'web', 'nginx:1.28');
    await h.settle();
    let current = h.store.get('deployments.apps', 'default', 'web');
    expect(conditions(current).Progressing).toEqual({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    expect(current.status).toMatchObject({ observedGeneration: current.metadata.generation });
    expect(replicaSets(h.store)).toHaveLength(1);

    patchSpec(h.store, 'web', { paused: false });
    await h.settle();
    expect(rsByImage(h.store, 'nginx:1.28')).toBeDefined();
    await rollToCompletion(h);
    current = h.store.get('deployments.apps', 'default', 'web');
    expect(conditions(current).Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });

  it('reports ProgressDeadlineExceeded when no progress is made within the deadline', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web', { progressDeadlineSeconds: 30 }));
    await h.settle();
    const rs = replicaSets(h.store)[0]?.metadata.name;
    h.clock.advance(29_000);
    await h.settle();
    // The ReplicaSet reporting its Pods counts as progress (ReplicaSetUpdated), not a timeout yet.
    expect(conditions(h.store.get('deployments.apps', 'default', 'web')).Progressing).toMatchObject({ status: 'True' });
    h.clock.advance(2_000);
    await h.settle();
    expect(conditions(h.store.get('deployments.apps', 'default', 'web')).Progressing).toEqual({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rs}" has timed out progressing.`,
    });
  });

  it('scales the active ReplicaSet when spec.replicas changes (kubectl scale)', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web'));
    await rollToCompletion(h);
    const rs = replicaSets(h.store)[0];
    patchSpec(h.store, 'web', { replicas: 5 });
    await rollToCompletion(h);
    expect(scalingEvents(h.events).at(-1)).toBe(`Scaled up replica set ${rs?.metadata.name} from 3 to 5`);
    const updated = h.store.get('replicasets.apps', 'default', rs?.metadata.name ?? '');
    expect(updated.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '7' });
    expect(h.store.get('deployments.apps', 'default', 'web').status).toMatchObject({ replicas: 5, availableReplicas: 5 });
  });

  it('spreads a scale-up proportionally over the ReplicaSets of a rollout in progress', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web', { replicas: 10 }));
    await rollToCompletion(h);
    setImage(h.store, 'web', 'nginx:1.28');
    await h.settle(); // new RS at 3 (surge 3), old at 10; nothing new is ready
    patchSpec(h.store, 'web', { replicas: 20 });
    await h.settle();
    const oldSize = (rsByImage(h.store, 'nginx:1.27')?.spec as { replicas: number }).replicas;
    const newSize = (rsByImage(h.store, 'nginx:1.28')?.spec as { replicas: number }).replicas;
    // 20 + surge 5 = 25 allowed, shared 10:3 → roughly 19:6.
    expect(oldSize + newSize).toBe(25);
    expect(oldSize).toBeGreaterThan(newSize);
    expect(newSize).toBeGreaterThan(3);
  });

  it('deletes old empty ReplicaSets beyond revisionHistoryLimit', async () => {
    const h = harness([createDeploymentController(), createReplicaSetController()]);
    stop = h.stop;
    h.store.create('deployments.apps', 'default', deployment('web', { revisionHistoryLimit: 1 }));
    await rollToCompletion(h);
    for (const image of ['nginx:1.28', 'nginx:1.29']) {
      setImage(h.store, 'web', image);
      await rollToCompletion(h);
    }
    await h.settle();
    const names = replicaSets(h.store).map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    expect(names).toEqual(['2', '3']);
  });
});
