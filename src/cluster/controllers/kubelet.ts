/**
 * The embedded cluster's kubelet, one for every Node: runs the Pods bound to its Nodes as a
 * state machine over simulated time — sandbox, image pulls, init containers, containers starting,
 * readiness, crashes and restart back-off, graceful termination — and reports them the way a real
 * kubelet does: pods/status writes with the real condition and container-state reasons and
 * messages, and kubelet Events (kubernetes-facts.md §4, §7). The Pod's sim.kubespy.dev/*
 * annotations (knobs.ts) decide how its containers behave.
 *
 * Every timer callback changes only the in-memory run state and queues the Pod; the queue then
 * writes the whole computed status once, so changes due at the same moment share one write, as the
 * kubelet's status manager batches them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import { deepEqual } from '../store/json.js';
import type { StoreChange } from '../store/types.js';
import { formatGoDuration, imagePullFails, readInitKnobs, readKnobs, type InitKnobs } from './knobs.js';
import type { PodKnobs } from './knobs.js';
import { KeyedQueue, QueueLoop, objectKey, splitKey } from './runtime.js';
import type { Controller, ControllerContext } from './runtime.js';

/** Simulated durations (ms) of what the kubelet and the container runtime do. */
export interface KubeletTimings {
  /** Creating the Pod sandbox and its network, before the first image pull. */
  sandbox: number;
  /** Pulling an image not yet on the Node. */
  pull: number;
  /** A failed pull shows ErrImagePull this long before ImagePullBackOff. */
  pullErrorToBackOff: number;
  /** First image pull back-off; doubles up to maxBackOff (kubelet: 10 s … 5 min). */
  initialBackOff: number;
  maxBackOff: number;
  /** How long a crashing container (crash knob) runs before it exits. */
  crashAfter: number;
  /** A terminated container is noticed (and restarted or backed off) after this. */
  restartNotice: number;
  /** How long an init container runs before completing. */
  initRun: number;
  /** Retry period of a Pod blocked on a missing ConfigMap or Secret. */
  configRetry: number;
  /** Containers stop this long after SIGTERM (capped by the grace period). */
  terminate: number;
}

export const DEFAULT_TIMINGS: KubeletTimings = {
  sandbox: 500,
  pull: 1200,
  pullErrorToBackOff: 1000,
  initialBackOff: 10_000,
  maxBackOff: 300_000,
  crashAfter: 1000,
  restartNotice: 1000,
  initRun: 1000,
  configRetry: 10_000,
  terminate: 1000,
};

export interface KubeletOptions {
  timings?: Partial<KubeletTimings>;
}

const KUBELET = 'kubelet';

/* ------------------------------------------------------------------ small helpers */

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** JSON with object keys sorted, to compare statuses whatever order their fields were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function hex(input: string, length: number): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/**
 * The reference containerd reports for an image: docker.io and library/ filled in, :latest when
 * untagged ("nginx:1.27" → "docker.io/library/nginx:1.27").
 */
export function normalizeImage(image: string): string {
  let ref = image;
  const first = ref.split('/')[0] ?? '';
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${ref.includes('/') ? '' : 'library/'}${ref}`;
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  if (!lastSegment.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

function imageRepository(normalized: string): string {
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized.slice(0, at);
  const slash = normalized.lastIndexOf('/');
  const colon = normalized.lastIndexOf(':');
  return colon > slash ? normalized.slice(0, colon) : normalized;
}

function imageID(image: string): string {
  const normalized = normalizeImage(image);
  return `${imageRepository(normalized)}@sha256:${hex(`image:${normalized}`, 64)}`;
}

function imageSize(image: string): number {
  return 10_000_000 + (Number.parseInt(hex(`size:${image}`, 8), 16) % 70_000_000);
}

/* ------------------------------------------------------------------ run state */

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

type ContainerState = { waiting: { reason: string; message?: string } } | { running: { startedAt: string } } | { terminated: Terminated };

interface ContainerRun {
  name: string;
  image: string;
  init: boolean;
  spec: Record<string, unknown>;
  fieldPath: string;
  state: ContainerState;
  lastState?: Terminated;
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  /** Reported image once the runtime has it. */
  pulled: boolean;
  pullBackOff: number;
  crashBackOff: number;
  /** Bumped on every start so timers of an earlier run of the container do nothing. */
  generation: number;
  /** The container will not run again (restartPolicy), so the Pod may reach a terminal phase. */
  done: boolean;
  /** The startup knob's wait before the first start is over. */
  startupWaited: boolean;
  /** Its first pull has begun (startNext may run again meanwhile). */
  begun: boolean;
}

interface PodRun {
  key: string;
  uid: string;
  node: string;
  pod: KubeObject;
  knobs: PodKnobs;
  initKnobs: InitKnobs;
  boundAt: number;
  startTime: string;
  hostIP: string;
  podIP?: string;
  sandboxReady: boolean;
  initContainers: ContainerRun[];
  containers: ContainerRun[];
  timers: Set<TimerHandle>;
  /** Steps blocked on a missing ConfigMap/Secret, retried when one changes or periodically. */
  configWaiters: Map<string, { retry: () => void; timer: TimerHandle }>;
  /** Canonical JSON of the last status written, so a store that reshapes it cannot make us loop. */
  lastWritten?: string;
  terminal: boolean;
  terminating: boolean;
  gone: boolean;
}

function containerRuns(pod: KubeObject, field: 'containers' | 'initContainers', waitingReason: string): ContainerRun[] {
  return array(record(pod.spec)[field]).map((raw) => {
    const spec = record(raw);
    const name = str(spec.name) ?? '';
    return {
      name,
      image: str(spec.image) ?? '',
      init: field === 'initContainers',
      spec,
      fieldPath: `spec.${field}{${name}}`,
      state: { waiting: { reason: waitingReason } },
      ready: false,
      started: false,
      restartCount: 0,
      pulled: false,
      pullBackOff: 0,
      crashBackOff: 0,
      generation: 0,
      done: false,
      startupWaited: false,
      begun: false,
    };
  });
}

/* ------------------------------------------------------------------ status computation */

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

function containerStatus(c: ContainerRun): Record<string, unknown> {
  const status: Record<string, unknown> = {};
  if (c.containerID) status.containerID = c.containerID;
  status.image = c.pulled ? normalizeImage(c.image) : c.image;
  status.imageID = c.pulled ? imageID(c.image) : '';
  status.lastState = c.lastState ? { terminated: { ...c.lastState } } : {};
  status.name = c.name;
  status.ready = c.ready;
  status.restartCount = c.restartCount;
  status.started = c.started;
  status.state = JSON.parse(JSON.stringify(c.state)) as unknown;
  return status;
}

/** The kubelet's getPhase (pkg/kubelet/kubelet_pods.go), for the containers as they are now. */
export function podPhase(run: Pick<PodRun, 'initContainers' | 'containers'>, restartPolicy: string): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const initFailed = run.initContainers.some((c) => c.done && 'terminated' in c.state && c.state.terminated.exitCode !== 0);
  if (initFailed) return 'Failed';
  const initPending = run.initContainers.some((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0));
  if (initPending) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of run.containers) {
    if ('running' in c.state) running++;
    else if ('terminated' in c.state) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    // Containers that will restart keep the Pod Running (CrashLoopBackOff Pods stay Running).
    if (restartPolicy === 'Always' || !run.containers.every((c) => c.done)) return 'Running';
    return stopped === succeeded ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

function names(list: ContainerRun[]): string {
  return `[${list.map((c) => c.name).join(' ')}]`;
}

function gateConditions(pod: KubeObject): Condition | undefined {
  const existing = array(record(pod.status).conditions).map(record);
  for (const gate of array(record(pod.spec).readinessGates)) {
    const type = str(record(gate).conditionType);
    if (!type) continue;
    const found = existing.find((c) => c.type === type);
    if (!found) {
      return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${type}" does not exist.` };
    }
    if (found.status !== 'True') {
      return {
        type: 'Ready',
        status: 'False',
        reason: 'ReadinessGatesNotReady',
        message: `the status of pod readiness gate "${type}" is not "True", but ${String(found.status)}`,
      };
    }
  }
  return undefined;
}

function qosClass(pod: KubeObject): string {
  const containers = [...array(record(pod.spec).containers), ...array(record(pod.spec).initContainers)].map(record);
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = record(c.resources);
    const requests = record(resources.requests);
    const limits = record(resources.limits);
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The kubelet-owned part of a Pod's status, computed from its run. */
export function computeStatus(run: PodRun): { phase: string; conditions: Condition[]; fields: Record<string, unknown> } {
  // Since 1.27 the containers of a deleted Pod do not restart and the Pod ends in a terminal phase.
  const restartPolicy = run.terminating ? 'Never' : str(record(run.pod.spec).restartPolicy) ?? 'Always';
  const phase = podPhase(run, restartPolicy);
  const terminalPhase = phase === 'Succeeded' || phase === 'Failed';
  const incompleteInit = run.initContainers.filter((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0));
  const unready = run.containers.filter((c) => !c.ready);
  const conditions: Condition[] = [
    { type: 'PodReadyToStartContainers', status: run.sandboxReady && !terminalPhase ? 'True' : 'False' },
    // GeneratePodInitializedCondition: a Pod that failed in init stays not Initialized (so kubectl
    // shows Init:Error); only a Succeeded one counts as initialised regardless.
    incompleteInit.length === 0 || phase === 'Succeeded'
      ? { type: 'Initialized', status: 'True' }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${names(incompleteInit)}` },
  ];
  let containersReady: Condition;
  if (terminalPhase) {
    containersReady = { type: 'ContainersReady', status: 'False', reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' };
  } else if (unready.length > 0) {
    containersReady = { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${names(unready)}` };
  } else {
    containersReady = { type: 'ContainersReady', status: 'True' };
  }
  const ready: Condition =
    containersReady.status === 'True' ? gateConditions(run.pod) ?? { type: 'Ready', status: 'True' } : { ...containersReady, type: 'Ready' };
  conditions.push(ready, containersReady);

  const fields: Record<string, unknown> = {
    hostIP: run.hostIP,
    hostIPs: [{ ip: run.hostIP }],
    startTime: run.startTime,
  };
  if (run.podIP) {
    fields.podIP = run.podIP;
    fields.podIPs = [{ ip: run.podIP }];
  }
  if (run.initContainers.length > 0) fields.initContainerStatuses = run.initContainers.map(containerStatus);
  fields.containerStatuses = run.containers.map(containerStatus);
  return { phase, conditions, fields };
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

/** Merges the kubelet's view into a Pod status, keeping lastTransitionTime of unchanged conditions. */
function mergeStatus(current: Record<string, unknown>, computed: ReturnType<typeof computeStatus>, now: string): Record<string, unknown> {
  const previous = array(current.conditions).map(record);
  const conditions: Record<string, unknown>[] = computed.conditions.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    return {
      lastProbeTime: null,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now,
      ...(c.message !== undefined ? { message: c.message } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      status: c.status,
      type: c.type,
    };
  });
  for (const p of previous) if (!KUBELET_CONDITIONS.has(String(p.type))) conditions.push(p);
  // A Pod bound without the scheduler (spec.nodeName set by its author) gets PodScheduled from
  // the kubelet, as generateAPIPodStatus adds it when missing.
  if (!previous.some((p) => p.type === 'PodScheduled')) {
    conditions.push({ lastProbeTime: null, lastTransitionTime: now, status: 'True', type: 'PodScheduled' });
  }
  return {
    ...current,
    ...computed.fields,
    phase: computed.phase,
    conditions,
  };
}

/**
 * Whether a write left alone everything the kubelet acts on: spec, deletion and status. The real
 * kubelet's pod workers sync when the Pod's spec or deletion changes (and on their own timers,
 * which queue the Pod here too); a metadata-only write — an annotation, a label — gives it nothing
 * to do, and reconciling it here would be a status write that finds nothing to change (the
 * largest share of the cluster's CPU under annotation churn, docs/performance.md). Status is
 * compared too: another writer's condition (a readiness gate) changes what the kubelet reports.
 */
function kubeletFieldsUnchanged(before: KubeObject, after: KubeObject): boolean {
  return (
    before.metadata.deletionTimestamp === after.metadata.deletionTimestamp &&
    before.metadata.deletionGracePeriodSeconds === after.metadata.deletionGracePeriodSeconds &&
    deepEqual(before.spec, after.spec) &&
    deepEqual(before.status, after.status)
  );
}

/* ------------------------------------------------------------------ config references */

type ConfigRef = { kind: 'configmap' | 'secret'; name: string; key?: string };

function envRefs(container: Record<string, unknown>): ConfigRef[] {
  const refs: ConfigRef[] = [];
  for (const raw of array(container.env)) {
    const from = record(record(raw).valueFrom);
    const cm = record(from.configMapKeyRef);
    const secret = record(from.secretKeyRef);
    if (str(cm.name) && cm.optional !== true) refs.push({ kind: 'configmap', name: String(cm.name), key: str(cm.key) });
    if (str(secret.name) && secret.optional !== true) refs.push({ kind: 'secret', name: String(secret.name), key: str(secret.key) });
  }
  for (const raw of array(container.envFrom)) {
    const cm = record(record(raw).configMapRef);
    const secret = record(record(raw).secretRef);
    if (str(cm.name) && cm.optional !== true) refs.push({ kind: 'configmap', name: String(cm.name) });
    if (str(secret.name) && secret.optional !== true) refs.push({ kind: 'secret', name: String(secret.name) });
  }
  return refs;
}

function volumeRefs(pod: KubeObject): Array<ConfigRef & { volume: string }> {
  const refs: Array<ConfigRef & { volume: string }> = [];
  for (const raw of array(record(pod.spec).volumes)) {
    const volume = record(raw);
    const name = str(volume.name) ?? '';
    const cm = record(volume.configMap);
    const secret = record(volume.secret);
    if (str(cm.name) && cm.optional !== true) refs.push({ volume: name, kind: 'configmap', name: String(cm.name) });
    if (str(secret.secretName) && secret.optional !== true) refs.push({ volume: name, kind: 'secret', name: String(secret.secretName) });
    for (const source of array(record(volume.projected).sources)) {
      const pcm = record(record(source).configMap);
      const ps = record(record(source).secret);
      if (str(pcm.name) && pcm.optional !== true) refs.push({ volume: name, kind: 'configmap', name: String(pcm.name) });
      if (str(ps.name) && ps.optional !== true) refs.push({ volume: name, kind: 'secret', name: String(ps.name) });
    }
  }
  return refs;
}

/* ------------------------------------------------------------------ the controller */

export function createKubeletController(options: KubeletOptions = {}): Controller {
  const timings: KubeletTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  const runs = new Map<string, PodRun>();
  /** Images on each Node (bounded: oldest forgotten first). */
  const nodeImages = new Map<string, Set<string>>();
  /** Pod IPs in use per Node, and where each Node's round-robin allocator stands. */
  const ipam = new Map<string, { used: Set<number>; next: number }>();
  const loop = new QueueLoop();

  /* ---------------- plumbing */

  function ctx(): ControllerContext {
    if (!loop.ctx) throw new Error('kubelet not started');
    return loop.ctx;
  }

  function after(run: PodRun, simulatedMs: number, fn: () => void): void {
    if (run.gone) return;
    const timer = ctx().clock.setTimeout(() => {
      run.timers.delete(timer);
      if (run.gone) return;
      guard(run, fn);
      loop.queue?.add(run.key);
    }, ctx().duration(simulatedMs));
    run.timers.add(timer);
  }

  /** Timer callbacks run outside any caller: a failure is logged, never thrown into the clock. */
  function guard(run: PodRun, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      loop.ctx?.log(`kubelet: ${run.key}: ${String(error)}`);
    }
  }

  function cancelTimers(run: PodRun): void {
    for (const t of run.timers) t.cancel();
    run.timers.clear();
  }

  function now(): string {
    return metaTimeNow(ctx().clock);
  }

  function event(run: PodRun, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    ctx().events.record(run.pod, type, reason, message, { component: KUBELET, host: run.node }, fieldPath);
  }

  function podRef(run: PodRun): string {
    return `${run.pod.metadata.name ?? ''}_${run.pod.metadata.namespace ?? ''}(${run.uid})`;
  }

  /* ---------------- IPs */

  function cidrBase(node: KubeObject | undefined): string {
    const cidr = str(record(node?.spec).podCIDR);
    const match = cidr ? /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr) : null;
    if (match?.[1]) return match[1];
    const index = /(\d+)$/.exec(node?.metadata.name ?? '')?.[1];
    return `10.244.${index ?? '0'}`;
  }

  function allocateIP(nodeName: string): string | undefined {
    const node = ctx().store.tryGet('nodes', undefined, nodeName);
    const base = cidrBase(node);
    const pool = ipam.get(nodeName) ?? { used: new Set<number>(), next: 2 };
    ipam.set(nodeName, pool);
    // host-local IPAM hands out addresses round-robin, so a freed IP is not reused at once.
    for (let i = 0; i < 253; i++) {
      const candidate = ((pool.next - 2 + i) % 253) + 2;
      if (!pool.used.has(candidate)) {
        pool.used.add(candidate);
        pool.next = candidate + 1;
        return `${base}.${candidate}`;
      }
    }
    return undefined;
  }

  function releaseIP(run: PodRun): void {
    if (!run.podIP || run.podIP === run.hostIP) return;
    const last = Number(run.podIP.split('.').pop());
    ipam.get(run.node)?.used.delete(last);
  }

  function hostIP(nodeName: string): string {
    const node = ctx().store.tryGet('nodes', undefined, nodeName);
    const addresses = array(record(node?.status).addresses).map(record);
    return str(addresses.find((a) => a.type === 'InternalIP')?.address) ?? '';
  }

  /* ---------------- lifecycle */

  function admit(pod: KubeObject, nodeName: string): PodRun {
    const hasInit = array(record(pod.spec).initContainers).length > 0;
    const existingStart = str(record(pod.status).startTime);
    const run: PodRun = {
      key: objectKey(pod),
      uid: pod.metadata.uid ?? '',
      node: nodeName,
      pod,
      knobs: readKnobs(pod),
      initKnobs: readInitKnobs(pod),
      boundAt: ctx().clock.now(),
      startTime: existingStart ?? now(),
      hostIP: hostIP(nodeName),
      sandboxReady: false,
      initContainers: containerRuns(pod, 'initContainers', 'PodInitializing'),
      containers: containerRuns(pod, 'containers', hasInit ? 'PodInitializing' : 'ContainerCreating'),
      timers: new Set(),
      configWaiters: new Map(),
      terminal: false,
      terminating: false,
      gone: false,
    };
    for (const problem of [...run.knobs.invalid, ...run.initKnobs.invalid]) ctx().log(`kubelet: ${run.key}: ignoring ${problem}`);
    runs.set(run.key, run);
    after(run, timings.sandbox, () => setUpSandbox(run));
    return run;
  }

  function missingConfig(run: PodRun, ref: ConfigRef): string | undefined {
    const resource = ref.kind === 'configmap' ? 'configmaps' : 'secrets';
    const object = ctx().store.tryGet(resource, run.pod.metadata.namespace, ref.name);
    if (!object) return `${ref.kind} "${ref.name}" not found`;
    if (ref.key !== undefined) {
      const data = { ...record(object.data), ...record(object.binaryData), ...record(object.stringData) };
      if (!(ref.key in data)) {
        return `couldn't find key ${ref.key} in ${ref.kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${run.pod.metadata.namespace ?? ''}/${ref.name}`;
      }
    }
    return undefined;
  }

  function setUpSandbox(run: PodRun): void {
    // Volumes are mounted before the sandbox starts: a missing ConfigMap/Secret volume keeps the
    // Pod in ContainerCreating with FailedMount events (kubelet volume manager).
    for (const ref of volumeRefs(run.pod)) {
      const problem = missingConfig(run, ref);
      if (!problem) continue;
      event(run, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${ref.volume}" : ${problem}`);
      waitForConfig(run, 'volumes', () => setUpSandbox(run));
      return;
    }
    // hostNetwork Pods share the Node's network namespace, so their IP is the Node's.
    const ip = record(run.pod.spec).hostNetwork === true ? run.hostIP : allocateIP(run.node);
    if (!ip) {
      event(run, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set`);
      after(run, timings.configRetry, () => setUpSandbox(run));
      return;
    }
    run.podIP = ip;
    run.sandboxReady = true;
    startNext(run);
  }

  function waitForConfig(run: PodRun, step: string, retry: () => void): void {
    run.configWaiters.get(step)?.timer.cancel();
    const timer = ctx().clock.setTimeout(() => {
      run.timers.delete(timer);
      if (run.gone) return;
      guard(run, () => retryConfig(run, step));
      loop.queue?.add(run.key);
    }, ctx().duration(timings.configRetry));
    run.timers.add(timer);
    run.configWaiters.set(step, { retry, timer });
  }

  function retryConfig(run: PodRun, step?: string): void {
    const steps = step === undefined ? [...run.configWaiters.keys()] : [step];
    for (const s of steps) {
      const waiter = run.configWaiters.get(s);
      if (!waiter) continue;
      run.configWaiters.delete(s);
      waiter.timer.cancel();
      run.timers.delete(waiter.timer);
      waiter.retry();
    }
  }

  /** Init containers one by one, then all app containers. */
  function startNext(run: PodRun): void {
    if (run.terminating || run.terminal) return;
    const nextInit = run.initContainers.find((c) => !('terminated' in c.state && c.state.terminated.exitCode === 0));
    const next = nextInit ? [nextInit] : run.containers;
    for (const c of next) {
      if (c.begun) continue;
      c.begun = true;
      pullImage(run, c);
    }
  }

  function pullPolicy(c: ContainerRun): string {
    const policy = str(c.spec.imagePullPolicy);
    if (policy) return policy;
    const normalized = normalizeImage(c.image);
    return normalized.endsWith(':latest') ? 'Always' : 'IfNotPresent';
  }

  function rememberImage(node: string, image: string): void {
    const images = nodeImages.get(node) ?? new Set<string>();
    images.delete(image);
    images.add(image);
    while (images.size > 200) {
      const oldest = images.values().next();
      if (oldest.done) break;
      images.delete(oldest.value);
    }
    nodeImages.set(node, images);
  }

  function pullImage(run: PodRun, c: ContainerRun): void {
    const fails = imagePullFails(c.image, run.knobs);
    const present = nodeImages.get(run.node)?.has(normalizeImage(c.image)) ?? false;
    if (!fails && present && pullPolicy(c) !== 'Always') {
      event(run, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, c.fieldPath);
      c.pulled = true;
      createContainer(run, c);
      return;
    }
    event(run, 'Normal', 'Pulling', `Pulling image "${c.image}"`, c.fieldPath);
    const pullMs = fails ? timings.pull / 2 : timings.pull;
    after(run, pullMs, () => {
      if (fails) {
        pullFailed(run, c);
        return;
      }
      rememberImage(run.node, normalizeImage(c.image));
      c.pulled = true;
      c.pullBackOff = 0;
      const took = formatGoDuration(pullMs);
      event(
        run,
        'Normal',
        'Pulled',
        `Successfully pulled image "${c.image}" in ${took} (${took} including waiting). Image size: ${imageSize(c.image)} bytes.`,
        c.fieldPath,
      );
      createContainer(run, c);
    });
  }

  function pullFailed(run: PodRun, c: ContainerRun): void {
    const normalized = normalizeImage(c.image);
    const error = `rpc error: code = NotFound desc = failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ${normalized}: not found`;
    c.state = { waiting: { reason: 'ErrImagePull', message: error } };
    event(run, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${error}`, c.fieldPath);
    event(run, 'Warning', 'Failed', 'Error: ErrImagePull', c.fieldPath);
    after(run, timings.pullErrorToBackOff, () => {
      const backOff = c.pullBackOff === 0 ? timings.initialBackOff : Math.min(c.pullBackOff * 2, timings.maxBackOff);
      c.pullBackOff = backOff;
      c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
      event(run, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, c.fieldPath);
      event(run, 'Warning', 'Failed', 'Error: ImagePullBackOff', c.fieldPath);
      after(run, backOff, () => pullImage(run, c));
    });
  }

  function createContainer(run: PodRun, c: ContainerRun): void {
    // The startup knob stretches the time from binding to the containers running.
    const startup = run.knobs.startupMs;
    if (startup !== undefined && !c.init && c.generation === 0 && !c.startupWaited) {
      c.startupWaited = true;
      const elapsed = ctx().clock.now() - run.boundAt;
      const remaining = ctx().duration(startup) - elapsed;
      if (remaining > 0) {
        const timer = ctx().clock.setTimeout(() => {
          run.timers.delete(timer);
          if (run.gone) return;
          guard(run, () => createContainer(run, c));
          loop.queue?.add(run.key);
        }, remaining);
        run.timers.add(timer);
        return;
      }
    }
    for (const ref of envRefs(c.spec)) {
      const problem = missingConfig(run, ref);
      if (!problem) continue;
      c.state = { waiting: { reason: 'CreateContainerConfigError', message: problem } };
      event(run, 'Warning', 'Failed', `Error: ${problem}`, c.fieldPath);
      waitForConfig(run, `container:${c.name}`, () => createContainer(run, c));
      return;
    }
    runContainer(run, c);
  }

  function runContainer(run: PodRun, c: ContainerRun): void {
    c.generation++;
    c.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    const startedAt = now();
    c.state = { running: { startedAt } };
    c.started = true;
    c.ready = false;
    event(run, 'Normal', 'Created', `Created container: ${c.name}`, c.fieldPath);
    event(run, 'Normal', 'Started', `Started container ${c.name}`, c.fieldPath);
    const generation = c.generation;
    const current = () => c.generation === generation && 'running' in c.state;
    if (c.init) {
      const { runMs, exitCode } = run.initKnobs;
      after(run, runMs ?? timings.initRun, () => {
        if (!current()) return;
        if (exitCode !== undefined) {
          // A failed init container is restarted with back-off unless restartPolicy is Never, and
          // the app containers wait (Init:Error, then Init:CrashLoopBackOff; Never: Pod Failed).
          exitContainer(run, c, exitCode, 'Error');
          afterExit(run, c);
          return;
        }
        exitContainer(run, c, 0, 'Completed');
        c.ready = true;
        c.started = false;
        c.done = true;
        startNext(run);
      });
      return;
    }
    scheduleReadiness(run, c, current);
    const crash = run.knobs.crash;
    if (crash) {
      after(run, timings.crashAfter, () => {
        if (!current()) return;
        if (crash.kind === 'oom') exitContainer(run, c, 137, 'OOMKilled');
        else exitContainer(run, c, crash.code, crash.code === 0 ? 'Completed' : 'Error');
        afterExit(run, c);
      });
    }
  }

  function probeMessage(run: PodRun, probe: Record<string, unknown>): string {
    const tcp = record(probe.tcpSocket);
    if (tcp.port !== undefined) return `Readiness probe failed: dial tcp ${run.podIP ?? ''}:${String(tcp.port)}: connect: connection refused`;
    return 'Readiness probe failed: HTTP probe failed with statuscode: 503';
  }

  function scheduleReadiness(run: PodRun, c: ContainerRun, current: () => boolean): void {
    const probe = c.spec.readinessProbe === undefined ? undefined : record(c.spec.readinessProbe);
    const initialDelay = Number(probe?.initialDelaySeconds ?? 0) * 1000;
    const period = Math.max(1, Number(probe?.periodSeconds ?? 10)) * 1000;
    const readiness = run.knobs.readiness;
    const becomeReady = () => {
      if (current()) c.ready = true;
    };
    // Probes run at initialDelaySeconds and then every periodSeconds; each failure is an Unhealthy
    // event, which the recorder folds into one Event with a growing count.
    const failProbes = (until: number | undefined) => {
      const probeAt = (t: number) =>
        after(run, t === initialDelay ? initialDelay : period, () => {
          if (!current()) return;
          event(run, 'Warning', 'Unhealthy', probeMessage(run, probe ?? {}), c.fieldPath);
          if (until === undefined || t + period < until) probeAt(t + period);
        });
      if (until === undefined || initialDelay < until) probeAt(initialDelay);
    };
    if (readiness.kind === 'fail') {
      failProbes(undefined);
    } else if (readiness.kind === 'after') {
      // Only a container with a readiness probe can report the failures before it turns ready.
      if (probe) failProbes(readiness.ms);
      after(run, Math.max(readiness.ms, initialDelay), becomeReady);
    } else if (probe && initialDelay > 0) {
      after(run, initialDelay, becomeReady);
    } else {
      c.ready = true;
    }
  }

  function exitContainer(run: PodRun, c: ContainerRun, exitCode: number, reason: string): void {
    const startedAt = 'running' in c.state ? c.state.running.startedAt : now();
    c.state = {
      terminated: { containerID: c.containerID ?? '', exitCode, finishedAt: now(), reason, startedAt },
    };
    c.ready = false;
    c.started = false;
  }

  function afterExit(run: PodRun, c: ContainerRun): void {
    if (!('terminated' in c.state)) return;
    const exitCode = c.state.terminated.exitCode;
    const restartPolicy = str(record(run.pod.spec).restartPolicy) ?? 'Always';
    const restarts = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0);
    if (!restarts) {
      c.done = true;
      checkTerminal(run);
      return;
    }
    // The kubelet restarts a container at once the first time, then backs off 10 s, 20 s, … 5 min
    // (CrashLoopBackOff), keeping the last run in lastState.
    after(run, timings.restartNotice, () => {
      if (!('terminated' in c.state)) return;
      const backOff = c.crashBackOff;
      c.crashBackOff = backOff === 0 ? timings.initialBackOff : Math.min(backOff * 2, timings.maxBackOff);
      if (backOff === 0) {
        restart(run, c);
        return;
      }
      c.lastState = c.state.terminated;
      c.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${formatGoDuration(backOff)} restarting failed container=${c.name} pod=${podRef(run)}`,
        },
      };
      event(run, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef(run)}`, c.fieldPath);
      after(run, backOff, () => restart(run, c));
    });
  }

  function restart(run: PodRun, c: ContainerRun): void {
    if ('terminated' in c.state) c.lastState = c.state.terminated;
    c.restartCount++;
    event(run, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, c.fieldPath);
    runContainer(run, c);
  }

  function checkTerminal(run: PodRun): void {
    const restartPolicy = str(record(run.pod.spec).restartPolicy) ?? 'Always';
    const phase = podPhase(run, restartPolicy);
    if (phase !== 'Succeeded' && phase !== 'Failed') return;
    run.terminal = true;
    cancelTimers(run);
    releaseIP(run);
  }

  /** A Pod with a deletionTimestamp: SIGTERM, containers stop, then the Pod object goes. */
  function terminate(run: PodRun): void {
    if (run.terminating) return;
    run.terminating = true;
    run.configWaiters.clear();
    cancelTimers(run);
    const runningContainers = [...run.initContainers, ...run.containers].filter((c) => 'running' in c.state);
    for (const c of runningContainers) event(run, 'Normal', 'Killing', `Stopping container ${c.name}`, c.fieldPath);
    const grace = Number(run.pod.metadata.deletionGracePeriodSeconds ?? record(run.pod.spec).terminationGracePeriodSeconds ?? 30);
    const delay = Math.min(timings.terminate, Math.max(0, grace) * 1000);
    const finish = () => {
      if (run.gone) return;
      for (const c of runningContainers) {
        exitContainer(run, c, 0, 'Completed');
        c.done = true;
      }
      for (const c of run.containers) c.done = true;
      if (runningContainers.length > 0) writeStatus(run);
      releaseIP(run);
      const { namespace, name } = run.pod.metadata;
      if (ctx().store.tryGet('pods', namespace, name ?? '')?.metadata.uid !== run.uid) return;
      try {
        ctx().store.delete('pods', namespace, name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: run.uid } });
      } catch (error) {
        ctx().log(`kubelet: deleting ${run.key}: ${String(error)}`);
      }
    };
    const timer = ctx().clock.setTimeout(() => {
      run.timers.delete(timer);
      guard(run, finish);
    }, ctx().duration(delay));
    run.timers.add(timer);
  }

  function dispose(run: PodRun): void {
    run.gone = true;
    cancelTimers(run);
    releaseIP(run);
    if (runs.get(run.key) === run) runs.delete(run.key);
  }

  /* ---------------- status writes */

  function writeStatus(run: PodRun): void {
    const { namespace, name } = run.pod.metadata;
    let pending: string | undefined;
    const written = ctx().store.mutate(
      'pods',
      namespace,
      name ?? '',
      (copy) => {
        if (copy.metadata.uid !== run.uid) return undefined;
        run.pod = copy;
        const current = record(copy.status);
        const merged = mergeStatus(current, computeStatus(run), now());
        merged.qosClass = current.qosClass ?? qosClass(copy);
        const canonicalMerged = canonical(merged);
        if (canonicalMerged === canonical(current) || canonicalMerged === run.lastWritten) return undefined;
        pending = canonicalMerged;
        // Set before the store commits: the echo of this write reaches onChange inside mutate(),
        // and must compare equal to what we wrote to be recognised as ours.
        run.pod = { ...copy, status: merged };
        return run.pod;
      },
      { subresource: 'status' },
    );
    if (written) {
      run.pod = written;
      run.lastWritten = pending;
    }
  }

  /* ---------------- reconcile */

  function reconcile(key: string): void {
    const c = ctx();
    const { namespace, name } = splitKey(key);
    const pod = c.store.tryGet('pods', namespace, name);
    let run = runs.get(key);
    if (!pod) {
      if (run) dispose(run);
      return;
    }
    if (run && run.uid !== pod.metadata.uid) {
      dispose(run);
      run = undefined;
    }
    const nodeName = str(record(pod.spec).nodeName);
    if (!run) {
      if (!nodeName || !c.store.tryGet('nodes', undefined, nodeName)) return;
      const phase = record(pod.status).phase;
      if (phase === 'Succeeded' || phase === 'Failed') return;
      if (pod.metadata.deletionTimestamp) {
        // Never started here: nothing to stop.
        try {
          c.store.delete('pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
        } catch (error) {
          c.log(`kubelet: deleting ${key}: ${String(error)}`);
        }
        return;
      }
      run = admit(pod, nodeName);
    }
    run.pod = pod;
    if (pod.metadata.deletionTimestamp) {
      terminate(run);
      return;
    }
    if (configChanged.delete(key)) retryConfig(run);
    writeStatus(run);
  }

  /** Pods waiting on a ConfigMap/Secret of a namespace in which one just changed. */
  const configChanged = new Set<string>();

  function onChange(change: StoreChange, q: KeyedQueue): void {
    if (change.resource.group !== '') return;
    const plural = change.resource.plural;
    if (plural === 'pods') {
      const key = objectKey(change.object);
      if (change.type === 'DELETED') {
        const run = runs.get(key);
        if (run && run.uid === change.object.metadata.uid) dispose(run);
        configChanged.delete(key);
        return;
      }
      const run = runs.get(key);
      if (change.type === 'MODIFIED' && run && !run.gone && run.uid === change.object.metadata.uid && kubeletFieldsUnchanged(run.pod, change.object)) {
        // Includes the echo of our own status write (run.pod is what it wrote).
        run.pod = change.object;
        return;
      }
      if (str(record(change.object.spec).nodeName)) q.add(key);
      return;
    }
    if ((plural === 'configmaps' || plural === 'secrets') && change.type !== 'DELETED') {
      for (const run of runs.values()) {
        if (run.configWaiters.size > 0 && run.pod.metadata.namespace === change.object.metadata.namespace) {
          configChanged.add(run.key);
          q.add(run.key);
        }
      }
      return;
    }
    if (plural === 'nodes' && change.type === 'ADDED') {
      // Pods bound to a Node before it registered start once it does.
      const node = change.object.metadata.name;
      setImmediate(() => {
        if (!loop.ctx || loop.queue !== q) return;
        for (const pod of loop.ctx.store.list('pods').items) if (record(pod.spec).nodeName === node) q.add(objectKey(pod));
      });
    }
  }

  return loop.controller({
    name: 'kubelet',
    logLabel: 'kubelet:',
    describeError: String,
    reconcile: (key) => reconcile(key),
    onChange,
    resync(c, q) {
      for (const pod of c.store.list('pods').items) if (str(record(pod.spec).nodeName)) q.add(objectKey(pod));
    },
    reset() {
      for (const run of [...runs.values()]) dispose(run);
      runs.clear();
      ipam.clear();
      nodeImages.clear();
      configChanged.clear();
    },
  });
}
