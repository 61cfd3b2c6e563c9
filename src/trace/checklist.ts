/**
 * What the service trace (service.ts) and the workload traces (workload-common.ts) build their
 * checklists with: checks, `unavailable` checks shown as `skip`, the `events` check, the verdict
 * rules both tables share, the summary line and the report while the traced object is missing.
 * Pure.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { agoInWords } from './age.js';
import type { EventView } from './events.js';
import { capLines, isRec, plural, str } from './read.js';
import type { Check, CheckStatus, TraceReport, TraceTarget, Verdict } from './types.js';

/** Cap on `events` detail lines, so the view stays bounded however many objects warn. */
export const MAX_EVENT_LINES = 5;
/** A warning seen this recently makes the events check `warn` rather than `info`. */
export const RECENT_WARNING_MS = 5 * 60_000;

/** A check; instantiate it with a trace's check ids (`makeCheck<ServiceCheckId>`) so ids are typed. */
export function makeCheck<Id extends string>(id: Id, status: CheckStatus, message: string, details: string[] = []): Check {
  return { id, status, message, details };
}

/** A check's own copy, for a check kept in a memo and handed out again. */
export function copyCheck(c: Check): Check {
  return { ...c, details: [...c.details] };
}

/** Checks that cannot be performed (RBAC), by id with the reason, shown as `skip` with it. */
export function applyUnavailable(checks: Check[], unavailable: Partial<Record<string, string>> | undefined): Check[] {
  if (!isRec(unavailable) || Object.keys(unavailable).length === 0) return checks;
  return checks.map((c) => {
    const reason = str((unavailable as Record<string, unknown>)[c.id]);
    return reason ? makeCheck(c.id, 'skip', `not checked: ${reason}`) : c;
  });
}

function isObject(o: unknown): o is KubeObject {
  return isRec(o) && isRec(o['metadata']);
}

/** Frozen lists already checked: the model hands out the same frozen array until its watch changes. */
const checkedLists = new WeakMap<readonly unknown[], KubeObject[]>();

/**
 * A list from a recording or an old server as objects that each have a metadata object. A frozen
 * list (the model's, issue 6) is checked once, and returned as is when every item qualifies; the
 * result is then frozen like it (as ObjectCache.values() is), so callers copy before sorting.
 */
export function objectList(value: unknown): KubeObject[] {
  if (!Array.isArray(value)) return [];
  if (!Object.isFrozen(value)) return value.filter(isObject);
  let list = checkedLists.get(value);
  if (!list) {
    list = value.every(isObject) ? (value as KubeObject[]) : (Object.freeze(value.filter(isObject)) as KubeObject[]);
    checkedLists.set(value, list);
  }
  return list;
}

export function objectOrUndefined(value: unknown): KubeObject | undefined {
  return isRec(value) && isRec(value['metadata']) ? (value as KubeObject) : undefined;
}

/** "3 m ago  Pod web-1  Unhealthy: Readiness probe failed: … (×4)" */
export function eventLine(e: EventView, now: number): string {
  return `${e.last !== undefined ? `${agoInWords(now, e.last)} ago` : 'earlier'}  ${e.kind} ${e.name}  ${e.reason}: ${e.message}${e.count > 1 ? ` (×${e.count})` : ''}`;
}

/**
 * `events`: the Warning Events about the traced objects (deduplicated, latest first), `warn` when
 * the latest is recent. With `sumSameReason`, one reason on several objects of one kind (every
 * replica failing its probe) is summed up, so the line does not change each time another replica
 * reports the same warning.
 */
export function warningsCheck(warnings: readonly EventView[], now: number, options: { sumSameReason?: boolean } = {}): Check {
  if (warnings.length === 0) return makeCheck('events', 'info', 'no warnings');
  const latest = warnings[0] as EventView;
  const recent = latest.last !== undefined && now - latest.last <= RECENT_WARNING_MS;
  const sameReason = warnings.every((e) => e.reason === latest.reason && e.kind === latest.kind);
  const objectCount = new Set(warnings.map((e) => e.name)).size;
  const message =
    options.sumSameReason && sameReason && objectCount > 1
      ? `${plural(warnings.length, 'warning')}: ${latest.reason} on ${plural(objectCount, latest.kind)}`
      : `${plural(warnings.length, 'warning')}, latest: ${latest.reason} on ${latest.kind} ${latest.name}`;
  return makeCheck('events', recent ? 'warn' : 'info', message, capLines(warnings.map((e) => eventLine(e, now)), MAX_EVENT_LINES));
}

export interface VerdictRules {
  /** A failing `pods` check counts as `degraded`, not `failing` (the Service serves; the rollout is complete). */
  podsFailureExcused: boolean;
  /** `pending` even when no check is (a Service that serves no traffic yet). */
  waiting?: boolean;
}

/**
 * The verdict from the checks (design.md §4; the tables in service.ts and workload-common.ts):
 * failing, then pending, then degraded, else ready. The `events` check never decides: Events
 * outlive the problems they report by an hour.
 */
export function decideVerdict(checks: readonly Check[], rules: VerdictRules): Verdict {
  const deciding = checks.filter((c) => c.id !== 'events');
  const failing = deciding.filter((c) => c.status === 'fail');
  if (failing.some((c) => !(rules.podsFailureExcused && c.id === 'pods'))) return 'failing';
  if (rules.waiting === true || deciding.some((c) => c.status === 'pending')) return 'pending';
  if (failing.length > 0 || deciding.some((c) => c.status === 'warn')) return 'degraded';
  return 'ready';
}

/** "Service shop/web · LoadBalancer · READY", "Deployment shop/web · revision 2 · PENDING (…) · reconnecting…" */
export function summaryLine(target: TraceTarget, verdict: Verdict, o: { extra?: string; note?: string; reconnecting?: boolean } = {}): string {
  const parts = [`${target.kind} ${target.namespace}/${target.name}`];
  if (o.extra) parts.push(o.extra);
  parts.push(verdict.toUpperCase() + (o.note ? ` (${o.note})` : ''));
  if (o.reconnecting) parts.push('reconnecting…');
  return parts.join(' · ');
}

export interface MissingObject {
  target: TraceTarget;
  /** The id of the check about the object itself (`service`, `workload`); the others are skipped. */
  checkIds: readonly string[];
  deleted: boolean;
  /** Why the object cannot be read (RBAC), when it cannot. */
  unavailable?: string;
  reconnecting?: boolean;
  /** Extra summary words (a deleted Service's type). */
  extra?: string;
}

/**
 * The report while the traced object is deleted (it was seen during the trace and is gone) or
 * absent (not created yet, or unreadable): its own check says which, the others wait for it.
 */
export function missingReport(m: MissingObject): TraceReport {
  const { kind, namespace, name } = m.target;
  const [firstId = '', ...otherIds] = m.checkIds;
  const first = m.deleted
    ? makeCheck(firstId, 'fail', `deleted: the ${kind} existed and is gone`)
    : m.unavailable
      ? makeCheck(firstId, 'skip', `not checked: ${m.unavailable}`)
      : makeCheck(firstId, 'pending', `not found: waiting for ${kind} ${name} to be created in namespace ${namespace}`);
  const others = m.deleted ? `the ${kind} is gone` : `waiting for the ${kind}`;
  const verdict: Verdict = m.deleted ? 'deleted' : 'absent';
  return {
    target: m.target,
    verdict,
    summary: summaryLine(m.target, verdict, { extra: m.extra, note: m.deleted ? undefined : 'waiting for it to be created', reconnecting: m.reconnecting }),
    checks: [first, ...otherIds.map((id) => makeCheck(id, 'skip', others))],
  };
}
