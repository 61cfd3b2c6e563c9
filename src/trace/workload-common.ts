/**
 * What every workload trace (Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod) shares: the
 * input the model layer fills, the Pods as views with their state in words (pod-state.ts), the
 * `workload`, `pods` and `events` checks, the verdict rules and the absent/deleted reports.
 * Each kind's file adds its own `rollout`, `replicasets`/`revisions` and `available` checks.
 * Pure: time is `input.now`.
 *
 * Verdict rules for every workload kind, first match wins (design.md §4):
 * | # | verdict  | when                                                                                  |
 * |---|----------|---------------------------------------------------------------------------------------|
 * | 1 | deleted  | `deleted` is true (the object was seen during the trace and is gone)                  |
 * | 2 | absent   | no object (not created yet, or its read is unavailable)                                |
 * | 3 | failing  | a check is `fail`: progress deadline exceeded, ReplicaFailure (quota, admission),      |
 * |   |          | Pods of the revision being rolled out stuck (image pull failure, crash loop, config   |
 * |   |          | error, unschedulable ≥ 15 s) — EXCEPT a failing `pods` check once the rollout is      |
 * |   |          | complete by kubectl's rule (an old Pod failing while it terminates: rule 5)           |
 * | 4 | pending  | a check is `pending`: generation not observed, Pods being created/updated/terminated, |
 * |   |          | ready but not yet available (minReadySeconds)                                         |
 * | 5 | degraded | a check is `warn` (paused mid-rollout, readiness probe failing, headless Service       |
 * |   |          | missing, misscheduled daemon Pods) or a `pods` fail that rule 3 excepted              |
 * | 6 | ready    | every check is ok, info or skip. Scaled to 0 is ready: nothing is wanted, nothing is  |
 * |   |          | missing (kubectl rollout status says "successfully rolled out" too)                   |
 *
 * The `events` check never decides the verdict (as in the service trace): Events outlive the
 * problems they report by an hour.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { agoInWords, inWords } from './age.js';
import {
  MAX_EVENT_LINES,
  RECENT_WARNING_MS,
  applyUnavailable,
  decideVerdict,
  eventLine,
  makeCheck,
  missingReport,
  objectList,
  objectOrUndefined,
  summaryLine,
  warningsCheck,
} from './checklist.js';
import { type EventView, dedupeEvents, viewEvent } from './events.js';
import { groupBy } from './owners.js';
import { POD_HEALTH_ORDER, type PodState, describePod } from './pod-state.js';
import { capLines, get, isRec, meta, nameOf, num, plural, rec, recs, str, strings, time } from './read.js';
import type { Check, CheckStatus, TraceReport } from './types.js';
import { compareNatural } from '../lib/compare.js';

// The kinds' files import these from here, with the rest of what every workload trace shares.
export { MAX_EVENT_LINES, RECENT_WARNING_MS, eventLine };

export const WORKLOAD_CHECK_IDS = ['workload', 'rollout', 'replicasets', 'revisions', 'pods', 'available', 'events'] as const;
export type WorkloadCheckId = (typeof WORKLOAD_CHECK_IDS)[number];
export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Pod';

/**
 * Everything a workload trace needs, as the model layer fetches it with server-side filters
 * (design.md §1). Lists are filtered again here (owners, namespace), so a stale cache entry after
 * a selector change does no harm.
 */
export interface WorkloadTraceInput {
  namespace: string;
  name: string;
  /** Epoch milliseconds: the time the report is for. */
  now: number;
  /** The traced object (watch KIND, fieldSelector metadata.name=NAME). Absent: not created yet. */
  workload?: KubeObject;
  /** True when the object was seen and then deleted (a DELETED event). */
  deleted?: boolean;
  /** Deployment only: ReplicaSets (labelSelector = the Deployment's selector); kept when it owns them. */
  replicaSets?: KubeObject[];
  /** Pods (labelSelector = the workload's selector); kept when the workload (or its ReplicaSets) owns them. */
  pods: KubeObject[];
  /** Events of the workload, its ReplicaSets and Pods (Warnings; for a Pod, all of its own). */
  events: readonly KubeObject[];
  /** StatefulSet only: its governing Service (spec.serviceName, by name); undefined when not found. */
  governingService?: KubeObject;
  /** StatefulSet only: why the governing Service cannot be read (RBAC), when it cannot. */
  governingServiceProblem?: string;
  /** Checks that cannot be performed, with the reason (RBAC): shown as `skip`. */
  unavailable?: Partial<Record<WorkloadCheckId, string>>;
  /** True while the watches reconnect. */
  reconnecting?: boolean;
  /** The embedded cluster's speed factor (1 for real clusters): simulated durations are divided by it. */
  timeScale?: number;
}

/** Cap on per-object detail lines, so the view stays bounded however large the workload. */
export const MAX_POD_LINES = 12;

export interface PodView {
  pod: KubeObject;
  name: string;
  state: PodState;
  node: string;
  /** Epoch ms from which the Pod counts as available (ready + minReadySeconds), when ready. */
  availableAt?: number;
}

/** What a kind's checks get: the normalised input, the object, and its Pods. */
export interface WorkloadContext {
  input: WorkloadTraceInput;
  workload: KubeObject;
  /** The Pods the workload owns, sorted by name. */
  pods: PodView[];
  /** Controller objects between the workload and its Pods (a Deployment's ReplicaSets). */
  replicaSets: KubeObject[];
  /** minReadySeconds in real-time ms (divided by the time scale). */
  minReadyMs: number;
}

export interface KindAnalyser {
  kind: WorkloadKind;
  /** The check ids this kind reports, in order. */
  checkIds: readonly WorkloadCheckId[];
  /** Which Pods (and ReplicaSets) belong to the workload. */
  select(input: WorkloadTraceInput, workload: KubeObject): { pods: KubeObject[]; replicaSets: KubeObject[] };
  checks(ctx: WorkloadContext): Check[];
  /** Extra words for the summary line ("revision 2", "3 replicas"). */
  summary?(ctx: WorkloadContext): string | undefined;
}

export const check = makeCheck<WorkloadCheckId>;

// ───────────────────────────── reading objects ─────────────────────────────

export function conditionOf(obj: unknown, type: string): Record<string, unknown> | undefined {
  return recs(get(obj, 'status', 'conditions')).find((c) => c['type'] === type);
}

/** "Progressing True NewReplicaSetAvailable: ReplicaSet "web-…" has successfully progressed." */
export function conditionLine(condition: Record<string, unknown> | undefined): string | undefined {
  if (!condition) return undefined;
  const reason = str(condition['reason']);
  const message = str(condition['message']);
  return `${str(condition['type']) ?? '?'} ${str(condition['status']) ?? '?'}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`;
}

/** A status counter; absent reads as 0, as Go's zero value does for kubectl. */
export function count(obj: unknown, field: string): number {
  return num(get(obj, 'status', field)) ?? 0;
}

/** spec.replicas, defaulted to 1 as the API server does. */
export function specReplicas(obj: unknown): number {
  return num(get(obj, 'spec', 'replicas')) ?? 1;
}

/** True when `obj`'s controller ownerReference points at `owner` (by uid when both have one). */
export function ownedBy(obj: unknown, owner: unknown): boolean {
  const ownerUid = str(meta(owner)['uid']);
  const ownerKind = str(get(owner, 'kind'));
  return recs(meta(obj)['ownerReferences']).some((ref) => {
    if (ref['controller'] !== true) return false;
    const uid = str(ref['uid']);
    if (uid && ownerUid) return uid === ownerUid;
    return ref['name'] === nameOf(owner) && (!ownerKind || ref['kind'] === ownerKind);
  });
}

// ───────────────────────────── Pods ─────────────────────────────

export function viewPods(pods: readonly KubeObject[], input: WorkloadTraceInput, minReadyMs: number): PodView[] {
  return pods
    .map((pod) => {
      const state = describePod(pod, { now: input.now, events: input.events, timeScale: input.timeScale });
      const readySince = time(conditionOf(pod, 'Ready')?.['lastTransitionTime']);
      return {
        pod,
        name: nameOf(pod),
        state,
        node: str(get(pod, 'spec', 'nodeName')) ?? '-',
        ...(state.ready && readySince !== undefined ? { availableAt: readySince + minReadyMs } : {}),
      };
    })
    .sort((a, b) => compareNatural(a.name, b.name));
}

/** Ready for minReadySeconds already (or no minReadySeconds): what controllers count as available. */
export function isAvailable(view: PodView, now: number): boolean {
  return view.state.ready && (view.availableAt === undefined || view.availableAt <= now);
}

/** "web-7d9c6f5b8-2xkqp  node-1  ready for 3 s" (+ ", available in 7 s" under minReadySeconds). */
export function podLine(view: PodView, now: number, extra = ''): string {
  const waitingForAvailability = view.state.ready && view.availableAt !== undefined && view.availableAt > now;
  const words = waitingForAvailability ? `${view.state.words}, available in ${inWords(view.availableAt! - now)} (minReadySeconds)` : view.state.words;
  return `${view.name}  ${view.node}${extra ? `  ${extra}` : ''}  ${words}`;
}

export function sortByHealth(views: readonly PodView[]): PodView[] {
  return [...views].sort((a, b) => POD_HEALTH_ORDER[a.state.health] - POD_HEALTH_ORDER[b.state.health] || compareNatural(a.name, b.name));
}

/** Pods that are stuck (will not fix themselves). */
export function failingPods(views: readonly PodView[]): PodView[] {
  return views.filter((v) => v.state.health === 'failing');
}

/** "2 image pull failing, 1 pulling" — counts of not-ready Pods by reason. */
export function reasonCounts(views: readonly PodView[]): string {
  return [...groupBy(views.filter((v) => !v.state.ready && v.state.health !== 'done'), (v) => v.state.reason).entries()]
    .map(([reason, list]) => `${list.length} ${reason}`)
    .join(', ');
}

export interface PodsCheckOptions {
  /** Pods the workload wants (spec.replicas, desiredNumberScheduled). */
  desired: number;
  /** Detail lines; default: every Pod, worst first. */
  lines?: string[];
}

/**
 * `pods`: how many are ready and why the others are not. Terminating Pods never hold the check
 * pending on their own: controllers stop counting them (FilterActivePods), and so does kubectl.
 */
export function podsCheck(ctx: WorkloadContext, options: PodsCheckOptions): Check {
  const { now } = ctx.input;
  const active = ctx.pods.filter((p) => p.state.health !== 'done' && p.state.health !== 'terminating');
  const ready = active.filter((p) => p.state.ready).length;
  const terminating = ctx.pods.length - active.length - ctx.pods.filter((p) => p.state.health === 'done').length;
  const reasons = reasonCounts(active);
  const lines = options.lines ?? sortByHealth(ctx.pods).map((p) => podLine(p, now));
  const tail = [reasons, terminating > 0 ? `${terminating} terminating` : ''].filter(Boolean).join(', ');
  const message = `${ready} of ${options.desired} ready${tail ? ` · ${tail}` : ''}`;
  if (options.desired === 0 && active.length === 0) {
    return check('pods', 'ok', terminating > 0 ? `none wanted · ${terminating} terminating` : 'none wanted (scaled to 0)', capLines(lines, MAX_POD_LINES));
  }
  const healths = new Set(active.map((p) => p.state.health));
  const status: CheckStatus = healths.has('failing')
    ? 'fail'
    : healths.has('unhealthy')
      ? 'warn'
      : healths.has('progressing') || ready < options.desired
        ? 'pending'
        : 'ok';
  return check('pods', status, message, capLines(lines, MAX_POD_LINES));
}

// ───────────────────────────── shared checks ─────────────────────────────

/**
 * `workload`: the object exists and its controller has seen the latest spec
 * (status.observedGeneration ≥ metadata.generation, the first thing kubectl rollout status checks).
 */
export function workloadCheck(ctx: WorkloadContext, kind: WorkloadKind, extra: string[] = []): Check {
  const { workload, input } = ctx;
  const m = meta(workload);
  const created = time(m['creationTimestamp']);
  const details = [...(created !== undefined ? [`created ${agoInWords(input.now, created)} ago`] : []), ...extra];
  if (m['deletionTimestamp']) {
    const finalizers = strings(m['finalizers']);
    return check('workload', 'warn', `being deleted${finalizers.length ? ` (waiting for finalizers: ${finalizers.join(', ')})` : ''}`, details);
  }
  const generation = num(m['generation']);
  const observed = num(get(workload, 'status', 'observedGeneration'));
  if (generation !== undefined && (observed === undefined || observed < generation)) {
    return check('workload', 'pending', `generation ${generation} not observed yet by the ${kind} controller (observed: ${observed ?? 'none'})`, details);
  }
  return check('workload', 'ok', `exists${generation !== undefined ? `, generation ${generation} observed` : ''}`, details);
}

/**
 * `events`: Warning Events about the workload, its ReplicaSets and its Pods, latest first. One
 * reason on several Pods (every new replica failing its image pull) is summed up, as in the
 * Service trace, so the line does not change each time another replica reports it.
 */
export function eventsCheck(ctx: WorkloadContext, kind: WorkloadKind): Check {
  const { input } = ctx;
  const names = new Set([
    `${kind}/${input.name}`,
    ...ctx.replicaSets.map((rs) => `ReplicaSet/${nameOf(rs)}`),
    ...ctx.pods.map((p) => `Pod/${p.name}`),
  ]);
  const warnings = dedupeEvents(
    input.events.map(viewEvent).filter((e: EventView) => e.type === 'Warning' && names.has(`${e.kind}/${e.name}`)),
  );
  return warningsCheck(warnings, input.now, { sumSameReason: true });
}

export interface AvailabilityOptions {
  available: number;
  wanted: number;
  /** Enough to count as available (replicas − maxUnavailable); default: all wanted. */
  minimum?: number;
  details?: string[];
}

/**
 * `available`: Pods ready for at least minReadySeconds, as the controllers count them. Pods that
 * are ready but still inside minReadySeconds are named, since they are why a rollout waits.
 */
export function availabilityCheck(ctx: WorkloadContext, o: AvailabilityOptions): Check {
  if (o.wanted === 0) return check('available', 'ok', 'scaled to 0: no Pods wanted', o.details ?? []);
  const minimum = o.minimum ?? o.wanted;
  const details = [...(o.details ?? [])];
  const warming = ctx.pods.filter((p) => p.state.ready && !isAvailable(p, ctx.input.now));
  const minReady = num(get(ctx.workload, 'spec', 'minReadySeconds')) ?? 0;
  if (warming.length > 0) details.push(`${plural(warming.length, 'Pod')} ready, not available until ready for minReadySeconds ${minReady}`);
  const shortBy = o.available < o.wanted && minimum < o.wanted ? ` (minimum ${minimum})` : '';
  const message = `${o.available} of ${o.wanted} available${shortBy}${warming.length > 0 ? ` · ${warming.length} ready, waiting for minReadySeconds` : ''}`;
  return check('available', o.available >= minimum ? 'ok' : 'pending', message, details);
}

/** "1 new Pod image pull failing: …" — the first stuck Pod, in words, for rollout messages. */
export function blockerLines(views: readonly PodView[], now: number, what = 'Pod'): string[] {
  return failingPods(views).map((v) => `held back by ${what} ${podLine(v, now)}`);
}

// ───────────────────────────── verdict and report ─────────────────────────────

/** Every list a list of objects, every object with metadata: inputs come from recordings and servers of any age. */
export function normaliseInput(raw: WorkloadTraceInput): WorkloadTraceInput {
  const r = rec(raw);
  const workload = objectOrUndefined(r['workload']);
  const governingService = objectOrUndefined(r['governingService']);
  const timeScale = num(r['timeScale']);
  return {
    namespace: str(r['namespace']) ?? 'default',
    name: str(r['name']) ?? '',
    now: num(r['now']) ?? 0,
    ...(workload ? { workload } : {}),
    deleted: r['deleted'] === true,
    replicaSets: objectList(r['replicaSets']),
    pods: objectList(r['pods']).filter((p) => (str(meta(p)['namespace']) ?? str(r['namespace'])) === (str(r['namespace']) ?? 'default')),
    events: objectList(r['events']),
    ...(governingService ? { governingService } : {}),
    ...(str(r['governingServiceProblem']) ? { governingServiceProblem: str(r['governingServiceProblem']) } : {}),
    ...(isRec(r['unavailable']) ? { unavailable: r['unavailable'] as WorkloadTraceInput['unavailable'] } : {}),
    reconnecting: r['reconnecting'] === true,
    timeScale: timeScale !== undefined && timeScale > 0 ? timeScale : 1,
  };
}

/** The trace report for one workload at `input.now`. Never throws on malformed objects. */
export function analyseWorkload(analyser: KindAnalyser, rawInput: WorkloadTraceInput): TraceReport {
  const input = normaliseInput(rawInput);
  const { kind } = analyser;
  const target = { kind, namespace: input.namespace, name: input.name };
  const workload = input.workload;
  if (input.deleted || !workload) {
    const unavailable = str(rec(input.unavailable)['workload']);
    return missingReport({ target, checkIds: analyser.checkIds, deleted: input.deleted === true, ...(unavailable ? { unavailable } : {}), reconnecting: input.reconnecting === true });
  }
  const minReadyMs = ((num(get(workload, 'spec', 'minReadySeconds')) ?? 0) * 1000) / (input.timeScale ?? 1);
  const selected = analyser.select(input, workload);
  const ctx: WorkloadContext = { input, workload, pods: viewPods(selected.pods, input, minReadyMs), replicaSets: selected.replicaSets, minReadyMs };
  const checks = applyUnavailable(analyser.checks(ctx), input.unavailable);
  // Rule 3's exception: a failing `pods` check once the rollout is complete is an old Pod leaving.
  const verdict = decideVerdict(checks, { podsFailureExcused: checks.find((c) => c.id === 'rollout')?.status === 'ok' });
  const extra = analyser.summary?.(ctx);
  return { target, verdict, summary: summaryLine(target, verdict, { ...(extra ? { extra } : {}), reconnecting: input.reconnecting === true }), checks };
}

/** A DaemonSet's or StatefulSet's spec.updateStrategy.type; the API server defaults it to RollingUpdate. */
export function updateStrategyOf(workload: unknown): string {
  return str(get(workload, 'spec', 'updateStrategy', 'type')) ?? 'RollingUpdate';
}
