/**
 * One Pod's state in words — the line a user reads next to a Pod's name in a trace: "ready for
 * 3 s", "crash loop: container web restarted 5 times, last exit code 137 (OOMKilled)", "not
 * scheduled: 0/3 nodes are available: 3 Insufficient cpu." Shared by the service trace and the
 * workload traces. Pure: time comes in as `now`.
 *
 * The order of the questions mirrors how a Pod comes up (kubernetes-facts.md §4): deleted? done?
 * scheduled? initialised? containers created and running? Ready? The first question that has a
 * bad answer is the one reported, because the later ones cannot be answered before it.
 *
 * Health, and why:
 * | health      | meaning                                                                           |
 * |-------------|-----------------------------------------------------------------------------------|
 * | ready       | Ready condition True: the Pod receives traffic                                    |
 * | progressing | on its way: scheduling (within grace), pulling, creating, initialising, starting  |
 * | unhealthy   | running but its readiness probe keeps failing (Warning `Unhealthy` events)        |
 * | failing     | will not fix itself: image pull failure, crash loop (also between two back-offs:  |
 * |             | restarted after a non-zero exit and not ready yet), config error, unschedulable   |
 * |             | for ≥ 15 s (kstatus' scheduling window), Failed phase                             |
 * | terminating | deletionTimestamp set: leaving, whatever its state                                |
 * | done        | Succeeded: ran to completion, will never serve                                    |
 */
import type { KubeObject } from '../lib/kube-object.js';
import { agoInWords, inWords } from './age.js';
import { type EventView, eventsAbout } from './events.js';
import { get, meta, nameOf, num, perObject, rec, recs, str, time } from './read.js';

/** Worst first: the order Pods are listed in, so the ones that explain a verdict come first. */
export const POD_HEALTH_ORDER: Record<PodHealth, number> = { failing: 0, unhealthy: 1, progressing: 2, terminating: 3, done: 4, ready: 5 };

export type PodHealth = 'ready' | 'progressing' | 'unhealthy' | 'failing' | 'terminating' | 'done';

export interface PodState {
  health: PodHealth;
  /** The Pod's Ready condition is True. */
  ready: boolean;
  /** The state in words, one short line without the Pod's name; may hold ticking ages ("for 3 s"). */
  words: string;
  /** A short stable label for counts, without ages or names: "crash loop", "pulling", "ready". */
  reason: string;
}

export interface PodStateOptions {
  /** Epoch milliseconds. */
  now: number;
  /** Events that may concern this Pod; the ones about other objects are ignored. */
  events?: readonly KubeObject[];
  /**
   * How much faster than real time the cluster runs (ServiceTraceInput.timeScale; default 1):
   * the grace windows below are simulated time, so they are divided by it.
   */
  timeScale?: number;
}

/**
 * How long after its containers start a Pod's failing readiness probe counts as warming up rather
 * than unhealthy: three failures at the default 10 s period (failureThreshold 3).
 */
export const READINESS_WARMUP_MS = 30_000;
/** …as long as the probe has failed fewer times than the default failureThreshold. */
export const READINESS_WARMUP_FAILURES = 3;

/**
 * How long a Pod may stay unschedulable before it counts as failing: kstatus' scheduleWindow
 * (cli-utils pkg/kstatus/status/core.go), so a Pod waiting for a node the cluster autoscaler is
 * adding, or for a Pod being preempted, does not flash "failing".
 */
export const UNSCHEDULABLE_GRACE_MS = 15_000;

/** A simulated duration in real milliseconds; a missing or nonsensical scale counts as 1. */
export function scaled(ms: number, timeScale: number | undefined): number {
  return typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0 ? ms / timeScale : ms;
}

/** A container that exited this many times is crash-looping even between two back-offs. */
const CRASH_RESTARTS = 2;

const IMAGE_PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'SignatureValidationFailed']);
const START_FAILURES = new Set(['CreateContainerError', 'RunContainerError', 'ContainerCannotRun', 'StartError', 'PreCreateHookError', 'PreStartHookError', 'PostStartHookError']);

/** A Pod's conditions and container statuses, read once per Pod object (perObject in read.ts says why). */
const conditionsOf = perObject((pod) => Object.freeze(recs(get(pod, 'status', 'conditions'))));
const containerStatusesOf = perObject((pod) => Object.freeze(recs(get(pod, 'status', 'containerStatuses'))));

function condition(pod: unknown, type: string): Record<string, unknown> | undefined {
  return conditionsOf(pod).find((c) => c['type'] === type);
}

function shortened(text: string, max = 160): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** "last exit code 137 (OOMKilled)" from a terminated state. */
function exitWords(terminated: Record<string, unknown>): string {
  const code = num(terminated['exitCode']);
  const reason = str(terminated['reason']);
  const signal = num(terminated['signal']);
  const parts = [code !== undefined ? `exit code ${code}` : signal !== undefined ? `signal ${signal}` : 'exited'];
  if (reason && reason !== 'Error' && reason !== 'Completed') parts.push(`(${reason})`);
  return parts.join(' ');
}

function imageOf(pod: unknown, status: Record<string, unknown>, initContainer: boolean): string {
  const name = str(status['name']);
  const spec = recs(get(pod, 'spec', initContainer ? 'initContainers' : 'containers')).find((c) => c['name'] === name);
  return str(spec?.['image']) ?? str(status['image']) ?? '?';
}

/** The latest image event of the Pod says "Pulling" and nothing after it: a pull is in flight. */
function pullingImage(events: readonly EventView[]): string | undefined {
  const pullEvents = events.filter((e) => e.reason === 'Pulling' || e.reason === 'Pulled' || (e.reason === 'Failed' && /pull/i.test(e.message)));
  let latest: EventView | undefined;
  for (const e of pullEvents) if (!latest || (e.last ?? -Infinity) >= (latest.last ?? -Infinity)) latest = e;
  if (latest?.reason !== 'Pulling') return undefined;
  return /"([^"]+)"/.exec(latest.message)?.[1] ?? 'image';
}

/** Readiness probe failures from the kubelet's Warning `Unhealthy` events (kubernetes-facts.md §4). */
function readinessFailure(events: readonly EventView[]): { message: string; times: number } | undefined {
  const probe = events.filter((e) => e.type === 'Warning' && e.reason === 'Unhealthy' && /^readiness probe/i.test(e.message));
  if (probe.length === 0) return undefined;
  let latest = probe[0] as EventView;
  for (const e of probe) if ((e.last ?? -Infinity) > (latest.last ?? -Infinity)) latest = e;
  const times = probe.reduce((sum, e) => sum + e.count, 0);
  const message = latest.message.replace(/^readiness probe (failed|errored):\s*/i, '');
  return { message: shortened(message, 120), times };
}

interface ContainerVerdict {
  health: Exclude<PodHealth, 'ready' | 'terminating' | 'done'>;
  words: string;
  reason: string;
}

/** What one not-ready container is doing, or undefined when nothing is wrong with it. */
function containerVerdict(
  pod: unknown,
  status: Record<string, unknown>,
  initContainer: boolean,
  now: number,
): ContainerVerdict | undefined {
  const name = str(status['name']) ?? '?';
  const label = initContainer ? `init container ${name}` : `container ${name}`;
  const state = rec(status['state']);
  const waiting = rec(state['waiting']);
  const terminated = rec(state['terminated']);
  const lastTerminated = rec(get(status, 'lastState', 'terminated'));
  const restarts = num(status['restartCount']) ?? 0;
  const reason = str(waiting['reason']);
  const message = str(waiting['message']);

  if (reason && IMAGE_PULL_FAILURES.has(reason)) {
    return { health: 'failing', reason: 'image pull failing', words: `image pull failing: ${reason} for "${imageOf(pod, status, initContainer)}" (${label})` };
  }
  if (reason === 'CrashLoopBackOff' || (restarts >= CRASH_RESTARTS && Object.keys(terminated).length > 0)) {
    const last = Object.keys(lastTerminated).length > 0 ? lastTerminated : terminated;
    const exit = Object.keys(last).length > 0 ? `, last ${exitWords(last)}` : '';
    return { health: 'failing', reason: 'crash loop', words: `crash loop: ${label} restarted ${restarts} ${restarts === 1 ? 'time' : 'times'}${exit}` };
  }
  if (reason === 'CreateContainerConfigError') {
    return { health: 'failing', reason: 'config error', words: `config error: ${message ? shortened(message, 120) : 'a ConfigMap or Secret it needs is missing'} (${label})` };
  }
  if (reason && START_FAILURES.has(reason)) {
    return { health: 'failing', reason: 'cannot start', words: `cannot start ${label}: ${reason}${message ? `: ${shortened(message, 120)}` : ''}` };
  }
  if (Object.keys(terminated).length > 0) {
    const code = num(terminated['exitCode']);
    // An init container that exited 0 is done; an app container that exited will be restarted.
    if (initContainer && code === 0) return undefined;
    if (str(terminated['reason']) === 'OOMKilled') return { health: 'failing', reason: 'OOMKilled', words: `${label} OOMKilled, restarting` };
    return { health: 'progressing', reason: 'restarting', words: `${label} exited (${exitWords(terminated)}), restarting` };
  }
  if (reason) {
    return { health: 'progressing', reason: 'starting', words: `${label} waiting: ${reason}${message ? `: ${shortened(message, 80)}` : ''}` };
  }
  if (state['running'] !== undefined && status['ready'] !== true) {
    const started = time(get(state, 'running', 'startedAt'));
    return { health: 'progressing', reason: 'not ready', words: `${label} running${started !== undefined ? ` for ${agoInWords(now, started)}` : ''}, not ready yet` };
  }
  return undefined;
}

const HEALTH_RANK: Record<ContainerVerdict['health'], number> = { failing: 0, unhealthy: 1, progressing: 2 };

export function describePod(pod: unknown, options: PodStateOptions): PodState {
  const ready = readyFacts(pod);
  return ready ? readyState(ready.since, ready.restarts, options.now) : describeAfresh(pod, options);
}

/** describePod without the shortcut for ready Pods (exported for the test that checks the shortcut against it). */
export function describeAfresh(pod: unknown, options: PodStateOptions): PodState {
  return stickyCrashLoop(pod, describeOnce(pod, options));
}

/**
 * What the answer "ready" of a Pod is made of, or undefined when its answer is another. Which
 * question answers first depends on the Pod alone: `now`, the time scale and events only shape
 * the words (ages) of the answers before "ready", or choose between not-ready answers (grace
 * windows; events are read only after "ready"). So a Pod that reads as ready at one time reads as
 * ready at any, only its age changing, and this is read once per Pod object (issue 6: the trace
 * describes every selected Pod on every update, and most are ready).
 */
export const readyFacts: (pod: unknown) => Readonly<{ since: number | undefined; restarts: number }> | undefined = perObject((pod) => {
  if (describeOnce(pod, { now: 0 }).health !== 'ready') return undefined;
  return Object.freeze({ since: time(condition(pod, 'Ready')?.['lastTransitionTime']), restarts: restartCount(containerStatusesOf(pod)) });
});

function restartCount(statuses: readonly Record<string, unknown>[]): number {
  return statuses.reduce((sum, s) => sum + (num(s['restartCount']) ?? 0), 0);
}

function readyState(since: number | undefined, restarts: number, now: number): PodState {
  const base = since !== undefined ? `ready for ${agoInWords(now, since)}` : 'ready';
  return { health: 'ready', ready: true, reason: 'ready', words: restarts > 0 ? `${base} (${restarts} ${restarts === 1 ? 'restart' : 'restarts'})` : base };
}

/**
 * `describePod(pod, …).ready` for any `now`, time scale and events: `ready` is the Ready condition
 * (unless Succeeded or Failed) on the two answers that can be ready — terminating and ready — and
 * false on every other; which answer is given before the ready one depends on the Pod alone
 * (grace windows, warm-up and events only choose between not-ready answers). So it is read once
 * per Pod object: the DNS and proxy checks ask it of every system Pod on every update (issue 6).
 */
export const isPodReady: (pod: unknown) => boolean = perObject((pod) => describePod(pod, { now: 0 }).ready);

/**
 * Between two back-offs the kubelet runs a crash-looping container once more, and the questions
 * below read that moment as "starting" (or, with old Unhealthy events, "readiness failing"). A
 * container that was restarted after a non-zero exit — the kubelet puts it in CrashLoopBackOff
 * after the first one — and is still not ready stays a crash loop, so a verdict does not flicker
 * failing ↔ pending on every restart.
 */
function stickyCrashLoop(pod: unknown, state: PodState): PodState {
  if (state.health !== 'progressing' && state.health !== 'unhealthy') return state;
  for (const status of containerStatusesOf(pod)) {
    const restarts = num(status['restartCount']) ?? 0;
    const exitCode = num(get(status, 'lastState', 'terminated', 'exitCode'));
    if (restarts >= 1 && status['ready'] !== true && exitCode !== undefined && exitCode !== 0) {
      return { health: 'failing', ready: false, reason: 'crash loop', words: `crash loop: container ${str(status['name']) ?? '?'} restarted ${restarts} ${restarts === 1 ? 'time' : 'times'}, last exit code ${exitCode}` };
    }
  }
  return state;
}

function describeOnce(pod: unknown, options: PodStateOptions): PodState {
  const { now, timeScale } = options;
  const m = meta(pod);
  const events = eventsAbout(options.events ?? [], 'Pod', nameOf(pod), str(m['uid']));
  const phase = str(get(pod, 'status', 'phase'));
  const readyCondition = condition(pod, 'Ready');
  const ready = readyCondition?.['status'] === 'True' && phase !== 'Succeeded' && phase !== 'Failed';

  // Deletion first: whatever else is true, the Pod is leaving (kubectl shows Terminating too).
  const deletion = time(m['deletionTimestamp']);
  if (m['deletionTimestamp'] !== undefined && m['deletionTimestamp'] !== null) {
    // deletionTimestamp is the end of the grace period (now + grace at the DELETE).
    const grace =
      deletion === undefined ? '' : deletion > now ? ` (grace period ends in ${inWords(deletion - now)})` : ` (grace period ended ${inWords(now - deletion)} ago)`;
    return { health: 'terminating', ready, reason: 'terminating', words: `terminating${grace}` };
  }

  if (phase === 'Succeeded') return { health: 'done', ready: false, reason: 'completed', words: 'completed (Succeeded): it will not serve' };
  if (phase === 'Failed') {
    const reason = str(get(pod, 'status', 'reason'));
    const message = str(get(pod, 'status', 'message'));
    const detail = [reason, message ? shortened(message, 120) : undefined].filter(Boolean).join(': ');
    return { health: 'failing', ready: false, reason: 'failed', words: `failed${detail ? `: ${detail}` : ''}` };
  }

  const scheduled = condition(pod, 'PodScheduled');
  const nodeName = str(get(pod, 'spec', 'nodeName'));
  if (scheduled?.['status'] === 'False' || (!nodeName && !scheduled)) {
    const reason = str(scheduled?.['reason']);
    const message = str(scheduled?.['message']);
    if (reason === 'SchedulingGated') {
      const gates = recs(get(pod, 'spec', 'schedulingGates')).map((g) => str(g['name'])).filter(Boolean);
      return { health: 'progressing', ready: false, reason: 'scheduling gated', words: `not scheduled: held by scheduling gates${gates.length ? ` (${gates.join(', ')})` : ''}` };
    }
    if (reason === 'Unschedulable') {
      const since = time(scheduled?.['lastTransitionTime']) ?? time(m['creationTimestamp']);
      const long = since !== undefined && now - since >= scaled(UNSCHEDULABLE_GRACE_MS, timeScale);
      const why = message ? `: ${shortened(message)}` : '';
      return long
        ? { health: 'failing', ready: false, reason: 'unschedulable', words: `not scheduled for ${inWords(now - (since as number))}${why}` }
        : { health: 'progressing', ready: false, reason: 'not scheduled yet', words: `not scheduled yet${why}` };
    }
    return { health: 'progressing', ready: false, reason: 'not scheduled yet', words: 'waiting to be scheduled' };
  }

  // Init containers that are not sidecars run to completion, one at a time, in spec order.
  const initSpecs = recs(get(pod, 'spec', 'initContainers'));
  const initStatuses = recs(get(pod, 'status', 'initContainerStatuses'));
  const initialized = condition(pod, 'Initialized')?.['status'];
  if (initialized !== 'True' && initSpecs.length > 0) {
    const runToCompletion = initSpecs.filter((c) => c['restartPolicy'] !== 'Always');
    let done = 0;
    for (const spec of runToCompletion) {
      const status = initStatuses.find((s) => s['name'] === spec['name']);
      if (num(get(status, 'state', 'terminated', 'exitCode')) === 0) {
        done += 1;
        continue;
      }
      const progress = `${done} of ${runToCompletion.length} done`;
      const verdict = status ? containerVerdict(pod, status, true, now) : undefined;
      if (verdict && verdict.health === 'failing') return { health: 'failing', ready: false, reason: `init ${verdict.reason}`, words: `${verdict.words} (${progress})` };
      const running = get(status, 'state', 'running') !== undefined;
      return {
        health: 'progressing',
        ready: false,
        reason: 'initialising',
        words: `initialising: init container ${str(spec['name']) ?? '?'} ${running ? 'running' : 'waiting'} (${progress})`,
      };
    }
  }

  const statuses = containerStatusesOf(pod);
  let worst: ContainerVerdict | undefined;
  for (const status of statuses) {
    const verdict = containerVerdict(pod, status, false, now);
    if (verdict && (!worst || HEALTH_RANK[verdict.health] < HEALTH_RANK[worst.health])) worst = verdict;
  }
  if (worst?.health === 'failing') return { health: 'failing', ready: false, reason: worst.reason, words: worst.words };

  if (ready) return readyState(time(readyCondition?.['lastTransitionTime']), restartCount(statuses), now);

  const probe = readinessFailure(events);
  const running = statuses.length > 0 && statuses.every((s) => get(s, 'state', 'running') !== undefined);
  if (probe && running) {
    // Apps warm up: a readiness probe that fails in the first seconds after start-up is the app
    // starting, not an app in trouble (kubectl rollout status waits the same way).
    const startedAt = statuses.reduce<number | undefined>((latest, s) => {
      const t = time(get(s, 'state', 'running', 'startedAt'));
      return t !== undefined && (latest === undefined || t > latest) ? t : latest;
    }, undefined);
    if (startedAt !== undefined && now - startedAt < scaled(READINESS_WARMUP_MS, timeScale) && probe.times < READINESS_WARMUP_FAILURES) {
      return {
        health: 'progressing',
        ready: false,
        reason: 'warming up',
        words: `started, readiness probe not passing yet: ${probe.message}`,
      };
    }
    return {
      health: 'unhealthy',
      ready: false,
      reason: 'readiness probe failing',
      words: `readiness probe failing: ${probe.message} (${probe.times} ${probe.times === 1 ? 'time' : 'times'})`,
    };
  }

  const pulling = pullingImage(events);
  if (pulling && !running) return { health: 'progressing', ready: false, reason: 'pulling', words: `pulling image "${pulling}"` };
  if (worst) return { health: 'progressing', ready: false, reason: worst.reason, words: worst.words };

  // Every container is ready but the Pod is not: readiness gates (kubelet status/generate.go).
  const readyMessage = str(readyCondition?.['message']);
  if (running && str(readyCondition?.['reason']) === 'ReadinessGatesNotReady') {
    return { health: 'progressing', ready: false, reason: 'readiness gates', words: `not ready: ${shortened(readyMessage ?? 'readiness gates not satisfied', 120)}` };
  }
  if (statuses.length === 0) {
    return { health: 'progressing', ready: false, reason: 'creating', words: nodeName ? `scheduled on ${nodeName}, creating containers` : 'creating containers' };
  }
  return { health: 'progressing', ready: false, reason: 'not ready', words: `not ready${readyMessage ? `: ${shortened(readyMessage, 120)}` : ' yet'}` };
}
