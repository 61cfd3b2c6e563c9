import { describe, expect, it } from 'vitest';
import { waiting } from './fixtures/builders.js';
import { type WorkloadCase, headlessService, describeWorkloadTable, statefulPod, statefulSet, workloadInput } from './fixtures/workloads.js';
import { analyseStatefulSet, kubectlStatefulSetStatus } from './statefulset.js';

const R1 = 'db-5d8f7c9b4';
const R2 = 'db-7c6b5d4f8';
const input = (o: Parameters<typeof workloadInput>[0]) => workloadInput({ name: 'db', governingService: headlessService('db'), ...o });
const pods = (revisions: string[]) => revisions.map((r, i) => statefulPod('db', i, r));

const cases: WorkloadCase[] = [
  {
    name: 'rolled out: kubectl\'s "partitioned roll out complete" (partition 0 is the API default)',
    input: input({ workload: statefulSet('db'), pods: pods([R1, R1, R1]) }),
    verdict: 'ready',
    summary: 'StatefulSet default/db · 3 replicas · READY',
    messages: { rollout: 'partitioned roll out complete: 3 new pods have been updated...', revisions: `all Pods at revision ${R1} (3 of 3)`, pods: '3 of 3 ready' },
    details: { workload: ['governing Service db (headless): Pods resolve as db-N.db.default.svc'], pods: [`db-0  node-1  ${R1} (updated)  ready for 30 s`] },
  },
  {
    name: 'ordinal by ordinal: db-0 ready, db-1 starting, db-2 not created yet',
    input: input({ workload: statefulSet('db', { ready: 1, available: 1 }), pods: [statefulPod('db', 0, R1), waiting(statefulPod('db', 1, R1), 'ContainerCreating', undefined, { phase: 'Pending' })] }),
    verdict: 'pending',
    messages: { rollout: 'Waiting for 2 pods to be ready...', pods: '1 of 3 ready · 1 starting' },
    details: { pods: ['db-1  node-2', 'db-2  not created yet'] },
  },
  {
    name: 'rolling update from the highest ordinal: currentRevision vs updateRevision',
    input: (() => {
      const sts = statefulSet('db', { generation: 2, current: R1, update: R2, updated: 1, currentReplicas: 2, noRollingUpdate: true });
      return input({ workload: sts, pods: pods([R1, R1, R2]) });
    })(),
    verdict: 'pending',
    statuses: { rollout: 'pending', revisions: 'pending' },
    messages: { rollout: `waiting for statefulset rolling update to complete 1 pods at revision ${R2}...`, revisions: `currentRevision ${R1} (2 Pods) → updateRevision ${R2} (1 Pod)` },
    details: { pods: [`db-2  node-3  ${R2} (updated)`] },
  },
  {
    name: 'partition 2: only db-2 is updated, and that completes the partitioned rollout',
    input: input({ workload: statefulSet('db', { generation: 2, current: R1, update: R2, updated: 1, partition: 2 }), pods: pods([R1, R1, R2]) }),
    verdict: 'ready',
    messages: { rollout: 'partitioned roll out complete: 1 new pods have been updated...', revisions: `currentRevision ${R1} (2 Pods) → updateRevision ${R2} (1 Pod) · partition 2 reached` },
    details: { rollout: ['partition 2: only ordinals ≥ 2 are updated'] },
  },
  {
    name: 'OnDelete: old Pods wait to be deleted; not a failure',
    input: input({ workload: statefulSet('db', { strategy: 'OnDelete', generation: 2, current: R1, update: R2, updated: 0 }), pods: pods([R1, R1, R1]) }),
    verdict: 'ready',
    statuses: { rollout: 'info', revisions: 'info' },
    messages: { rollout: 'OnDelete: 3 Pods still at an older revision; they update when you delete them' },
    details: { rollout: ['delete db-0 to update it'] },
  },
  {
    name: 'governing Service missing → degraded',
    input: input({ workload: statefulSet('db'), pods: pods([R1, R1, R1]), governingService: undefined }),
    verdict: 'degraded',
    statuses: { workload: 'warn' },
    messages: { workload: 'exists, generation 1 observed; governing Service db not found: Pods get no stable DNS names (db-0.db)' },
  },
  {
    name: 'a stuck ordinal holds back the rest → failing',
    input: input({ workload: statefulSet('db', { ready: 1 }), pods: [statefulPod('db', 0, R1), waiting(statefulPod('db', 1, R1), 'CrashLoopBackOff', undefined, { restarts: 3, lastTerminated: { exitCode: 1 } })] }),
    verdict: 'failing',
    statuses: { rollout: 'fail' },
    details: { rollout: ['held back by Pod db-1  node-2  crash loop: container web restarted 3 times, last exit code 1'] },
  },
  {
    name: 'old server: no availableReplicas, no rollingUpdate block',
    input: input({ workload: statefulSet('db', { available: null, noRollingUpdate: true }), pods: pods([R1, R1, R1]) }),
    verdict: 'ready',
    messages: { rollout: `statefulset rolling update complete 3 pods at revision ${R1}...`, available: '3 of 3 available' },
  },
];

describeWorkloadTable('analyseStatefulSet', cases, analyseStatefulSet, ['workload', 'rollout', 'revisions', 'pods', 'available', 'events']);

describe('analyseStatefulSet', () => {

  it('kubectl refuses rollout status for OnDelete', () => {
    expect(kubectlStatefulSetStatus(statefulSet('db', { strategy: 'OnDelete' }))).toMatchObject({ error: true, message: 'rollout status is only available for RollingUpdate strategy type' });
  });
});
