import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import { startEmbeddedCluster } from '../index.js';
import type { Store } from '../store/types.js';
import { createStatefulSetController, podOrdinal, POD_INDEX_LABEL, POD_NAME_LABEL } from './statefulset.js';
import { controllerHarness } from './test-support.js';

/** The StatefulSet controller alone on a ManualClock; the test plays the kubelet. */
function harness() {
  const h = controllerHarness([createStatefulSetController()]);
  stop = h.stop;
  return h;
}

function statefulSet(spec: Record<string, unknown> = {}, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web',
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...spec,
    },
  };
}

function pods(store: Store): KubeObject[] {
  return store
    .list('pods', { namespace: 'default' })
    .items.sort((a, b) => (podOrdinal('web', a.metadata.name ?? '') ?? 0) - (podOrdinal('web', b.metadata.name ?? '') ?? 0));
}

const names = (store: Store) => pods(store).map((p) => p.metadata.name);
const revisionsOf = (store: Store) => pods(store).map((p) => p.metadata.labels?.['controller-revision-hash']);
const status = (store: Store) => store.get('statefulsets.apps', 'default', 'web').status as Record<string, unknown>;

function setPhase(store: Store, clock: ManualClock, name: string, phase: string, ready: boolean): void {
  store.mutate(
    'pods',
    'default',
    name,
    (copy) => ({
      ...copy,
      status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: metaTimeNow(clock) }] },
    }),
    { subresource: 'status' },
  );
}

/** Marks every Pod not yet Ready as Running and Ready, as the kubelet would. */
function readyAll(store: Store, clock: ManualClock): void {
  for (const p of pods(store)) {
    const ready = (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready && !p.metadata.deletionTimestamp) setPhase(store, clock, p.metadata.name ?? '', 'Running', true);
  }
}

/** Lets the controller act, readies what it created, until nothing changes. */
async function converge(h: ReturnType<typeof harness>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await h.settle();
    const before = h.store.currentResourceVersion();
    readyAll(h.store, h.clock);
    await h.settle();
    if (h.store.currentResourceVersion() === before) return;
  }
}

function setTemplateImage(store: Store, image: string, extra: Record<string, unknown> = {}): void {
  store.mutate('statefulsets.apps', 'default', 'web', (copy) => {
    const spec = copy.spec as { template: { spec: { containers: Array<{ image: string }> } } };
    const container = spec.template.spec.containers[0];
    if (container) container.image = image;
    Object.assign(copy.spec as object, extra);
    return copy;
  });
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

describe('podOrdinal', () => {
  it.each([
    ['web-0', 0],
    ['web-12', 12],
    ['web-01', undefined],
    ['web-x', undefined],
    ['webby-1', undefined],
    ['web-1-2', undefined],
  ])('%s → %s', (name, want) => expect(podOrdinal('web', name)).toBe(want));
});

describe('statefulset controller', () => {
  it('OrderedReady: creates one ordinal at a time, each Running and Ready before the next', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet());
    await h.settle();
    expect(names(h.store)).toEqual(['web-0']);
    const pod = pods(h.store)[0] as KubeObject;
    const revision = status(h.store).updateRevision as string;
    expect(revision).toMatch(/^web-[bcdf4-9]+$/);
    expect(pod.metadata.labels).toEqual({ app: 'web', 'controller-revision-hash': revision, [POD_NAME_LABEL]: 'web-0', [POD_INDEX_LABEL]: '0' });
    expect(pod.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web' });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(h.events).toContainEqual({ kind: 'StatefulSet', name: 'web', type: 'Normal', reason: 'SuccessfulCreate', message: 'create Pod web-0 in StatefulSet web successful', component: 'statefulset-controller' });
    const rev = h.store.get('controllerrevisions.apps', 'default', revision);
    expect(rev).toMatchObject({ revision: 1, data: { spec: { template: { $patch: 'replace' } } } });
    expect(rev.metadata.labels?.['controller.kubernetes.io/hash']).toBe(revision.slice('web-'.length));

    // Pending but not ready: still only web-0.
    setPhase(h.store, h.clock, 'web-0', 'Running', false);
    await h.settle();
    expect(names(h.store)).toEqual(['web-0']);
    setPhase(h.store, h.clock, 'web-0', 'Running', true);
    await h.settle();
    expect(names(h.store)).toEqual(['web-0', 'web-1']);
    await converge(h);
    expect(names(h.store)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(status(h.store)).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: 3,
    });
  });

  it('Parallel: creates every ordinal at once and scales down all at once', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet({ podManagementPolicy: 'Parallel' }));
    await h.settle();
    expect(names(h.store)).toEqual(['web-0', 'web-1', 'web-2']);
    h.store.mutate('statefulsets.apps', 'default', 'web', (copy) => ({ ...copy, spec: { ...(copy.spec as object), replicas: 1 } }));
    await h.settle();
    expect(names(h.store)).toEqual(['web-0']);
  });

  it('scales down from the highest ordinal, one at a time, waiting for the others to be healthy', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet({ replicas: 4 }));
    await converge(h);
    h.store.mutate('statefulsets.apps', 'default', 'web', (copy) => ({ ...copy, spec: { ...(copy.spec as object), replicas: 1 } }));
    // web-1 unhealthy: nothing is removed.
    setPhase(h.store, h.clock, 'web-1', 'Running', false);
    await h.settle();
    expect(names(h.store)).toEqual(['web-0', 'web-1', 'web-2', 'web-3']);
    setPhase(h.store, h.clock, 'web-1', 'Running', true);
    await h.settle();
    // Unbound Pods are deleted at once, so each sync removes the next highest.
    expect(names(h.store)).toEqual(['web-0']);
    const deletes = h.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual([
      'delete Pod web-3 in StatefulSet web successful',
      'delete Pod web-2 in StatefulSet web successful',
      'delete Pod web-1 in StatefulSet web successful',
    ]);
  });

  it('RollingUpdate: replaces Pods from the highest ordinal down, each Ready before the next', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet());
    await converge(h);
    const oldRevision = status(h.store).currentRevision as string;
    setTemplateImage(h.store, 'nginx:1.28');
    await h.settle();
    const newRevision = status(h.store).updateRevision as string;
    expect(newRevision).not.toBe(oldRevision);
    expect(h.store.get('controllerrevisions.apps', 'default', newRevision)).toMatchObject({ revision: 2 });
    // web-2 was deleted and recreated at the new revision; it is not ready yet, so web-1 waits.
    expect(revisionsOf(h.store)).toEqual([oldRevision, oldRevision, newRevision]);
    expect(status(h.store)).toMatchObject({ currentRevision: oldRevision, updateRevision: newRevision, currentReplicas: 2, updatedReplicas: 1, observedGeneration: 2 });
    readyAll(h.store, h.clock);
    await h.settle();
    expect(revisionsOf(h.store)).toEqual([oldRevision, newRevision, newRevision]);
    await converge(h);
    expect(revisionsOf(h.store)).toEqual([newRevision, newRevision, newRevision]);
    expect(status(h.store)).toMatchObject({ currentRevision: newRevision, updateRevision: newRevision, currentReplicas: 3, updatedReplicas: 3, readyReplicas: 3 });
    expect(h.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message)).toEqual([
      'delete Pod web-2 in StatefulSet web successful',
      'delete Pod web-1 in StatefulSet web successful',
      'delete Pod web-0 in StatefulSet web successful',
    ]);

    // Rolling back to the first template renumbers its revision instead of creating a third.
    setTemplateImage(h.store, 'nginx:1.27');
    await converge(h);
    expect(status(h.store)).toMatchObject({ currentRevision: oldRevision, updateRevision: oldRevision });
    expect(h.store.get('controllerrevisions.apps', 'default', oldRevision)).toMatchObject({ revision: 3 });
    expect(h.store.list('controllerrevisions.apps', { namespace: 'default' }).items).toHaveLength(2);
  });

  it('RollingUpdate with a partition: ordinals below it keep the current revision', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet());
    await converge(h);
    const oldRevision = status(h.store).currentRevision as string;
    setTemplateImage(h.store, 'nginx:1.28', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    await converge(h);
    const newRevision = status(h.store).updateRevision as string;
    expect(revisionsOf(h.store)).toEqual([oldRevision, oldRevision, newRevision]);
    expect(status(h.store)).toMatchObject({ currentRevision: oldRevision, currentReplicas: 2, updatedReplicas: 1, readyReplicas: 3 });
    // A Pod below the partition that is deleted comes back at the current revision.
    h.store.delete('pods', 'default', 'web-0');
    await converge(h);
    expect(revisionsOf(h.store)).toEqual([oldRevision, oldRevision, newRevision]);
    // Lowering the partition to 0 finishes the update.
    h.store.mutate('statefulsets.apps', 'default', 'web', (copy) => ({
      ...copy,
      spec: { ...(copy.spec as object), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } },
    }));
    await converge(h);
    expect(revisionsOf(h.store)).toEqual([newRevision, newRevision, newRevision]);
    expect(status(h.store)).toMatchObject({ currentRevision: newRevision, updateRevision: newRevision });
  });

  it('OnDelete: a template change replaces only the Pods someone deletes', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet({ updateStrategy: { type: 'OnDelete' } }));
    await converge(h);
    const oldRevision = status(h.store).currentRevision as string;
    setTemplateImage(h.store, 'nginx:1.28');
    await converge(h);
    const newRevision = status(h.store).updateRevision as string;
    expect(revisionsOf(h.store)).toEqual([oldRevision, oldRevision, oldRevision]);
    h.store.delete('pods', 'default', 'web-1');
    await converge(h);
    expect(revisionsOf(h.store)).toEqual([oldRevision, newRevision, oldRevision]);
    expect(status(h.store)).toMatchObject({ currentRevision: oldRevision, updateRevision: newRevision, currentReplicas: 2, updatedReplicas: 1 });
  });

  it('recreates a failed Pod', async () => {
    const h = harness();
    h.store.create('statefulsets.apps', 'default', statefulSet({ replicas: 1 }));
    await converge(h);
    const uid = pods(h.store)[0]?.metadata.uid;
    setPhase(h.store, h.clock, 'web-0', 'Failed', false);
    await h.settle();
    expect(h.events).toContainEqual({ kind: 'StatefulSet', name: 'web', type: 'Warning', reason: 'RecreatingFailedPod', message: 'StatefulSet default/web is recreating failed Pod web-0', component: 'statefulset-controller' });
    expect(names(h.store)).toEqual(['web-0']);
    expect(pods(h.store)[0]?.metadata.uid).not.toBe(uid);
  });

  it('adopts an orphan Pod named after an ordinal that matches the selector', async () => {
    const h = harness();
    h.store.create('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } });
    h.store.create('statefulsets.apps', 'default', statefulSet({ replicas: 1 }));
    await h.settle();
    expect(h.store.get('pods', 'default', 'web-0').metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web' });
    expect(h.events.filter((e) => e.reason === 'SuccessfulCreate')).toEqual([]);
  });
});

/* ------------------------------------------------------------------ with the real kubectl */

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`skipping kubectl rollout status tests: ${KUBECTL} is not installed`);

describe.skipIf(!hasKubectl)('kubectl rollout status statefulset against the embedded cluster', () => {
  it('succeeds once rolled out, and reports a partitioned update', async () => {
    const cluster = await startEmbeddedCluster({ speed: 50 });
    const dir = await mkdtemp(join(tmpdir(), 'kubespy-sts-'));
    try {
      await writeFile(join(dir, 'kubeconfig'), cluster.kubeconfig());
      const kubectl = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile(
            KUBECTL,
            [`--kubeconfig=${join(dir, 'kubeconfig')}`, `--cache-dir=${join(dir, 'cache')}`, ...args],
            { timeout: 60_000, env: { ...process.env, KUBECONFIG: '' } },
            (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
          );
        });
      cluster.store.create('services', 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] },
      });
      cluster.store.create('statefulsets.apps', 'default', statefulSet());
      let result = await kubectl(['rollout', 'status', 'sts/web', '--timeout=50s']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // The API defaults rollingUpdate.partition to 0, so kubectl takes its partitioned branch.
      expect(result.stdout).toContain('partitioned roll out complete: 3 new pods have been updated...');

      result = await kubectl(['patch', 'sts/web', '--type=merge', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
      expect(result.code).toBe(0);
      result = await kubectl(['rollout', 'status', 'sts/web', '--timeout=50s']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('partitioned roll out complete: 1 new pods have been updated...');
      const sts = cluster.store.get('statefulsets.apps', 'default', 'web').status as Record<string, unknown>;
      expect(sts.currentRevision).not.toBe(sts.updateRevision);
      expect(sts).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 1, currentReplicas: 2 });

      result = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}']);
      expect(result.stdout.trim().split(' ').sort()).toEqual(['web-0=nginx:1.27', 'web-1=nginx:1.27', 'web-2=nginx:1.28']);

      // kubectl rolls a StatefulSet back by applying an earlier ControllerRevision's data.
      result = await kubectl(['rollout', 'undo', 'sts/web']);
      expect(result.stdout).toContain('statefulset.apps/web rolled back');
      // With partition 2 kubectl may call this done before web-2 is replaced, so wait for the set.
      let after: Record<string, unknown> = {};
      for (let i = 0; i < 500 && after.currentReplicas !== 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = cluster.store.get('statefulsets.apps', 'default', 'web').status as Record<string, unknown>;
      }
      expect(after).toMatchObject({ currentRevision: sts.currentRevision, updateRevision: sts.currentRevision, currentReplicas: 3, updatedReplicas: 3 });
    } finally {
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
