import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { NOW, ago, creating, event, initialising, notReady, pod, terminatingPod, unschedulable, waiting } from './fixtures/builders.js';
import { randomSequence } from './fixtures/sequences.js';
import { type PodHealth, describeAfresh, describePod, isPodReady } from './pod-state.js';

interface Case {
  name: string;
  pod: KubeObject;
  events?: KubeObject[];
  health: PodHealth;
  ready?: boolean;
  words: string;
  reason?: string;
  /** ServiceTraceInput.timeScale: the embedded cluster's speed factor. */
  timeScale?: number;
}

/** The one container was restarted `restarts` times, the last run exited with `exitCode`, and it runs again. */
function restartedAfter(p: KubeObject, restarts: number, exitCode: number): KubeObject {
  const c = (p['status'] as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0] as Record<string, unknown>;
  c['restartCount'] = restarts;
  c['lastState'] = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: ago(40), finishedAt: ago(21) } };
  return p;
}

const cases: Case[] = [
  { name: 'ready, with the time since it became ready', pod: pod('web-1', { readySecondsAgo: 3 }), health: 'ready', ready: true, words: 'ready for 3 s', reason: 'ready' },
  { name: 'ready for minutes', pod: pod('web-1', { readySecondsAgo: 125 }), health: 'ready', ready: true, words: 'ready for 2 m 5 s' },
  { name: 'ready on an old server (no PodReadyToStartContainers)', pod: pod('web-1', { legacy: true }), health: 'ready', ready: true, words: 'ready for 3 s' },
  {
    name: 'ready after restarts says so',
    pod: (() => {
      const p = pod('web-1');
      ((p['status'] as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0] as Record<string, unknown>)['restartCount'] = 2;
      return p;
    })(),
    health: 'ready',
    words: 'ready for 3 s (2 restarts)',
  },
  {
    name: 'unschedulable within the 15 s grace is progressing',
    pod: unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', 5),
    health: 'progressing',
    words: 'not scheduled yet: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    reason: 'not scheduled yet',
  },
  {
    name: 'unschedulable for longer than the grace is failing, with the scheduler message',
    pod: unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu.', 20),
    health: 'failing',
    words: 'not scheduled for 20 s: 0/3 nodes are available: 3 Insufficient cpu.',
    reason: 'unschedulable',
  },
  {
    name: 'scheduling gates hold it',
    pod: (() => {
      const p = unschedulable(pod('web-1'), '', 100);
      const c = (p['status'] as { conditions: Record<string, unknown>[] }).conditions[0] as Record<string, unknown>;
      c['reason'] = 'SchedulingGated';
      c['message'] = 'Scheduling is blocked due to non-empty scheduling gates';
      (p['spec'] as Record<string, unknown>)['schedulingGates'] = [{ name: 'example.com/quota' }];
      return p;
    })(),
    health: 'progressing',
    words: 'not scheduled: held by scheduling gates (example.com/quota)',
  },
  {
    name: 'no PodScheduled condition and no node yet',
    pod: (() => {
      const p = unschedulable(pod('web-1'), 'x', 1);
      (p['status'] as Record<string, unknown>)['conditions'] = [];
      return p;
    })(),
    health: 'progressing',
    words: 'waiting to be scheduled',
  },
  { name: 'creating containers', pod: creating(pod('web-1')), health: 'progressing', words: 'container web waiting: ContainerCreating', reason: 'starting' },
  {
    name: 'pulling, from the kubelet Pulling event',
    pod: creating(pod('web-1')),
    events: [event({ name: 'web-1', type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:1.27"' })],
    health: 'progressing',
    words: 'pulling image "nginx:1.27"',
    reason: 'pulling',
  },
  {
    name: 'pulled already: no longer pulling',
    pod: creating(pod('web-1')),
    events: [
      event({ name: 'web-1', type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:1.27"', lastSecondsAgo: 5 }),
      event({ name: 'web-1', type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image "nginx:1.27" in 2.1s', lastSecondsAgo: 3 }),
    ],
    health: 'progressing',
    words: 'container web waiting: ContainerCreating',
  },
  {
    name: 'image pull failure names the image',
    pod: waiting(pod('web-1', { image: 'nginx:nope' }), 'ErrImagePull', 'rpc error: code = NotFound', { phase: 'Pending' }),
    health: 'failing',
    words: 'image pull failing: ErrImagePull for "nginx:nope" (container web)',
    reason: 'image pull failing',
  },
  {
    name: 'image pull back-off',
    pod: waiting(pod('web-1', { image: 'registry.example.com/web:v2' }), 'ImagePullBackOff', 'Back-off pulling image "registry.example.com/web:v2"', { phase: 'Pending' }),
    health: 'failing',
    words: 'image pull failing: ImagePullBackOff for "registry.example.com/web:v2" (container web)',
  },
  {
    name: 'crash loop with the last exit code',
    pod: waiting(pod('web-1'), 'CrashLoopBackOff', 'back-off 40s restarting failed container=web pod=web-1_default(x)', {
      restarts: 3,
      lastTerminated: { exitCode: 1, reason: 'Error', startedAt: ago(50), finishedAt: ago(45) },
    }),
    health: 'failing',
    words: 'crash loop: container web restarted 3 times, last exit code 1',
    reason: 'crash loop',
  },
  {
    name: 'crash loop after OOMKilled',
    pod: waiting(pod('web-1'), 'CrashLoopBackOff', 'back-off 5m0s', { restarts: 12, lastTerminated: { exitCode: 137, reason: 'OOMKilled' } }),
    health: 'failing',
    words: 'crash loop: container web restarted 12 times, last exit code 137 (OOMKilled)',
  },
  {
    name: 'restarted after a non-zero exit, running again but not ready: still a crash loop (between two back-offs)',
    pod: restartedAfter(notReady(pod('web-1')), 1, 1),
    health: 'failing',
    ready: false,
    words: 'crash loop: container web restarted 1 time, last exit code 1',
    reason: 'crash loop',
  },
  {
    name: 'restarted after a non-zero exit, with old probe failures: a crash loop, not readiness failing',
    pod: restartedAfter(notReady(pod('web-1')), 2, 137),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 12 })],
    health: 'failing',
    words: 'crash loop: container web restarted 2 times, last exit code 137',
  },
  {
    name: 'restarted after exit code 0 and not ready yet: starting, not a crash loop',
    pod: restartedAfter(notReady(pod('web-1')), 1, 0),
    health: 'progressing',
    words: 'container web running for 20 s, not ready yet',
  },
  {
    name: 'restarted after a non-zero exit and ready again: ready',
    pod: restartedAfter(pod('web-1'), 1, 1),
    health: 'ready',
    words: 'ready for 3 s (1 restart)',
  },
  {
    name: 'missing ConfigMap',
    pod: waiting(pod('web-1'), 'CreateContainerConfigError', 'configmap "app-config" not found', { phase: 'Pending' }),
    health: 'failing',
    words: 'config error: configmap "app-config" not found (container web)',
    reason: 'config error',
  },
  {
    name: 'missing Secret key',
    pod: waiting(pod('web-1'), 'CreateContainerConfigError', "couldn't find key password in Secret default/db", { phase: 'Pending' }),
    health: 'failing',
    words: "config error: couldn't find key password in Secret default/db (container web)",
  },
  {
    name: 'readiness probe failing, from Warning Unhealthy events',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 12 })],
    health: 'unhealthy',
    words: 'readiness probe failing: HTTP probe failed with statuscode: 503 (12 times)',
    reason: 'readiness probe failing',
  },
  {
    name: 'readiness probe failing, events.k8s.io-style Event (eventTime + series)',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: Get "http://10.244.1.7:8080/healthz": dial tcp 10.244.1.7:8080: connect: connection refused', count: 4, modern: true })],
    health: 'unhealthy',
    words: 'readiness probe failing: Get "http://10.244.1.7:8080/healthz": dial tcp 10.244.1.7:8080: connect: connection refused (4 times)',
  },
  {
    name: 'readiness probe failed once in the first seconds: warming up, not unhealthy',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 1 })],
    health: 'progressing',
    words: 'started, readiness probe not passing yet: HTTP probe failed with statuscode: 503',
    reason: 'warming up',
  },
  {
    name: 'probe events of another Pod of the same name (older uid) are ignored',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', uid: 'an-older-pod', reason: 'Unhealthy', message: 'Readiness probe failed: 503', count: 3 })],
    health: 'progressing',
    words: 'container web running for 20 s, not ready yet',
  },
  {
    name: 'liveness probe failures alone do not read as readiness',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500' })],
    health: 'progressing',
    words: 'container web running for 20 s, not ready yet',
  },
  { name: 'init container running', pod: initialising(pod('web-1')), health: 'progressing', words: 'initialising: init container migrate running (0 of 1 done)', reason: 'initialising' },
  {
    name: 'init container crash-looping',
    pod: initialising(pod('web-1'), 'migrate', { crashLoop: true }),
    health: 'failing',
    words: 'crash loop: init container migrate restarted 4 times, last exit code 1 (0 of 1 done)',
    reason: 'init crash loop',
  },
  { name: 'terminating, within its grace period', pod: terminatingPod(pod('web-1'), 25), health: 'terminating', words: 'terminating (grace period ends in 25 s)' },
  { name: 'terminating past its grace period (a stuck finalizer or kubelet)', pod: terminatingPod(pod('web-1'), -70), health: 'terminating', words: 'terminating (grace period ended 1 m 10 s ago)' },
  {
    name: 'evicted',
    pod: (() => {
      const p = pod('web-1');
      Object.assign(p['status'] as object, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
      return p;
    })(),
    health: 'failing',
    ready: false,
    words: 'failed: Evicted: The node was low on resource: memory.',
  },
  {
    name: 'completed',
    pod: (() => {
      const p = pod('web-1');
      (p['status'] as Record<string, unknown>)['phase'] = 'Succeeded';
      return p;
    })(),
    health: 'done',
    ready: false,
    words: 'completed (Succeeded): it will not serve',
  },
  {
    name: 'readiness gate not satisfied',
    pod: (() => {
      const p = pod('web-1');
      const status = p['status'] as { conditions: Record<string, unknown>[] };
      const readyCondition = status.conditions.find((c) => c['type'] === 'Ready') as Record<string, unknown>;
      Object.assign(readyCondition, { status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "target-health.elbv2.k8s.aws/web" does not exist.' });
      return p;
    })(),
    health: 'progressing',
    words: 'not ready: corresponding condition of pod readiness gate "target-health.elbv2.k8s.aws/web" does not exist.',
  },

  // ───── a cluster running 10× faster than real time (kubespy demo --speed 10) ─────
  {
    name: 'speed 10: unschedulable for 2 s is past the 15 s grace',
    pod: unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu.', 2),
    timeScale: 10,
    health: 'failing',
    words: 'not scheduled for 2 s: 0/3 nodes are available: 3 Insufficient cpu.',
  },
  {
    name: 'speed 10: unschedulable for 1 s is still within the grace',
    pod: unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu.', 1),
    timeScale: 10,
    health: 'progressing',
    words: 'not scheduled yet: 0/3 nodes are available: 3 Insufficient cpu.',
  },
  {
    name: 'speed 10: a probe failing 20 s after start is past the 30 s warm-up',
    pod: notReady(pod('web-1')),
    events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 1 })],
    timeScale: 10,
    health: 'unhealthy',
    words: 'readiness probe failing: HTTP probe failed with statuscode: 503 (1 time)',
  },
  {
    name: 'a nonsensical time scale counts as real time',
    pod: unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu.', 2),
    timeScale: 0,
    health: 'progressing',
    words: 'not scheduled yet: 0/3 nodes are available: 3 Insufficient cpu.',
  },
];

describe('describePod', () => {
  it.each(cases)('$name', (c) => {
    const state = describePod(c.pod, { now: NOW, events: c.events ?? [], ...(c.timeScale !== undefined ? { timeScale: c.timeScale } : {}) });
    expect(state.words).toBe(c.words);
    expect(state.health).toBe(c.health);
    if (c.ready !== undefined) expect(state.ready).toBe(c.ready);
    if (c.reason !== undefined) expect(state.reason).toBe(c.reason);
  });

  it('never throws on malformed Pods', () => {
    const junk: unknown[] = [
      null,
      42,
      'pod',
      {},
      { metadata: null },
      { metadata: { name: 7 }, status: 'Running' },
      { metadata: {}, status: { conditions: 'yes', containerStatuses: [null, 1, { state: 'running' }] } },
      { metadata: {}, spec: { initContainers: [{}], containers: 'x' }, status: { initContainerStatuses: {} } },
      { metadata: { deletionTimestamp: 'not a time' } },
      { metadata: {}, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: 5 }] } },
    ];
    for (const p of junk) {
      const state = describePod(p, { now: NOW, events: [null as unknown as KubeObject, { metadata: {} } as KubeObject] });
      expect(typeof state.words).toBe('string');
    }
  });

  // The shortcuts read once per Pod object (issue 6) rest on a claim: whether a Pod reads as ready
  // depends on the Pod alone, not on `now`, the time scale or events. Checked at times from long
  // before to long after the fixtures' moments, against the full reading.
  it('reads a Pod as the full reading does, at any time, time scale and events', () => {
    const pods = [...cases.map((c) => c.pod), ...[1, 2, 3].flatMap((seed) => randomSequence(seed, 60, 0.5).flatMap((step) => step.pods))];
    const eventLists = [[], ...cases.map((c) => c.events ?? []).filter((e) => e.length > 0)];
    let compared = 0;
    for (const p of new Set(pods)) {
      for (const now of [0, NOW - 3_600_000, NOW - 10_000, NOW, NOW + 14_000, NOW + 40_000, NOW + 7_200_000]) {
        for (const timeScale of [undefined, 10]) {
          for (const events of eventLists) {
            const options = { now, events, ...(timeScale !== undefined ? { timeScale } : {}) };
            const full = describeAfresh(structuredClone(p), options);
            expect(describePod(p, options)).toEqual(full);
            expect(isPodReady(p)).toBe(full.ready);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
