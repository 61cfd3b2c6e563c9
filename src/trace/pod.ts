/**
 * `kubespy trace pod NAME`: one Pod's lifecycle as a timeline — created, scheduled, initialised,
 * containers started, ready — with each container's state and the Pod's events (all of them, not
 * only warnings: for a single Pod, Pulling/Pulled/Started are the story). The Pod's state in words
 * comes from pod-state.ts, as in every other trace.
 *
 * Checks and their status (verdict rules: the table in workload-common.ts):
 * | check     | what                                            | status                                   |
 * |-----------|-------------------------------------------------|------------------------------------------|
 * | workload  | exists, node, IP, owner, being deleted           | ok; warn while terminating (the verdict  |
 * |           |                                                 | is pending: `pods` says terminating)     |
 * | rollout   | the timeline, one detail line per step           | ok once Ready (or Succeeded); fail when  |
 * |           |                                                 | stuck (pod-state `failing`); else pending|
 * | pods      | the Pod's state in words; a line per container   | from pod-state health                    |
 * | available | Ready condition                                 | ok ready/completed; warn readiness probe |
 * |           |                                                 | failing; pending otherwise               |
 * | events    | every Event of the Pod, latest first            | warn on a recent Warning; else info      |
 */
import type { KubeObject } from '../lib/kube-object.js';
import { agoInWords, inWords } from './age.js';
import { type EventView, eventsAbout, latestFirst } from './events.js';
import { describeChain, ownerChain } from './owners.js';
import { capLines, get, meta, nameOf, num, rec, recs, str, time } from './read.js';
import type { Check, CheckStatus, TraceReport } from './types.js';
import {
  type KindAnalyser,
  type WorkloadContext,
  type WorkloadTraceInput,
  MAX_EVENT_LINES,
  RECENT_WARNING_MS,
  analyseWorkload,
  check,
  conditionOf,
  eventLine,
} from './workload-common.js';

interface Step {
  label: string;
  at?: number;
  done: boolean;
}

/** The latest time a condition of `type` turned True, or undefined while it is not True. */
function trueSince(pod: unknown, type: string): number | undefined {
  const c = conditionOf(pod, type);
  return c?.['status'] === 'True' ? (time(c['lastTransitionTime']) ?? Number.NaN) : undefined;
}

function containerStatuses(pod: unknown): { status: Record<string, unknown>; init: boolean }[] {
  return [
    ...recs(get(pod, 'status', 'initContainerStatuses')).map((status) => ({ status, init: true })),
    ...recs(get(pod, 'status', 'containerStatuses')).map((status) => ({ status, init: false })),
  ];
}

function timeline(pod: KubeObject): Step[] {
  const created = time(meta(pod)['creationTimestamp']);
  const node = str(get(pod, 'spec', 'nodeName'));
  const scheduled = trueSince(pod, 'PodScheduled') ?? (node ? Number.NaN : undefined);
  const inits = recs(get(pod, 'spec', 'initContainers')).length;
  const initialised = trueSince(pod, 'Initialized');
  const apps = recs(get(pod, 'status', 'containerStatuses'));
  const starts = apps.map((s) => time(get(s, 'state', 'running', 'startedAt')));
  const allStarted = apps.length > 0 && starts.every((t) => t !== undefined);
  const ready = trueSince(pod, 'Ready');
  return [
    { label: 'created', ...(created !== undefined ? { at: created } : {}), done: true },
    { label: `scheduled${node ? ` on ${node}` : ''}`, ...(scheduled !== undefined && !Number.isNaN(scheduled) ? { at: scheduled } : {}), done: scheduled !== undefined },
    {
      label: inits > 0 ? `initialised (${inits} init ${inits === 1 ? 'container' : 'containers'})` : 'initialised',
      ...(initialised !== undefined && !Number.isNaN(initialised) ? { at: initialised } : {}),
      done: initialised !== undefined,
    },
    {
      label: `containers started (${apps.length})`,
      ...(allStarted ? { at: Math.max(...(starts as number[])) } : {}),
      done: allStarted,
    },
    { label: 'ready', ...(ready !== undefined && !Number.isNaN(ready) ? { at: ready } : {}), done: ready !== undefined },
  ];
}

function timelineCheck(ctx: WorkloadContext): Check {
  const { pod, state } = ctx.pods[0]!;
  const created = time(meta(pod)['creationTimestamp']);
  const steps = timeline(pod);
  const lines = steps.map((s) => {
    const when = s.at !== undefined && created !== undefined ? `+${inWords(s.at - created)}` : '';
    return `${s.done ? '✓' : '·'} ${s.label}${when ? `  ${when}` : ''}`;
  });
  const reached = [...steps].reverse().find((s) => s.done);
  const next = steps.find((s) => !s.done);
  if (state.health === 'done') return check('rollout', 'ok', `completed (Succeeded)`, lines);
  if (state.health === 'failing') return check('rollout', 'fail', `stuck before ${next?.label ?? 'ready'}: ${state.words}`, lines);
  if (!next) {
    const after = reached?.at !== undefined && created !== undefined ? ` ${inWords(reached.at - created)} after it was created` : '';
    return check('rollout', 'ok', `ready${after}`, lines);
  }
  return check('rollout', state.health === 'unhealthy' ? 'warn' : 'pending', `${reached?.label ?? 'created'}; next: ${next.label}`, lines);
}

function containerLine(status: Record<string, unknown>, init: boolean, now: number): string {
  const name = `${init ? 'init ' : ''}${str(status['name']) ?? '?'}`;
  const state = rec(status['state']);
  const restarts = num(status['restartCount']) ?? 0;
  const tail = `${restarts > 0 ? ` · ${restarts} ${restarts === 1 ? 'restart' : 'restarts'}` : ''}`;
  const last = rec(get(status, 'lastState', 'terminated'));
  const lastWords = Object.keys(last).length > 0 ? ` · last exit code ${num(last['exitCode']) ?? '?'}${str(last['reason']) ? ` (${str(last['reason'])})` : ''}` : '';
  if (state['running'] !== undefined) {
    const since = time(get(state, 'running', 'startedAt'));
    return `${name}  running${since !== undefined ? ` for ${agoInWords(now, since)}` : ''}, ${status['ready'] === true ? 'ready' : 'not ready'}${tail}${lastWords}`;
  }
  const terminated = rec(state['terminated']);
  if (Object.keys(terminated).length > 0) {
    return `${name}  terminated: ${str(terminated['reason']) ?? 'exited'} (exit code ${num(terminated['exitCode']) ?? '?'})${tail}${lastWords}`;
  }
  const waiting = rec(state['waiting']);
  const reason = str(waiting['reason']) ?? 'waiting';
  const message = str(waiting['message']);
  return `${name}  waiting: ${reason}${message ? ` — ${message.replace(/\s+/g, ' ').slice(0, 120)}` : ''}${tail}${lastWords}`;
}

const STATUS_OF_HEALTH: Record<string, CheckStatus> = { ready: 'ok', done: 'ok', progressing: 'pending', terminating: 'pending', unhealthy: 'warn', failing: 'fail' };

function stateCheck(ctx: WorkloadContext): Check {
  const { pod, state } = ctx.pods[0]!;
  const lines = containerStatuses(pod).map(({ status, init }) => containerLine(status, init, ctx.input.now));
  const specs = recs(get(pod, 'spec', 'containers')).length + recs(get(pod, 'spec', 'initContainers')).length;
  if (lines.length < specs) lines.push(`${specs - lines.length} ${specs - lines.length === 1 ? 'container has' : 'containers have'} no status yet`);
  return check('pods', STATUS_OF_HEALTH[state.health] ?? 'pending', state.words, lines);
}

function readyCheck(ctx: WorkloadContext): Check {
  const { state } = ctx.pods[0]!;
  if (state.health === 'done') return check('available', 'ok', 'completed: it will not serve again');
  if (state.ready) return check('available', 'ok', state.words);
  const ready = conditionOf(ctx.pods[0]!.pod, 'Ready');
  const why = str(ready?.['message']);
  return check('available', state.health === 'unhealthy' ? 'warn' : state.health === 'failing' ? 'fail' : 'pending', `not ready${why ? `: ${why}` : ''}`);
}

function workloadCheckOfPod(ctx: WorkloadContext): Check {
  const pod = ctx.workload;
  const m = meta(pod);
  const owner = describeChain(ownerChain(pod));
  const ip = str(get(pod, 'status', 'podIP'));
  const node = str(get(pod, 'spec', 'nodeName'));
  const created = time(m['creationTimestamp']);
  const details = [
    `owner: ${owner}`,
    ...(created !== undefined ? [`created ${agoInWords(ctx.input.now, created)} ago`] : []),
    ...(str(get(pod, 'status', 'qosClass')) ? [`QoS class ${str(get(pod, 'status', 'qosClass'))}`] : []),
  ];
  const where = [`phase ${str(get(pod, 'status', 'phase')) ?? 'unknown'}`, node ? `on ${node}` : 'no node yet', ip ? `IP ${ip}` : ''].filter(Boolean).join(', ');
  if (m['deletionTimestamp']) return check('workload', 'warn', `being deleted (${where})`, details);
  return check('workload', 'ok', `exists, ${where}`, details);
}

function podEventsCheck(ctx: WorkloadContext): Check {
  const pod = ctx.workload;
  const events: EventView[] = latestFirst(eventsAbout(ctx.input.events, 'Pod', nameOf(pod), str(meta(pod)['uid'])));
  if (events.length === 0) return check('events', 'info', 'no events');
  const warnings = events.filter((e) => e.type === 'Warning');
  const latest = events[0] as EventView;
  const recentWarning = warnings.some((e) => e.last !== undefined && ctx.input.now - e.last <= RECENT_WARNING_MS);
  const lines = events.map((e) => `${e.type === 'Warning' ? '⚠ ' : ''}${eventLine(e, ctx.input.now)}`);
  const message = `${events.length} ${events.length === 1 ? 'event' : 'events'}${warnings.length ? ` (${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'})` : ''}, latest: ${latest.reason}`;
  return check('events', recentWarning ? 'warn' : 'info', message, capLines(lines, MAX_EVENT_LINES * 2));
}

export const POD_ANALYSER: KindAnalyser = {
  kind: 'Pod',
  checkIds: ['workload', 'rollout', 'pods', 'available', 'events'],
  select(_input: WorkloadTraceInput, workload: KubeObject) {
    return { replicaSets: [], pods: [workload] };
  },
  checks(ctx) {
    return [workloadCheckOfPod(ctx), timelineCheck(ctx), stateCheck(ctx), readyCheck(ctx), podEventsCheck(ctx)];
  },
  summary(ctx) {
    return str(get(ctx.workload, 'spec', 'nodeName'));
  },
};

export function analysePod(input: WorkloadTraceInput): TraceReport {
  return analyseWorkload(POD_ANALYSER, input);
}
