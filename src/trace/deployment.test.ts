import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { ago, event, pod, unschedulable, waiting } from './fixtures/builders.js';
import { type WorkloadCase, condition, deployment, podsOf, replicaSet, describeWorkloadTable, workloadInput } from './fixtures/workloads.js';
import { analyseDeployment, findNewReplicaSet, kubectlDeploymentStatus } from './deployment.js';
import { nameOf } from './read.js';
import type { WorkloadTraceInput } from './workload-common.js';

const NEW = 'web-7d9c6f5b8';
const OLD = 'web-5f6d7c8b9';
const v2 = 'nginx:1.28';

/** Mid-rollout v1 → v2 (3 replicas, maxSurge 1, maxUnavailable 0): `updated` new Pods, `old` old ones. */
function rollingUpdate(updated: number, old: number, o: { newReady?: number; extraNew?: KubeObject[] } = {}): WorkloadTraceInput {
  const newReady = o.newReady ?? updated;
  return workloadInput({
    workload: deployment('web', {
      image: v2, generation: 2, revision: '2', replicasStatus: updated + old, updated, ready: newReady + old, available: newReady + old,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      conditions: [
        condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
        condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${NEW}" is progressing.`, 4),
      ],
    }),
    replicaSets: [
      replicaSet(NEW, { image: v2, revision: '2', replicas: updated, ready: newReady, available: newReady, createdSecondsAgo: 10 }),
      replicaSet(OLD, { revision: '1', replicas: old, createdSecondsAgo: 600 }),
    ],
    pods: [...podsOf(NEW, newReady), ...(o.extraNew ?? []), ...podsOf(OLD, old)],
  });
}

const cases: WorkloadCase[] = [
  {
    name: 'absent: waits for the Deployment',
    input: workloadInput(),
    verdict: 'absent',
    summary: 'Deployment default/web · ABSENT (waiting for it to be created)',
    statuses: { workload: 'pending', rollout: 'skip', pods: 'skip' },
    messages: { workload: 'not found: waiting for Deployment web to be created in namespace default' },
  },
  {
    name: 'deleted mid-trace',
    input: workloadInput({ deleted: true }),
    verdict: 'deleted',
    statuses: { workload: 'fail', replicasets: 'skip' },
    messages: { workload: 'deleted: the Deployment existed and is gone', rollout: 'the Deployment is gone' },
  },
  {
    name: 'rolled out: kubectl\'s words, every check ok',
    input: workloadInput({ workload: deployment('web'), replicaSets: [replicaSet(NEW)], pods: podsOf(NEW, 3) }),
    verdict: 'ready',
    summary: 'Deployment default/web · revision 1 · READY',
    statuses: { workload: 'ok', rollout: 'ok', replicasets: 'ok', pods: 'ok', available: 'ok', events: 'info' },
    messages: {
      workload: 'exists, generation 1 observed',
      rollout: 'deployment "web" successfully rolled out',
      replicasets: `new ${NEW} (revision 1): 3 of 3 ready · no old ReplicaSet holds Pods`,
      pods: '3 of 3 ready',
      available: '3 of 3 available',
    },
    details: {
      rollout: ['RollingUpdate: maxSurge 1 (up to 4 Pods), maxUnavailable 0 (at least 3 available)', 'Progressing True NewReplicaSetAvailable'],
      replicasets: [`${NEW}  new revision 1  3 desired · 3 current · 3 ready · 3 available`, `  ${NEW}-p0  node-1  ready for 30 s`],
    },
  },
  {
    name: 'spec change not observed yet',
    input: workloadInput({ workload: deployment('web', { image: v2, generation: 2, observedGeneration: 1 }), replicaSets: [replicaSet(NEW)], pods: podsOf(NEW, 3) }),
    verdict: 'pending',
    statuses: { workload: 'pending', rollout: 'pending' },
    messages: { workload: 'generation 2 not observed yet by the Deployment controller (observed: 1)', rollout: 'Waiting for deployment spec update to be observed...' },
  },
  {
    name: 'surge: 1 of 3 updated, the old ReplicaSet still holds 3 Pods',
    input: rollingUpdate(1, 3),
    verdict: 'pending',
    summary: 'Deployment default/web · revision 2 · PENDING',
    statuses: { rollout: 'pending', replicasets: 'pending', pods: 'ok', available: 'ok' },
    messages: {
      rollout: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      replicasets: `new ${NEW} (revision 2): 1 of 3 ready · 1 old ReplicaSet still holds 3 Pods`,
    },
    details: {
      rollout: ['now 4 Pods: 1 updated, 4 ready, 4 available of 3 wanted', 'progress deadline 600 s; last progress 4 s ago'],
      replicasets: [`${OLD}  old revision 1  3 desired · 3 current · 3 ready · 3 available`, `  ${OLD}-p2  node-3  ready for 30 s`],
    },
  },
  {
    name: 'old replicas pending termination',
    input: rollingUpdate(3, 1),
    verdict: 'pending',
    messages: { rollout: 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...' },
  },
  {
    name: 'updated but not yet available',
    input: (() => {
      const i = rollingUpdate(3, 0, { newReady: 2, extraNew: [waiting(pod(`${NEW}-p9`, { replicaSet: NEW }), 'ContainerCreating', undefined, { phase: 'Pending' })] });
      Object.assign((i.workload!['status'] as Record<string, unknown>), { availableReplicas: 2, readyReplicas: 2 });
      return i;
    })(),
    verdict: 'pending',
    statuses: { rollout: 'pending', pods: 'pending' },
    messages: { rollout: 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...', pods: '2 of 3 ready · 1 starting' },
  },
  {
    name: 'stuck on an image pull: failing, held back by the new Pod, old Pods still serving',
    input: rollingUpdate(1, 3, { newReady: 0, extraNew: [waiting(pod(`${NEW}-p0`, { replicaSet: NEW, image: 'nginx:doesnotexist' }), 'ImagePullBackOff', 'Back-off pulling image "nginx:doesnotexist"', { phase: 'Pending' })] }),
    verdict: 'failing',
    statuses: { rollout: 'fail', pods: 'fail', available: 'ok' },
    messages: { rollout: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...', pods: '3 of 3 ready · 1 image pull failing' },
    details: { rollout: [`held back by new Pod ${NEW}-p0  node-1  image pull failing: ImagePullBackOff for "nginx:doesnotexist" (container web)`] },
  },
  {
    name: 'new Pods unschedulable for a minute: failing with the scheduler\'s message',
    input: rollingUpdate(1, 3, { newReady: 0, extraNew: [unschedulable(pod(`${NEW}-p0`, { replicaSet: NEW }), '0/3 nodes are available: 3 Insufficient cpu.', 60)] }),
    verdict: 'failing',
    details: { rollout: ['not scheduled for 1 m: 0/3 nodes are available: 3 Insufficient cpu.'] },
  },
  {
    name: 'progress deadline exceeded → failing with kubectl\'s error',
    input: workloadInput({
      workload: deployment('web', {
        available: 0, ready: 0, progressDeadlineSeconds: 60,
        conditions: [
          condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
          condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${NEW}" has timed out progressing.`),
        ],
      }),
      replicaSets: [replicaSet(NEW, { ready: 0, available: 0 })],
      pods: podsOf(NEW, 3).map((p) => waiting(p, 'ContainerCreating')),
    }),
    verdict: 'failing',
    statuses: { rollout: 'fail', available: 'pending' },
    messages: { rollout: 'deployment "web" exceeded its progress deadline', available: '0 of 3 available' },
    details: { rollout: [`Progressing False ProgressDeadlineExceeded: ReplicaSet "${NEW}" has timed out progressing.`] },
  },
  {
    name: 'ReplicaFailure (quota) → failing with the admission message',
    input: workloadInput({
      workload: deployment('web', {
        replicasStatus: 1, updated: 1, ready: 1, available: 1,
        conditions: [
          condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
          condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${NEW}" is progressing.`),
          condition('ReplicaFailure', 'True', 'FailedCreate', 'pods "web-7d9c6f5b8-x" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1'),
        ],
      }),
      replicaSets: [replicaSet(NEW, { current: 1, ready: 1, available: 1 })],
      pods: podsOf(NEW, 1),
    }),
    verdict: 'failing',
    statuses: { rollout: 'fail' },
    messages: { rollout: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...' },
    details: { rollout: ['ReplicaFailure FailedCreate: pods "web-7d9c6f5b8-x" is forbidden: exceeded quota: pods'] },
  },
  {
    name: 'paused mid-rollout → degraded (it will not progress by itself)',
    input: (() => {
      const i = rollingUpdate(1, 3);
      (i.workload!['spec'] as Record<string, unknown>)['paused'] = true;
      return i;
    })(),
    verdict: 'pending',
    statuses: { rollout: 'warn', replicasets: 'pending' },
    details: { rollout: ['paused: the rollout will not progress until `kubectl rollout resume`'] },
  },
  {
    name: 'minReadySeconds: ready but not yet available',
    input: workloadInput({
      workload: deployment('web', { available: 1, minReadySeconds: 60 }),
      replicaSets: [replicaSet(NEW, { available: 1 })],
      pods: [...podsOf(NEW, 1), pod(`${NEW}-p1`, { replicaSet: NEW, readySecondsAgo: 10 }), pod(`${NEW}-p2`, { replicaSet: NEW, readySecondsAgo: 5 })].map((p, i) => {
        if (i === 0) (p['status'] as { conditions: { type: string; lastTransitionTime: string }[] }).conditions.find((c) => c.type === 'Ready')!.lastTransitionTime = ago(90);
        return p;
      }),
    }),
    verdict: 'pending',
    statuses: { rollout: 'pending', available: 'pending' },
    messages: { rollout: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...', available: '1 of 3 available · 2 ready, waiting for minReadySeconds' },
    details: { replicasets: [`  ${NEW}-p1  node-1  ready for 10 s, available in 50 s (minReadySeconds)`] },
  },
  {
    name: 'scaled to 0 is not a failure',
    input: workloadInput({ workload: deployment('web', { replicas: 0 }), replicaSets: [replicaSet(NEW, { replicas: 0 })], pods: [] }),
    verdict: 'ready',
    statuses: { rollout: 'ok', pods: 'ok', available: 'ok' },
    messages: { rollout: 'deployment "web" successfully rolled out', pods: 'none wanted (scaled to 0)', available: 'scaled to 0: no Pods wanted' },
  },
  {
    name: 'crash loop in steady state → failing; events name the back-off',
    input: workloadInput({
      workload: deployment('web', { available: 2, ready: 2 }),
      replicaSets: [replicaSet(NEW, { ready: 2, available: 2 })],
      pods: [...podsOf(NEW, 2), waiting(pod(`${NEW}-p2`, { replicaSet: NEW }), 'CrashLoopBackOff', 'back-off 40s restarting failed container=web', { restarts: 4, lastTerminated: { exitCode: 1, reason: 'Error' } })],
      events: [event({ name: `${NEW}-p2`, reason: 'BackOff', message: 'Back-off restarting failed container web in pod', count: 4 })],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail', events: 'warn' },
    messages: { pods: '2 of 3 ready · 1 crash loop', events: `1 warning, latest: BackOff on Pod ${NEW}-p2` },
  },
  {
    name: 'the same warning on several Pods is summed up, not named Pod by Pod',
    input: workloadInput({
      workload: deployment('web', { available: 1, ready: 1 }),
      replicaSets: [replicaSet(NEW, { ready: 1, available: 1 })],
      pods: [
        ...podsOf(NEW, 1),
        waiting(pod(`${NEW}-p1`, { replicaSet: NEW }), 'CrashLoopBackOff', 'back-off', { restarts: 4 }),
        waiting(pod(`${NEW}-p2`, { replicaSet: NEW }), 'CrashLoopBackOff', 'back-off', { restarts: 4 }),
      ],
      events: [
        event({ name: `${NEW}-p1`, reason: 'BackOff', message: 'Back-off restarting failed container web in pod', count: 3 }),
        event({ name: `${NEW}-p2`, reason: 'BackOff', message: 'Back-off restarting failed container web in pod', count: 5 }),
      ],
    }),
    verdict: 'failing',
    statuses: { events: 'warn' },
    messages: { events: '2 warnings: BackOff on 2 Pods' },
  },
  {
    name: 'a crash-looping container running again between back-offs stays a crash loop',
    input: (() => {
      const p = pod(`${NEW}-p2`, { replicaSet: NEW });
      const status = p['status'] as { containerStatuses: Record<string, unknown>[]; conditions: Record<string, unknown>[] };
      Object.assign(status.containerStatuses[0]!, { ready: false, restartCount: 3, lastState: { terminated: { exitCode: 2, reason: 'Error' } } });
      status.conditions.find((c) => c['type'] === 'Ready')!['status'] = 'False';
      return workloadInput({ workload: deployment('web', { available: 2, ready: 2 }), replicaSets: [replicaSet(NEW, { ready: 2, available: 2 })], pods: [...podsOf(NEW, 2), p] });
    })(),
    verdict: 'failing',
    messages: { pods: '2 of 3 ready · 1 crash loop' },
  },
  {
    name: 'a crash loop being rolled away: old failing Pods hold nothing back',
    input: (() => {
      const i = rollingUpdate(1, 3);
      i.pods = i.pods.map((p) => (p.metadata.name!.startsWith(OLD) ? waiting(p, 'CrashLoopBackOff', undefined, { restarts: 5, lastTerminated: { exitCode: 1 } }) : p));
      return i;
    })(),
    verdict: 'pending',
    statuses: { pods: 'pending' },
    messages: { pods: '1 of 3 ready · 3 crash loop' },
  },
  {
    name: 'old server: no conditions, no observedGeneration, no progress deadline',
    input: (() => {
      const d = deployment('web', { observedGeneration: null, generation: undefined });
      delete (d.metadata as Record<string, unknown>)['generation'];
      delete (d['status'] as Record<string, unknown>)['conditions'];
      delete (d['spec'] as Record<string, unknown>)['progressDeadlineSeconds'];
      return workloadInput({ workload: d, replicaSets: [replicaSet(NEW)], pods: podsOf(NEW, 3) });
    })(),
    verdict: 'ready',
    messages: { workload: 'exists', rollout: 'deployment "web" successfully rolled out' },
  },
  {
    name: 'RBAC: Pods unreadable → the pods check says why, others carry on',
    input: workloadInput({ workload: deployment('web'), replicaSets: [replicaSet(NEW)], pods: [], unavailable: { pods: 'cannot watch pods in namespace default: forbidden' } }),
    verdict: 'ready',
    statuses: { pods: 'skip', rollout: 'ok' },
    messages: { pods: 'not checked: cannot watch pods in namespace default: forbidden' },
  },
  {
    name: 'Pods and ReplicaSets of another Deployment are ignored',
    input: workloadInput({
      workload: deployment('web'),
      replicaSets: [replicaSet(NEW), replicaSet('webapp-6c7d8f9b4')],
      pods: [...podsOf(NEW, 3), ...podsOf('webapp-6c7d8f9b4', 2).map((p) => waiting(p, 'ErrImagePull'))],
    }),
    verdict: 'ready',
    messages: { pods: '3 of 3 ready' },
  },
];

describeWorkloadTable('analyseDeployment', cases, analyseDeployment, ['workload', 'rollout', 'replicasets', 'pods', 'available', 'events']);

describe('analyseDeployment', () => {
  it('never throws on malformed input', () => {
    const junk = { namespace: 5, name: null, now: 'x', workload: { metadata: {}, spec: 'no', status: [1] }, pods: [null, 3, { metadata: 1 }], replicaSets: 'x', events: {} };
    expect(() => analyseDeployment(junk as unknown as WorkloadTraceInput)).not.toThrow();
  });
});

describe('kubectlDeploymentStatus', () => {
  it('follows kubectl\'s order of questions', () => {
    expect(kubectlDeploymentStatus(deployment('web'))).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
    expect(kubectlDeploymentStatus(deployment('web', { updated: 1, replicasStatus: 4 })).message).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(kubectlDeploymentStatus(deployment('web', { replicasStatus: 4 })).message).toBe('Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
    expect(kubectlDeploymentStatus(deployment('web', { available: 2 })).message).toBe('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
  });
});

describe('findNewReplicaSet', () => {
  it('of two ReplicaSets matching the template, created in the same second, takes the first by name', () => {
    // controller.ReplicaSetsByCreationTimestamp: creation time (whole seconds), then name.
    const b = replicaSet('web-bbbbb', { createdSecondsAgo: 50 });
    const a = replicaSet('web-aaaaa', { createdSecondsAgo: 50 });
    expect(nameOf(findNewReplicaSet(deployment('web'), [b, a]))).toBe('web-aaaaa');
    expect(nameOf(findNewReplicaSet(deployment('web'), [a, b]))).toBe('web-aaaaa');
  });
});
