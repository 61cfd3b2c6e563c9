import { waiting } from './fixtures/builders.js';
import { type WorkloadCase, podsOf, replicaSet, describeWorkloadTable, workloadInput } from './fixtures/workloads.js';
import { analyseReplicaSet } from './replicaset.js';

const RS = 'web-7d9c6f5b8';
const input = (o: Parameters<typeof workloadInput>[0]) => workloadInput({ name: RS, ...o });

const cases: WorkloadCase[] = [
  { name: 'absent', input: input({}), verdict: 'absent', messages: { workload: `not found: waiting for ReplicaSet ${RS} to be created in namespace default` } },
  {
    name: 'all replicas ready and available',
    input: input({ workload: replicaSet(RS), pods: podsOf(RS, 3) }),
    verdict: 'ready',
    summary: `ReplicaSet default/${RS} · 3 replicas · READY`,
    messages: { rollout: '3 of 3 Pods created', pods: '3 of 3 ready', available: '3 of 3 available' },
    details: { rollout: ['managed by Deployment web: trace the Deployment to follow its rollout'] },
  },
  {
    name: 'Pods being created',
    input: input({ workload: replicaSet(RS, { current: 1, ready: 1, available: 1 }), pods: podsOf(RS, 1) }),
    verdict: 'pending',
    statuses: { rollout: 'pending', available: 'pending' },
    messages: { rollout: '1 of 3 Pods created', available: '1 of 3 available' },
  },
  {
    name: 'ReplicaFailure: quota refuses Pods → failing',
    input: input({
      workload: replicaSet(RS, { current: 1, ready: 1, available: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota: compute' }] }),
      pods: podsOf(RS, 1),
    }),
    verdict: 'failing',
    statuses: { rollout: 'fail' },
    messages: { rollout: '1 of 3 Pods created: ReplicaFailure True FailedCreate: pods "web-x" is forbidden: exceeded quota: compute' },
  },
  {
    name: 'scaled down: extra Pods being removed',
    input: input({ workload: replicaSet(RS, { replicas: 1, current: 3 }), pods: podsOf(RS, 3) }),
    verdict: 'pending',
    messages: { rollout: '3 Pods, 2 more than the 1 wanted: being removed' },
  },
  {
    name: 'image pull failure → failing, with the Pod named',
    input: input({ workload: replicaSet(RS, { ready: 2, available: 2 }), pods: [...podsOf(RS, 2), waiting(podsOf(RS, 1, 2)[0]!, 'ErrImagePull', undefined, { phase: 'Pending' })] }),
    verdict: 'failing',
    messages: { pods: '2 of 3 ready · 1 image pull failing' },
    details: { pods: [`${RS}-p2  node-3  image pull failing: ErrImagePull for "nginx:1.27" (container web)`] },
  },
  {
    name: 'a bare ReplicaSet (no owner), scaled to 0',
    input: input({ workload: replicaSet(RS, { owner: null, replicas: 0 }), pods: [] }),
    verdict: 'ready',
    messages: { pods: 'none wanted (scaled to 0)', available: 'scaled to 0: no Pods wanted' },
  },
];

describeWorkloadTable('analyseReplicaSet', cases, analyseReplicaSet, ['workload', 'rollout', 'pods', 'available', 'events']);
