import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';
import { createKubeletController, normalizeImage } from './kubelet.js';
import { INIT_CRASH_KNOB, INIT_KNOB, readInitKnobs } from './knobs.js';
import { createNodesController } from './nodes.js';
import type { Controller, ControllerContext } from './runtime.js';
import { createSchedulerController } from './scheduler.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface ContainerStatus {
  name: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  state: Record<string, Record<string, unknown>>;
  lastState: Record<string, Record<string, unknown>>;
}

interface PodStatus {
  phase?: string;
  podIP?: string;
  hostIP?: string;
  conditions?: Array<Record<string, unknown>>;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

function cluster() {
  const clock = new ManualClock();
  const store = createStore({ clock });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
  const controllers: Controller[] = [createNodesController(), createSchedulerController(), createKubeletController()];
  for (const c of controllers) c.start(ctx);
  const settle = async () => {
    for (let i = 0; i < 20; i++) await tick();
  };
  return {
    clock,
    store,
    settle,
    /** Moves simulated time in steps, letting queued reconciles run between them. */
    async advance(ms: number, step = 250) {
      await settle();
      for (let t = 0; t < ms; t += step) {
        clock.advance(Math.min(step, ms - t));
        await settle();
      }
    },
    create(name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}) {
      return store.create('pods', 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, annotations },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
      });
    },
    status(name: string): PodStatus {
      return store.get('pods', 'default', name).status as PodStatus;
    },
    events(name: string): Array<{ type: string; reason: string; message: string; count: number; fieldPath?: string }> {
      return store
        .list('events')
        .items.filter((e) => (e.involvedObject as { name?: string }).name === name && (e.source as { component?: string }).component === 'kubelet')
        .map((e) => ({
          type: String(e.type),
          reason: String(e.reason),
          message: String(e.message),
          count: Number(e.count),
          fieldPath: (e.involvedObject as { fieldPath?: string }).fieldPath,
        }));
    },
    stop() {
      for (const c of controllers) c.stop();
    },
  };
}

/** The first container's successive states as `kind:reason:restarts`, recorded from every Pod write. */
function stateTrail(c: ReturnType<typeof cluster>, field: 'containerStatuses' | 'initContainerStatuses'): string[] {
  const seen: string[] = [];
  c.store.subscribe((change) => {
    if (change.resource.plural !== 'pods' || change.type === 'DELETED') return;
    const s = (change.object.status as PodStatus)[field]?.[0];
    if (!s) return;
    const [kind, detail] = Object.entries(s.state)[0] ?? [];
    const label = `${String(kind)}:${String(detail?.reason ?? '-')}:${s.restartCount}`;
    if (seen[seen.length - 1] !== label) seen.push(label);
  });
  return seen;
}

const condition = (status: PodStatus, type: string) => status.conditions?.find((c) => c.type === type);
const web = (status: PodStatus) => status.containerStatuses?.[0] as ContainerStatus;

describe('normalizeImage', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['registry.k8s.io/coredns/coredns:v1.11.3', 'registry.k8s.io/coredns/coredns:v1.11.3'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
  ])('%s → %s', (image, normalized) => {
    expect(normalizeImage(image)).toBe(normalized);
  });
});

describe('kubelet', () => {
  it('starts a healthy Pod: sandbox, pull, Created, Started, Ready', async () => {
    const c = cluster();
    c.create('web');
    await c.settle();
    // Bound, sandbox not ready yet: Pending, ContainerCreating, no Pod IP.
    let status = c.status('web');
    expect(status).toMatchObject({ phase: 'Pending', hostIP: '172.18.0.2' });
    expect(status.podIP).toBeUndefined();
    expect(web(status).state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(condition(status, 'PodReadyToStartContainers')).toMatchObject({ status: 'False' });
    expect(condition(status, 'Initialized')).toMatchObject({ status: 'True' });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
    expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(condition(status, 'PodScheduled')).toMatchObject({ status: 'True' });

    await c.advance(3000);
    status = c.status('web');
    expect(status.phase).toBe('Running');
    expect(status.podIP).toMatch(/^10\.244\.1\.\d+$/);
    expect(web(status)).toMatchObject({
      name: 'web',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'docker.io/library/nginx:1.27',
      imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/),
      containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
      lastState: {},
    });
    expect(Object.keys(web(status).state)).toEqual(['running']);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True' });
    expect(condition(status, 'Ready')).not.toHaveProperty('reason');
    expect(status.conditions?.map((x) => x.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(c.events('web').map((e) => [e.reason, e.message])).toEqual([
      ['Pulling', 'Pulling image "nginx:1.27"'],
      ['Pulled', expect.stringMatching(/^Successfully pulled image "nginx:1\.27" in 1\.2s \(1\.2s including waiting\)\. Image size: \d+ bytes\.$/)],
      ['Created', 'Created container: web'],
      ['Started', 'Started container web'],
    ]);
    expect(c.events('web').every((e) => e.fieldPath === 'spec.containers{web}')).toBe(true);
    // Settled: no write keeps triggering another.
    const rv = c.store.currentResourceVersion();
    await c.advance(1000);
    expect(c.store.currentResourceVersion()).toBe(rv);
    c.stop();
  });

  it('gives every Pod on a node its own IP and skips the pull when the image is present', async () => {
    const c = cluster();
    for (let i = 0; i < 6; i++) c.create(`p${i}`);
    await c.advance(3000);
    const ips = Array.from({ length: 6 }, (_, i) => c.status(`p${i}`).podIP);
    expect(new Set(ips).size).toBe(6);
    c.create('late', { nodeName: 'node-1' });
    await c.advance(3000);
    expect(c.events('late').map((e) => e.message)).toContain('Container image "nginx:1.27" already present on machine');
    c.stop();
  });

  type Case = {
    name: string;
    annotations?: Record<string, string>;
    spec?: Record<string, unknown>;
    after: number;
    expect: (status: PodStatus, events: ReturnType<ReturnType<typeof cluster>['events']>) => void;
  };

  it.each<Case>([
    {
      name: 'readiness fail: Running, never Ready, Unhealthy every period',
      annotations: { 'sim.kubespy.dev/readiness': 'fail' },
      after: 45_000,
      expect: (status, events) => {
        expect(status.phase).toBe('Running');
        expect(web(status)).toMatchObject({ ready: false, started: true });
        expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
        const unhealthy = events.filter((e) => e.reason === 'Unhealthy');
        expect(unhealthy).toHaveLength(1);
        expect(unhealthy[0]).toMatchObject({ type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' });
        expect(unhealthy[0]?.count).toBeGreaterThanOrEqual(4);
      },
    },
    {
      name: 'readiness after:20s, not yet',
      annotations: { 'sim.kubespy.dev/readiness': 'after:20s' },
      after: 15_000,
      expect: (status) => {
        expect(status.phase).toBe('Running');
        expect(condition(status, 'Ready')).toMatchObject({ status: 'False' });
      },
    },
    {
      name: 'readiness after:20s, ready',
      annotations: { 'sim.kubespy.dev/readiness': 'after:20s' },
      after: 25_000,
      expect: (status) => {
        expect(condition(status, 'Ready')).toMatchObject({ status: 'True' });
        expect(web(status).ready).toBe(true);
      },
    },
    {
      name: 'readinessProbe initialDelaySeconds: not ready before it',
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 10 } }] },
      after: 8000,
      expect: (status) => expect(condition(status, 'Ready')).toMatchObject({ status: 'False' }),
    },
    {
      name: 'readinessProbe initialDelaySeconds: ready after it',
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 10 } }] },
      after: 14_000,
      expect: (status) => expect(condition(status, 'Ready')).toMatchObject({ status: 'True' }),
    },
    {
      name: 'startup knob: still creating',
      annotations: { 'sim.kubespy.dev/startup': '10s' },
      after: 8000,
      expect: (status) => {
        expect(status.phase).toBe('Pending');
        expect(web(status).state).toEqual({ waiting: { reason: 'ContainerCreating' } });
      },
    },
    {
      name: 'startup knob: started',
      annotations: { 'sim.kubespy.dev/startup': '10s' },
      after: 11_000,
      expect: (status) => {
        expect(status.phase).toBe('Running');
        expect(condition(status, 'Ready')).toMatchObject({ status: 'True' });
      },
    },
    {
      name: 'image pull knob: ImagePullBackOff, Pending',
      annotations: { 'sim.kubespy.dev/image-pull': 'fail' },
      after: 5000,
      expect: (status, events) => {
        expect(status.phase).toBe('Pending');
        expect(web(status).state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.27"' } });
        expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([
          ['Normal', 'Pulling', 'Pulling image "nginx:1.27"'],
          [
            'Warning',
            'Failed',
            'Failed to pull image "nginx:1.27": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27": failed to resolve reference "docker.io/library/nginx:1.27": docker.io/library/nginx:1.27: not found',
          ],
          ['Warning', 'Failed', 'Error: ErrImagePull'],
          ['Normal', 'BackOff', 'Back-off pulling image "nginx:1.27"'],
          ['Warning', 'Failed', 'Error: ImagePullBackOff'],
        ]);
      },
    },
    {
      name: 'image that does not exist: retried with back-off',
      spec: { containers: [{ name: 'web', image: 'nginx:doesnotexist' }] },
      after: 60_000,
      expect: (status, events) => {
        expect(status.phase).toBe('Pending');
        expect(web(status).state.waiting?.reason).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
        expect(events.find((e) => e.reason === 'Pulling')?.count).toBeGreaterThanOrEqual(3);
      },
    },
    {
      name: 'crash exit:1 → CrashLoopBackOff, Running',
      annotations: { 'sim.kubespy.dev/crash': 'exit:1' },
      after: 30_000,
      expect: (status, events) => {
        expect(status.phase).toBe('Running');
        const s = web(status);
        expect(s.restartCount).toBeGreaterThanOrEqual(2);
        expect(s.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
        expect(events.find((e) => e.reason === 'BackOff')).toMatchObject({
          type: 'Warning',
          message: expect.stringMatching(/^Back-off restarting failed container web in pod web_default\([0-9a-f-]+\)$/),
        });
        expect(condition(status, 'Ready')).toMatchObject({ status: 'False' });
      },
    },
    {
      name: 'crash oom',
      annotations: { 'sim.kubespy.dev/crash': 'oom' },
      after: 5000,
      expect: (status) => expect(web(status).lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' }),
    },
    {
      name: 'restartPolicy Never + exit:2 → Failed',
      annotations: { 'sim.kubespy.dev/crash': 'exit:2' },
      spec: { restartPolicy: 'Never' },
      after: 10_000,
      expect: (status) => {
        expect(status.phase).toBe('Failed');
        expect(web(status)).toMatchObject({ restartCount: 0, ready: false, state: { terminated: { exitCode: 2, reason: 'Error' } } });
        expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
        expect(condition(status, 'PodReadyToStartContainers')).toMatchObject({ status: 'False' });
      },
    },
    {
      name: 'restartPolicy OnFailure + exit:0 → Succeeded',
      annotations: { 'sim.kubespy.dev/crash': 'exit:0' },
      spec: { restartPolicy: 'OnFailure' },
      after: 10_000,
      expect: (status) => {
        expect(status.phase).toBe('Succeeded');
        expect(web(status).state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
        expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
      },
    },
    {
      name: 'missing ConfigMap in env → CreateContainerConfigError',
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'settings' } }] }] },
      after: 5000,
      expect: (status, events) => {
        expect(status.phase).toBe('Pending');
        expect(web(status).state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' } });
        expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: configmap "settings" not found' }));
      },
    },
    {
      name: 'optional ConfigMap reference is fine',
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'settings', optional: true } }] }] },
      after: 5000,
      expect: (status) => expect(status.phase).toBe('Running'),
    },
    {
      name: 'missing Secret volume → ContainerCreating with FailedMount',
      spec: { volumes: [{ name: 'creds', secret: { secretName: 'db' } }] },
      after: 5000,
      expect: (status, events) => {
        expect(status.phase).toBe('Pending');
        expect(web(status).state).toEqual({ waiting: { reason: 'ContainerCreating' } });
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'Warning', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "creds" : secret "db" not found' }),
        );
      },
    },
    {
      name: 'init container runs to completion first',
      spec: { initContainers: [{ name: 'migrate', image: 'busybox:1.36' }] },
      after: 8000,
      expect: (status, events) => {
        expect(status.phase).toBe('Running');
        expect(status.initContainerStatuses?.[0]).toMatchObject({ name: 'migrate', ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
        expect(condition(status, 'Initialized')).toMatchObject({ status: 'True' });
        const order = events.map((e) => `${e.reason}:${e.fieldPath ?? ''}`);
        expect(order.indexOf('Started:spec.initContainers{migrate}')).toBeLessThan(order.indexOf('Pulling:spec.containers{web}'));
      },
    },
    {
      name: 'readiness gate not yet True keeps the Pod unready',
      spec: { readinessGates: [{ conditionType: 'example.com/lb-ready' }] },
      after: 5000,
      expect: (status) => {
        expect(condition(status, 'ContainersReady')).toMatchObject({ status: 'True' });
        expect(condition(status, 'Ready')).toMatchObject({
          status: 'False',
          reason: 'ReadinessGatesNotReady',
          message: 'corresponding condition of pod readiness gate "example.com/lb-ready" does not exist.',
        });
      },
    },
  ])('$name', async ({ annotations, spec, after, expect: check }) => {
    const c = cluster();
    c.create('web', spec, annotations);
    await c.advance(after);
    check(c.status('web'), c.events('web'));
    c.stop();
  });

  it('shows Init:0/1 while the init container runs', async () => {
    const c = cluster();
    c.create('web', { initContainers: [{ name: 'migrate', image: 'busybox:1.36' }] });
    await c.advance(500);
    const status = c.status('web');
    expect(condition(status, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [migrate]',
    });
    expect(web(status).state).toEqual({ waiting: { reason: 'PodInitializing' } });
    c.stop();
  });

  it('crash loops like a real kubelet: Error, restart, Error, CrashLoopBackOff with doubling back-off', async () => {
    const c = cluster();
    c.create('web', {}, { 'sim.kubespy.dev/crash': 'exit:1' });
    const seen = stateTrail(c, 'containerStatuses');
    await c.advance(40_000);
    expect(seen.slice(0, 8)).toEqual([
      'waiting:ContainerCreating:0',
      'running:-:0',
      'terminated:Error:0',
      'running:-:1',
      'terminated:Error:1',
      'waiting:CrashLoopBackOff:1',
      'running:-:2',
      'terminated:Error:2',
    ]);
    c.stop();
  });

  it('reports the back-off in the CrashLoopBackOff message', async () => {
    const c = cluster();
    c.create('web', {}, { 'sim.kubespy.dev/crash': 'exit:1' });
    const messages = new Set<string>();
    c.store.subscribe((change) => {
      const m = (change.object.status as PodStatus | undefined)?.containerStatuses?.[0]?.state.waiting?.message;
      if (typeof m === 'string' && change.resource.plural === 'pods') messages.add(m.replace(/pod=.*/, 'pod=…'));
    });
    await c.advance(120_000, 500);
    expect([...messages]).toEqual([
      'back-off 10s restarting failed container=web pod=…',
      'back-off 20s restarting failed container=web pod=…',
      'back-off 40s restarting failed container=web pod=…',
      'back-off 1m20s restarting failed container=web pod=…',
    ]);
    c.stop();
  });

  it('recovers from CreateContainerConfigError when the ConfigMap appears', async () => {
    const c = cluster();
    c.create('web', { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }] });
    await c.advance(4000);
    expect(web(c.status('web')).state.waiting?.reason).toBe('CreateContainerConfigError');
    c.store.create('configmaps', 'default', { metadata: { name: 'settings' }, data: { other: 'x' } });
    await c.advance(1000);
    expect(web(c.status('web')).state.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: "couldn't find key mode in ConfigMap default/settings",
    });
    c.store.mutate('configmaps', 'default', 'settings', (cm) => ({ ...cm, data: { mode: 'fast' } }));
    await c.advance(1000);
    expect(c.status('web').phase).toBe('Running');
    c.stop();
  });

  it('terminates gracefully: Killing, containers stop, the Pod is deleted', async () => {
    const c = cluster();
    c.create('web');
    await c.advance(3000);
    const seen: Array<[string, string | undefined]> = [];
    c.store.subscribe((change) => {
      if (change.resource.plural === 'pods') seen.push([change.type, (change.object.status as PodStatus).phase]);
    });
    c.store.delete('pods', 'default', 'web');
    await c.advance(2000);
    expect(c.store.tryGet('pods', 'default', 'web')).toBeUndefined();
    expect(c.events('web').find((e) => e.reason === 'Killing')).toMatchObject({ type: 'Normal', message: 'Stopping container web' });
    // deletionTimestamp first, then the containers' final state (phase Succeeded: nginx exits 0
    // on SIGTERM), then the object goes.
    expect(seen[0]).toEqual(['MODIFIED', 'Running']);
    expect(seen[seen.length - 1]).toEqual(['DELETED', 'Succeeded']);
    c.stop();
  });

  it('gives hostNetwork Pods the node IP', async () => {
    const c = cluster();
    c.create('proxy', { hostNetwork: true, nodeName: 'node-2' });
    await c.advance(3000);
    expect(c.status('proxy')).toMatchObject({ phase: 'Running', hostIP: '172.18.0.3', podIP: '172.18.0.3' });
    c.stop();
  });

  it('does not reconcile metadata-only writes, but does when another writer changes the status', async () => {
    const c = cluster();
    c.create('gated', { readinessGates: [{ conditionType: 'example.com/lb' }] });
    await c.advance(3000);
    expect(condition(c.status('gated'), 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady' });
    // Count the status writes the kubelet attempts (a reconcile ends in one, changed or not).
    let statusWrites = 0;
    const mutate = c.store.mutate.bind(c.store);
    c.store.mutate = (resource, namespace, name, fn, options) => {
      if (options?.subresource === 'status') statusWrites++;
      return mutate(resource, namespace, name, fn, options);
    };
    for (let i = 0; i < 5; i++) {
      c.store.mutate('pods', 'default', 'gated', (pod) => ({ ...pod, metadata: { ...pod.metadata, annotations: { churn: String(i) } } }));
    }
    await c.settle();
    expect(statusWrites).toBe(0);
    // A readiness gate's condition written by its controller: the kubelet recomputes Ready.
    c.store.mutate('pods', 'default', 'gated', (pod) => {
      const status = pod.status as PodStatus;
      return { ...pod, status: { ...status, conditions: [...(status.conditions ?? []), { type: 'example.com/lb', status: 'True' }] } };
    }, { subresource: 'status' });
    await c.settle();
    expect(condition(c.status('gated'), 'Ready')).toMatchObject({ status: 'True' });
    c.stop();
  });

  it('leaves Pods bound to unknown nodes alone', async () => {
    const c = cluster();
    c.create('lost', { nodeName: 'node-9' });
    await c.advance(5000);
    expect(c.status('lost')).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    c.stop();
  });
});

describe('init-container knobs', () => {
  const init = { initContainers: [{ name: 'migrate', image: 'busybox:1.36' }] };
  const initState = (status: PodStatus) => status.initContainerStatuses?.[0] as ContainerStatus;

  it.each([
    { value: '30s', want: { runMs: 30_000, invalid: [] } },
    { value: 'soon', want: { invalid: ['sim.kubespy.dev/init: expected a duration like 5s, got "soon"'] } },
  ])('readInitKnobs init=$value', ({ value, want }) => {
    expect(readInitKnobs({ metadata: { annotations: { [INIT_KNOB]: value } } })).toEqual(want);
  });

  it.each([
    { value: 'exit:3', want: { exitCode: 3, invalid: [] } },
    { value: 'exit:0', want: { invalid: [] } },
    { value: 'oom', want: { invalid: ['sim.kubespy.dev/init-crash: expected exit:N (0-255), got "oom"'] } },
  ])('readInitKnobs init-crash=$value', ({ value, want }) => {
    expect(readInitKnobs({ metadata: { annotations: { [INIT_CRASH_KNOB]: value } } })).toEqual(want);
  });

  it('sim.kubespy.dev/init stretches the init container run, then the app starts', async () => {
    const c = cluster();
    c.create('web', init, { [INIT_KNOB]: '20s' });
    await c.advance(15_000);
    let status = c.status('web');
    expect(status.phase).toBe('Pending');
    expect(initState(status).state).toHaveProperty('running');
    expect(condition(status, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    expect(web(status).state).toEqual({ waiting: { reason: 'PodInitializing' } });
    await c.advance(10_000);
    status = c.status('web');
    expect(initState(status)).toMatchObject({ state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(condition(status, 'Initialized')).toMatchObject({ status: 'True' });
    expect(status.phase).toBe('Running');
    c.stop();
  });

  it('sim.kubespy.dev/init-crash: Init:Error, then Init:CrashLoopBackOff; the app containers never start', async () => {
    const c = cluster();
    c.create('web', init, { [INIT_CRASH_KNOB]: 'exit:2' });
    const seen = stateTrail(c, 'initContainerStatuses');
    await c.advance(30_000);
    expect(seen.slice(0, 6)).toEqual([
      'waiting:PodInitializing:0',
      'running:-:0',
      'terminated:Error:0',
      'running:-:1',
      'terminated:Error:1',
      'waiting:CrashLoopBackOff:1',
    ]);
    const status = c.status('web');
    expect(status.phase).toBe('Pending');
    expect(initState(status).lastState).toMatchObject({ terminated: { exitCode: 2, reason: 'Error' } });
    expect(web(status).state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(c.events('web')).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'BackOff', fieldPath: 'spec.initContainers{migrate}' }),
    );
    c.stop();
  });

  it('sim.kubespy.dev/init-crash with restartPolicy Never fails the Pod', async () => {
    const c = cluster();
    c.create('web', { ...init, restartPolicy: 'Never' }, { [INIT_CRASH_KNOB]: 'exit:1' });
    await c.advance(10_000);
    const status = c.status('web');
    expect(status.phase).toBe('Failed');
    expect(initState(status).state).toMatchObject({ terminated: { exitCode: 1, reason: 'Error' } });
    expect(web(status).state).toEqual({ waiting: { reason: 'PodInitializing' } });
    // Not Initialized, so kubectl's STATUS column reads Init:Error rather than PodInitializing.
    expect(condition(status, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    c.stop();
  });
});
