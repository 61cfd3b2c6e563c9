import { creating, event, initialising, pod, terminatingPod, unschedulable, waiting } from './fixtures/builders.js';
import { type WorkloadCase, describeWorkloadTable, workloadInput } from './fixtures/workloads.js';
import { analysePod } from './pod.js';

const NAME = 'web-7d9c6f5b8-2xkqp';
const input = (o: Parameters<typeof workloadInput>[0]) => workloadInput({ name: NAME, ...o });
const webPod = () => pod(NAME, { replicaSet: 'web-7d9c6f5b8', readySecondsAgo: 3, createdSecondsAgo: 20 });

const cases: WorkloadCase[] = [
  { name: 'absent', input: input({}), verdict: 'absent', messages: { workload: `not found: waiting for Pod ${NAME} to be created in namespace default` } },
  {
    name: 'ready: the whole timeline, with the owner and events of every type',
    input: input({
      workload: webPod(),
      events: [
        event({ name: NAME, reason: 'Scheduled', message: `Successfully assigned default/${NAME} to node-1`, type: 'Normal', lastSecondsAgo: 19 }),
        event({ name: NAME, reason: 'Started', message: 'Started container web', type: 'Normal', lastSecondsAgo: 10 }),
      ],
    }),
    verdict: 'ready',
    summary: `Pod default/${NAME} · node-1 · READY`,
    messages: { workload: 'exists, phase Running, on node-1, IP 10.244.1.7', rollout: 'ready 17 s after it was created', pods: 'ready for 3 s', events: '2 events, latest: Started' },
    details: {
      workload: ['owner: ReplicaSet web-7d9c6f5b8 (Deployment web)'],
      rollout: ['✓ created  +0 s', '✓ scheduled on node-1  +0 s', '✓ initialised', '✓ containers started (1)', '✓ ready  +17 s'],
      pods: ['web  running for 20 s, ready'],
      events: ['10 s ago  Pod web-7d9c6f5b8-2xkqp  Started: Started container web'],
    },
  },
  {
    name: 'unschedulable for a minute → failing with the scheduler\'s message',
    input: input({ workload: unschedulable(webPod(), '0/3 nodes are available: 3 Insufficient memory.', 60) }),
    verdict: 'failing',
    statuses: { rollout: 'fail', pods: 'fail' },
    messages: { rollout: 'stuck before scheduled: not scheduled for 1 m: 0/3 nodes are available: 3 Insufficient memory.' },
    details: { rollout: ['· scheduled', '· ready'] },
  },
  {
    name: 'initialising: init container running',
    input: input({ workload: initialising(webPod()) }),
    verdict: 'pending',
    messages: { rollout: 'scheduled on node-1; next: initialised (1 init container)', pods: 'initialising: init container migrate running (0 of 1 done)' },
    details: { pods: ['init migrate  running for 4 s, not ready', 'web  waiting: PodInitializing'] },
  },
  {
    name: 'creating containers',
    input: input({ workload: creating(webPod()) }),
    verdict: 'pending',
    details: { pods: ['web  waiting: ContainerCreating'] },
  },
  {
    name: 'crash loop: restarts and last exit code (OOMKilled)',
    input: input({ workload: waiting(webPod(), 'CrashLoopBackOff', 'back-off 1m20s restarting failed container=web', { restarts: 5, lastTerminated: { exitCode: 137, reason: 'OOMKilled' } }) }),
    verdict: 'failing',
    messages: { pods: 'crash loop: container web restarted 5 times, last exit code 137 (OOMKilled)', available: 'not ready: containers with unready status: [web]' },
    details: { pods: ['web  waiting: CrashLoopBackOff — back-off 1m20s restarting failed container=web · 5 restarts · last exit code 137 (OOMKilled)'] },
  },
  {
    name: 'missing ConfigMap: config error',
    input: input({ workload: waiting(webPod(), 'CreateContainerConfigError', 'configmap "settings" not found') }),
    verdict: 'failing',
    messages: { pods: 'config error: configmap "settings" not found (container web)' },
  },
  {
    name: 'terminating',
    input: input({ workload: terminatingPod(webPod()) }),
    verdict: 'pending',
    statuses: { workload: 'warn' },
    messages: { pods: 'terminating (grace period ends in 25 s)' },
  },
  {
    name: 'old server: no PodReadyToStartContainers, legacy events',
    input: input({ workload: pod(NAME, { legacy: true, replicaSet: 'web-7d9c6f5b8' }) }),
    verdict: 'ready',
    messages: { events: 'no events' },
  },
];

describeWorkloadTable('analysePod', cases, analysePod, ['workload', 'rollout', 'pods', 'available', 'events']);
