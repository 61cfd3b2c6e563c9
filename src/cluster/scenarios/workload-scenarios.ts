/**
 * The workload stories of `kubespy demo` (issue 4): rollouts traced with `kubespy trace
 * deployment|statefulset`. Each starts in its own namespace so scenarios never see each other's
 * objects. Image changes are sent as `kubectl set image` sends them (a strategic merge patch of
 * the container list by name).
 */
import { deployment, namespace } from './manifests.js';
import type { Manifest, Scenario } from './types.js';

const SECOND = 1000;

/** The first step of every story: its own namespace. */
function namespaceStep(name: string): Scenario['steps'][number] {
  return { after: 0, narration: `Namespace ${name} is created`, run: (s) => void s.create('namespaces', undefined, namespace(name)) };
}

/** The patch `kubectl set image deployment/NAME CONTAINER=IMAGE` sends. */
function setImage(container: string, image: string): Record<string, unknown> {
  return { spec: { template: { spec: { containers: [{ name: container, image }] } } } };
}

export const rolloutSucceeds: Scenario = {
  name: 'rollout-succeeds',
  title: 'A rolling update that succeeds',
  description:
    'Deployment web (3 replicas) comes up at nginx:1.27; then `kubectl set image` moves it to nginx:1.28: a new ReplicaSet scales up one Pod at a time while the old one scales down, until kubectl would say "successfully rolled out".',
  target: { kind: 'deployment', namespace: 'rollout', name: 'web' },
  steps: [
    namespaceStep('rollout'),
    {
      after: 1 * SECOND,
      narration: 'Deployment web (3 replicas, nginx:1.27) is created',
      run: (s) => void s.create('deployments.apps', 'rollout', deployment({ name: 'web', namespace: 'rollout', replicas: 3, labels: { app: 'web' }, readinessProbe: true, knobs: { 'sim.kubespy.dev/readiness': 'after:2s' } })),
    },
    {
      after: 14 * SECOND,
      narration: 'kubectl set image deployment/web web=nginx:1.28',
      run: (s) => void s.patch('deployments.apps', 'rollout', 'web', 'strategic', setImage('web', 'nginx:1.28')),
    },
  ],
  verdicts: ['absent', 'pending', 'ready', 'pending', 'ready'],
  settle: 20 * SECOND,
};

export const rolloutImageFix: Scenario = {
  name: 'rollout-image-fix',
  title: 'A rollout stuck on an image pull, fixed by rolling forward',
  description:
    'Deployment api runs 2 Pods; `kubectl set image` points it at a tag that does not exist, so the new Pod cannot pull its image and the rollout stops with the old Pods still serving. Setting a good image rolls forward and completes.',
  target: { kind: 'deployment', namespace: 'imagefix', name: 'api' },
  steps: [
    namespaceStep('imagefix'),
    {
      after: 1 * SECOND,
      narration: 'Deployment api (2 replicas, nginx:1.27) is created',
      run: (s) => void s.create('deployments.apps', 'imagefix', deployment({ name: 'api', namespace: 'imagefix', replicas: 2, labels: { app: 'api' } })),
    },
    {
      after: 12 * SECOND,
      narration: 'kubectl set image deployment/api api=nginx:1.28-doesnotexist',
      run: (s) => void s.patch('deployments.apps', 'imagefix', 'api', 'strategic', setImage('api', 'nginx:1.28-doesnotexist')),
    },
    {
      after: 15 * SECOND,
      narration: 'The tag is fixed: kubectl set image deployment/api api=nginx:1.28',
      run: (s) => void s.patch('deployments.apps', 'imagefix', 'api', 'strategic', setImage('api', 'nginx:1.28')),
    },
  ],
  verdicts: ['absent', 'pending', 'ready', 'pending', 'failing', 'pending', 'ready'],
  settle: 15 * SECOND,
};

export const crashLoop: Scenario = {
  name: 'crash-loop',
  title: 'Pods in a crash loop',
  description:
    'Deployment worker starts 2 Pods whose container exits with code 1 shortly after starting: the kubelet restarts them with a growing back-off (CrashLoopBackOff) and the rollout cannot finish. A fixed template rolls out and the Deployment becomes ready.',
  target: { kind: 'deployment', namespace: 'crash', name: 'worker' },
  steps: [
    namespaceStep('crash'),
    {
      after: 1 * SECOND,
      narration: 'Deployment worker (its container exits with code 1) is created',
      run: (s) => void s.create('deployments.apps', 'crash', deployment({ name: 'worker', namespace: 'crash', replicas: 2, labels: { app: 'worker' }, readinessProbe: true, knobs: { 'sim.kubespy.dev/crash': 'exit:1', 'sim.kubespy.dev/readiness': 'after:20s' } })),
    },
    {
      after: 25 * SECOND,
      narration: 'The bug is fixed: a new template without the crash rolls out (kubectl apply)',
      run: (s) => void s.patch('deployments.apps', 'crash', 'worker', 'merge', { spec: { template: { metadata: { annotations: { 'sim.kubespy.dev/crash': null, 'sim.kubespy.dev/readiness': 'pass' } } } } }),
    },
  ],
  verdicts: ['absent', 'pending', 'failing', 'pending', 'ready'],
  settle: 15 * SECOND,
};

export const progressDeadline: Scenario = {
  name: 'progress-deadline',
  title: 'A rollout that exceeds its progress deadline',
  description:
    'Deployment slow has progressDeadlineSeconds 20 and Pods whose readiness probe never passes: no Pod becomes available, the controller marks the Deployment Progressing=False ProgressDeadlineExceeded, and `kubectl rollout status` would fail with "exceeded its progress deadline".',
  target: { kind: 'deployment', namespace: 'deadline', name: 'slow' },
  steps: [
    namespaceStep('deadline'),
    {
      after: 1 * SECOND,
      narration: 'Deployment slow (readiness never passes, progressDeadlineSeconds 20) is created',
      run: (s) =>
        void s.create(
          'deployments.apps',
          'deadline',
          deployment({ name: 'slow', namespace: 'deadline', replicas: 2, labels: { app: 'slow' }, readinessProbe: true, progressDeadlineSeconds: 20, knobs: { 'sim.kubespy.dev/readiness': 'fail' } }),
        ),
    },
  ],
  verdicts: ['absent', 'pending', 'failing'],
  settle: 35 * SECOND,
};

/** A StatefulSet and its governing headless Service, as `kubectl apply -f` sends them. */
function statefulSet(image: string): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'stateful', labels: { app: 'db' } },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' }, annotations: { 'sim.kubespy.dev/readiness': 'after:1s' } },
        spec: { containers: [{ name: 'db', image, ports: [{ name: 'pg', containerPort: 5432 }], readinessProbe: { tcpSocket: { port: 'pg' }, periodSeconds: 5 } }] },
      },
    },
  };
}

export const statefulSetRollout: Scenario = {
  name: 'statefulset-rollout',
  title: 'A StatefulSet rolling update, ordinal by ordinal',
  description:
    'StatefulSet db (3 replicas, governing headless Service db) starts its Pods one at a time, db-0 first; then a new image rolls out from the highest ordinal down, each Pod replaced and ready before the next, until currentRevision equals updateRevision.',
  target: { kind: 'statefulset', namespace: 'stateful', name: 'db' },
  steps: [
    namespaceStep('stateful'),
    {
      after: 1 * SECOND,
      narration: 'Headless Service db and StatefulSet db (3 replicas, postgres:16) are created',
      run: (s) => {
        s.create('services', 'stateful', {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'db', namespace: 'stateful' },
          spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] },
        });
        s.create('statefulsets.apps', 'stateful', statefulSet('postgres:16'));
      },
    },
    {
      after: 20 * SECOND,
      narration: 'kubectl set image statefulset/db db=postgres:17',
      run: (s) => void s.patch('statefulsets.apps', 'stateful', 'db', 'strategic', setImage('db', 'postgres:17')),
    },
  ],
  verdicts: ['absent', 'pending', 'ready', 'pending', 'ready'],
  settle: 25 * SECOND,
};

export const WORKLOAD_SCENARIOS: Scenario[] = [rolloutSucceeds, rolloutImageFix, crashLoop, progressDeadline, statefulSetRollout];
