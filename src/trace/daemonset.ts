/**
 * `kubespy trace daemonset NAME`: desired / scheduled / updated / ready / available, one line per
 * node, and Pods running where they should not (misscheduled). Verdict rules: the table in
 * workload-common.ts.
 *
 * Completion follows `kubectl rollout status` (rollout_status.go, DaemonSetStatusViewer;
 * kubernetes-facts.md §5), with kubectl's sentences as the `rollout` message:
 * | when                                             | kubectl says                                                              | rollout |
 * |--------------------------------------------------|---------------------------------------------------------------------------|---------|
 * | strategy OnDelete                                | (error: only available for RollingUpdate)                                 | ok/info |
 * | generation > observedGeneration                  | Waiting for daemon set spec update to be observed...                      | pending |
 * | updatedNumberScheduled < desiredNumberScheduled  | Waiting for daemon set "D" rollout to finish: X out of N new pods have been updated... | pending*|
 * | numberAvailable < desiredNumberScheduled         | Waiting for daemon set "D" rollout to finish: X of N updated pods are available...      | pending*|
 * | otherwise                                        | daemon set "D" successfully rolled out                                    | ok      |
 * (*) `fail` when a daemon Pod is stuck (image pull failure, crash loop, config error). Misscheduled
 * Pods (numberMisscheduled > 0) make `pods` a `warn`: the controller is removing them.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { capLines, get, labelsOf, meta, nameOf, num, plural } from './read.js';
import type { Check, TraceReport } from './types.js';
import type { KubectlRolloutStatus } from './deployment.js';
import {
  type KindAnalyser,
  type PodView,
  type WorkloadContext,
  type WorkloadTraceInput,
  analyseWorkload,
  availabilityCheck,
  blockerLines,
  check,
  count,
  eventsCheck,
  MAX_POD_LINES,
  ownedBy,
  podLine,
  podsCheck,
  updateStrategyOf,
  workloadCheck,
} from './workload-common.js';
import { compareNatural } from '../lib/compare.js';

/** Label the DaemonSet controller stamps with the template generation a Pod was created from. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** `kubectl rollout status daemonset/NAME --watch=false`, as kubectl computes it. */
export function kubectlDaemonSetStatus(ds: unknown): KubectlRolloutStatus {
  if (updateStrategyOf(ds) !== 'RollingUpdate') return { done: true, error: true, message: 'rollout status is only available for RollingUpdate strategy type' };
  const name = nameOf(ds);
  if ((num(meta(ds)['generation']) ?? 0) > count(ds, 'observedGeneration')) return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
  const desired = count(ds, 'desiredNumberScheduled');
  const updated = count(ds, 'updatedNumberScheduled');
  if (updated < desired) return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...` };
  const available = count(ds, 'numberAvailable');
  if (available < desired) return { done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...` };
  return { done: true, message: `daemon set "${name}" successfully rolled out` };
}

/** Updated: created from the current template generation (the controller's own test, with the hash). */
function isUpdated(view: PodView, ds: unknown): boolean | undefined {
  const generation = labelsOf(view.pod)[TEMPLATE_GENERATION_LABEL];
  const current = num(meta(ds)['generation']);
  return generation === undefined || current === undefined ? undefined : generation === String(current);
}

function rolloutCheck(ctx: WorkloadContext): Check {
  const ds = ctx.workload;
  const status = kubectlDaemonSetStatus(ds);
  const blockers = blockerLines(ctx.pods, ctx.input.now);
  const maxUnavailable = get(ds, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable') ?? 1;
  const maxSurge = get(ds, 'spec', 'updateStrategy', 'rollingUpdate', 'maxSurge') ?? 0;
  const details = [
    ...blockers,
    updateStrategyOf(ds) === 'RollingUpdate' ? `RollingUpdate: maxUnavailable ${String(maxUnavailable)}, maxSurge ${String(maxSurge)} (nodes updated a few at a time)` : 'OnDelete: Pods update only when you delete them',
  ];
  if (updateStrategyOf(ds) !== 'RollingUpdate') {
    const stale = ctx.pods.filter((p) => isUpdated(p, ds) === false);
    return stale.length === 0
      ? check('rollout', 'ok', 'OnDelete: every Pod runs the current template', details)
      : check('rollout', 'info', `OnDelete: ${plural(stale.length, 'Pod')} still run an older template; they update when you delete them`, details);
  }
  if (status.done) return check('rollout', 'ok', status.message, details);
  const observed = !status.message.startsWith('Waiting for daemon set spec');
  return check('rollout', blockers.length > 0 && observed ? 'fail' : 'pending', status.message, details);
}

function revisionsCheck(ctx: WorkloadContext): Check {
  const ds = ctx.workload;
  const desired = count(ds, 'desiredNumberScheduled');
  const updated = count(ds, 'updatedNumberScheduled');
  const old = ctx.pods.filter((p) => isUpdated(p, ds) === false && p.state.health !== 'terminating');
  const generation = num(meta(ds)['generation']);
  const message = `${updated} of ${desired} Pods run the current template${generation !== undefined ? ` (generation ${generation})` : ''}`;
  // Bounded like every Pod list (design.md §7.7): a DaemonSet on 1,000 nodes mid-rollout has 1,000 old Pods.
  const details = capLines(old.map((p) => `${p.name} on ${p.node} runs template generation ${labelsOf(p.pod)[TEMPLATE_GENERATION_LABEL]}`), MAX_POD_LINES);
  if (updated >= desired && old.length === 0) return check('revisions', 'ok', message, details);
  return check('revisions', updateStrategyOf(ds) === 'OnDelete' ? 'info' : 'pending', message, details);
}

function perNodeLines(ctx: WorkloadContext): string[] {
  const ds = ctx.workload;
  const counts = ['desiredNumberScheduled', 'currentNumberScheduled', 'updatedNumberScheduled', 'numberReady', 'numberAvailable', 'numberMisscheduled']
    .map((field) => count(ds, field));
  const [desired, scheduled, updated, ready, available, misscheduled] = counts as [number, number, number, number, number, number];
  const header = `desired ${desired} · scheduled ${scheduled} · updated ${updated} · ready ${ready} · available ${available} · misscheduled ${misscheduled}`;
  const lines = [...ctx.pods]
    .sort((a, b) => compareNatural(a.node, b.node))
    .map((p) => podLine(p, ctx.input.now, isUpdated(p, ds) === false ? 'old template' : ''));
  return [header, ...lines];
}

function daemonPodsCheck(ctx: WorkloadContext): Check {
  const ds = ctx.workload;
  const base = podsCheck(ctx, { desired: count(ds, 'desiredNumberScheduled'), lines: perNodeLines(ctx) });
  const misscheduled = count(ds, 'numberMisscheduled');
  if (misscheduled === 0) return base;
  const message = `${base.message} · ${misscheduled} misscheduled (running on nodes that should not run them)`;
  return { ...base, status: base.status === 'ok' ? 'warn' : base.status, message };
}

export const DAEMONSET_ANALYSER: KindAnalyser = {
  kind: 'DaemonSet',
  checkIds: ['workload', 'rollout', 'revisions', 'pods', 'available', 'events'],
  select(input: WorkloadTraceInput, workload: KubeObject) {
    return { replicaSets: [], pods: input.pods.filter((p) => ownedBy(p, workload)) };
  },
  checks(ctx) {
    const ds = ctx.workload;
    return [
      workloadCheck(ctx, 'DaemonSet'),
      rolloutCheck(ctx),
      revisionsCheck(ctx),
      daemonPodsCheck(ctx),
      availabilityCheck(ctx, { available: count(ds, 'numberAvailable'), wanted: count(ds, 'desiredNumberScheduled') }),
      eventsCheck(ctx, 'DaemonSet'),
    ];
  },
  summary(ctx) {
    return `${plural(count(ctx.workload, 'desiredNumberScheduled'), 'node')}`;
  },
};

export function analyseDaemonSet(input: WorkloadTraceInput): TraceReport {
  return analyseWorkload(DAEMONSET_ANALYSER, input);
}
