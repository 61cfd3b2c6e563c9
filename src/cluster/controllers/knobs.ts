/**
 * The embedded cluster's behaviour knobs (design.md §6): annotations on a Pod (copied there from
 * its template) that tell the simulated kubelet how the Pod's containers behave, plus the Go-style
 * durations they are written in and the kubelet prints in its messages.
 */
import { parseDuration } from '../../lib/duration.js';
import type { KubeObject } from '../../lib/kube-object.js';

export const KNOB_PREFIX = 'sim.kubespy.dev/';
export const READINESS_KNOB = `${KNOB_PREFIX}readiness`;
export const IMAGE_PULL_KNOB = `${KNOB_PREFIX}image-pull`;
export const CRASH_KNOB = `${KNOB_PREFIX}crash`;
export const STARTUP_KNOB = `${KNOB_PREFIX}startup`;
/** How long each init container runs before it exits (default: the kubelet's initRun timing). */
export const INIT_KNOB = `${KNOB_PREFIX}init`;
/** Init containers exit with this code instead of 0: `exit:N`. */
export const INIT_CRASH_KNOB = `${KNOB_PREFIX}init-crash`;

export type ReadinessKnob = { kind: 'pass' } | { kind: 'fail' } | { kind: 'after'; ms: number };
export type CrashKnob = { kind: 'exit'; code: number } | { kind: 'oom' };

export interface PodKnobs {
  readiness: ReadinessKnob;
  /** Every image pull of the Pod fails (as if the image did not exist). */
  imagePullFails: boolean;
  /** Unset: containers run until stopped. */
  crash?: CrashKnob;
  /** Simulated ms from the Pod being bound to its containers running; unset: the kubelet's own pace. */
  startupMs?: number;
  /** Knob annotations whose value could not be parsed ("key: reason"), so callers can log them. */
  invalid: string[];
}

/** Knob durations use Go's time.Duration syntax, as Kubernetes users write them (lib/duration.ts). */
export { parseDuration };

/**
 * Formats milliseconds as Go's time.Duration.String() does ("10s", "1m20s", "5m0s", "1.2s",
 * "500ms"): the kubelet prints back-offs and pull times this way and users recognise the shape.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trimNumber(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trimNumber(rest / 1000)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function trimNumber(n: number): string {
  // Go prints up to nanosecond precision without trailing zeros; millisecond precision is plenty here.
  return String(Math.round(n * 1000) / 1000);
}

function parseReadiness(value: string, invalid: string[]): ReadinessKnob {
  const v = value.trim();
  if (v === 'pass') return { kind: 'pass' };
  if (v === 'fail') return { kind: 'fail' };
  if (v.startsWith('after:')) {
    const ms = parseDuration(v.slice('after:'.length));
    if (ms !== undefined) return { kind: 'after', ms };
  }
  invalid.push(`${READINESS_KNOB}: expected pass, fail or after:DURATION, got "${value}"`);
  return { kind: 'pass' };
}

function parseCrash(value: string, invalid: string[]): CrashKnob | undefined {
  const v = value.trim();
  if (v === 'oom') return { kind: 'oom' };
  const exit = /^exit:(\d{1,3})$/.exec(v);
  if (exit && Number(exit[1]) <= 255) return { kind: 'exit', code: Number(exit[1]) };
  invalid.push(`${CRASH_KNOB}: expected exit:N (0-255) or oom, got "${value}"`);
  return undefined;
}

/** Reads a Pod's knobs; unset or unparsable knobs fall back to a healthy container. */
export function readKnobs(pod: KubeObject): PodKnobs {
  const annotations = pod.metadata.annotations ?? {};
  const invalid: string[] = [];
  const knobs: PodKnobs = { readiness: { kind: 'pass' }, imagePullFails: false, invalid };
  const readiness = annotations[READINESS_KNOB];
  if (readiness !== undefined) knobs.readiness = parseReadiness(readiness, invalid);
  const pull = annotations[IMAGE_PULL_KNOB];
  if (pull !== undefined) {
    if (pull.trim() === 'fail') knobs.imagePullFails = true;
    else if (pull.trim() !== 'pass') invalid.push(`${IMAGE_PULL_KNOB}: expected fail, got "${pull}"`);
  }
  const crash = annotations[CRASH_KNOB];
  if (crash !== undefined) {
    const parsed = parseCrash(crash, invalid);
    if (parsed) knobs.crash = parsed;
  }
  const startup = annotations[STARTUP_KNOB];
  if (startup !== undefined) {
    const ms = parseDuration(startup);
    if (ms === undefined) invalid.push(`${STARTUP_KNOB}: expected a duration like 5s, got "${startup}"`);
    else knobs.startupMs = ms;
  }
  return knobs;
}

/**
 * Whether pulling `image` fails: the Pod's image-pull knob, or an image reference that names a
 * tag or repository that plainly does not exist (so `kubectl set image … nginx:doesnotexist`
 * behaves as on a real cluster).
 */
export function imagePullFails(image: string, knobs: Pick<PodKnobs, 'imagePullFails'>): boolean {
  return knobs.imagePullFails || /does-?not-?exist/i.test(image);
}

export interface InitKnobs {
  /** Simulated ms each init container runs. */
  runMs?: number;
  /** Non-zero: every init container fails with it (so the first one blocks the Pod). */
  exitCode?: number;
  invalid: string[];
}

/** Reads the init-container knobs; unparsable values are reported in `invalid` and ignored. */
export function readInitKnobs(pod: KubeObject): InitKnobs {
  const annotations = pod.metadata.annotations ?? {};
  const knobs: InitKnobs = { invalid: [] };
  const run = annotations[INIT_KNOB];
  if (run !== undefined) {
    const ms = parseDuration(run);
    if (ms === undefined) knobs.invalid.push(`${INIT_KNOB}: expected a duration like 5s, got "${run}"`);
    else knobs.runMs = ms;
  }
  const crash = annotations[INIT_CRASH_KNOB];
  if (crash !== undefined) {
    const exit = /^exit:(\d{1,3})$/.exec(crash.trim());
    if (exit && Number(exit[1]) <= 255) {
      if (Number(exit[1]) !== 0) knobs.exitCode = Number(exit[1]);
    } else knobs.invalid.push(`${INIT_CRASH_KNOB}: expected exit:N (0-255), got "${crash}"`);
  }
  return knobs;
}
