/**
 * `kubespy trace statefulset NAME`: ordinal-by-ordinal progress, currentRevision vs
 * updateRevision, partitioned rolling updates, OnDelete, and the governing headless Service.
 * Verdict rules: the table in workload-common.ts.
 *
 * Completion follows `kubectl rollout status` (rollout_status.go, StatefulSetStatusViewer;
 * kubernetes-facts.md §5), with kubectl's sentences as the `rollout` message:
 * | when                                                    | kubectl says                                                       | rollout |
 * |---------------------------------------------------------|--------------------------------------------------------------------|---------|
 * | strategy OnDelete                                       | (error: only available for RollingUpdate)                          | ok/info*|
 * | observedGeneration 0 or < generation                    | Waiting for statefulset spec update to be observed...              | pending |
 * | readyReplicas < spec.replicas                           | Waiting for N pods to be ready...                                  | pending†|
 * | rollingUpdate with partition, updated < replicas−partition | Waiting for partitioned roll out to finish: X out of N new pods have been updated... | pending†|
 * | rollingUpdate with partition                            | partitioned roll out complete: X new pods have been updated...     | ok      |
 * | updateRevision ≠ currentRevision                        | waiting for statefulset rolling update to complete X pods at revision R... | pending†|
 * | otherwise                                               | statefulset rolling update complete N pods at revision R...        | ok      |
 * (*) OnDelete: `ok` when every Pod is at the update revision, else `info` (Pods update only when
 * deleted; kstatus counts OnDelete StatefulSets as current). (†) `fail` when a Pod is stuck: with
 * the default OrderedReady policy one stuck ordinal holds back every later one.
 * The API server defaults `rollingUpdate: {partition: 0}`, so on real clusters kubectl mostly
 * answers with the "partitioned roll out" sentences.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { get, labelsOf, meta, num, plural, str } from './read.js';
import type { Check, TraceReport } from './types.js';
import type { KubectlRolloutStatus } from './deployment.js';
import {
  MAX_POD_LINES,
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
  ownedBy,
  podLine,
  podsCheck,
  updateStrategyOf,
  specReplicas,
  workloadCheck,
} from './workload-common.js';

export const REVISION_LABEL = 'controller-revision-hash';

/** `kubectl rollout status statefulset/NAME --watch=false`, as kubectl computes it. */
export function kubectlStatefulSetStatus(sts: unknown): KubectlRolloutStatus {
  if (updateStrategyOf(sts) !== 'RollingUpdate') return { done: true, error: true, message: 'rollout status is only available for RollingUpdate strategy type' };
  const observed = count(sts, 'observedGeneration');
  if (observed === 0 || (num(meta(sts)['generation']) ?? 0) > observed) return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
  const replicas = num(get(sts, 'spec', 'replicas'));
  const ready = count(sts, 'readyReplicas');
  if (replicas !== undefined && ready < replicas) return { done: false, message: `Waiting for ${replicas - ready} pods to be ready...` };
  const updated = count(sts, 'updatedReplicas');
  const rolling = get(sts, 'spec', 'updateStrategy', 'rollingUpdate');
  if (rolling !== undefined && rolling !== null) {
    const partition = num(get(rolling, 'partition'));
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return { done: false, message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...` };
    }
    return { done: true, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  const update = str(get(sts, 'status', 'updateRevision')) ?? '';
  const current = str(get(sts, 'status', 'currentRevision')) ?? '';
  if (update !== current) return { done: false, message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${update}...` };
  return { done: true, message: `statefulset rolling update complete ${count(sts, 'currentReplicas')} pods at revision ${current}...` };
}

function ordinalOf(view: PodView, name: string): number | undefined {
  const index = labelsOf(view.pod)['apps.kubernetes.io/pod-index'];
  if (index !== undefined && /^\d+$/.test(index)) return Number(index);
  const match = new RegExp(`^${name.replace(/[.]/g, '\\.')}-(\\d+)$`).exec(view.name);
  return match ? Number(match[1]) : undefined;
}

function revisionOfPod(view: PodView): string | undefined {
  return labelsOf(view.pod)[REVISION_LABEL];
}

function partitionOf(sts: unknown): number {
  return num(get(sts, 'spec', 'updateStrategy', 'rollingUpdate', 'partition')) ?? 0;
}

function rolloutCheck(ctx: WorkloadContext): Check {
  const sts = ctx.workload;
  const status = kubectlStatefulSetStatus(sts);
  const blockers = blockerLines(ctx.pods, ctx.input.now);
  const details = [...blockers];
  const policy = str(get(sts, 'spec', 'podManagementPolicy')) ?? 'OrderedReady';
  const partition = partitionOf(sts);
  details.push(
    `${updateStrategyOf(sts)}${partition > 0 ? `, partition ${partition}: only ordinals ≥ ${partition} are updated` : ''} · podManagementPolicy ${policy}${policy === 'OrderedReady' ? ' (one ordinal at a time)' : ''}`,
  );
  if (updateStrategyOf(sts) === 'OnDelete') {
    const update = str(get(sts, 'status', 'updateRevision'));
    const stale = ctx.pods.filter((p) => update && revisionOfPod(p) && revisionOfPod(p) !== update);
    if (stale.length === 0) return check('rollout', 'ok', 'OnDelete: every Pod is at the update revision', details);
    return check('rollout', 'info', `OnDelete: ${plural(stale.length, 'Pod')} still at an older revision; they update when you delete them`, [
      ...stale.map((p) => `delete ${p.name} to update it`),
      ...details,
    ]);
  }
  if (status.done) return check('rollout', 'ok', status.message, details);
  const stuck = blockers.length > 0 && !status.message.startsWith('Waiting for statefulset spec');
  return check('rollout', stuck ? 'fail' : 'pending', status.message, details);
}

function revisionsCheck(ctx: WorkloadContext): Check {
  const sts = ctx.workload;
  const current = str(get(sts, 'status', 'currentRevision'));
  const update = str(get(sts, 'status', 'updateRevision'));
  const at = (revision: string | undefined) => ctx.pods.filter((p) => revision !== undefined && revisionOfPod(p) === revision).length;
  if (!update) return check('revisions', 'pending', 'no revision recorded yet');
  if (!current || current === update) return check('revisions', 'ok', `all Pods at revision ${update} (${at(update)} of ${specReplicas(sts)})`);
  const partition = partitionOf(sts);
  const message = `currentRevision ${current} (${plural(at(current), 'Pod')}) → updateRevision ${update} (${plural(at(update), 'Pod')})`;
  const details = [`${count(sts, 'updatedReplicas')} updated, ${count(sts, 'currentReplicas')} at the current revision`];
  const partitionDone = partition > 0 && count(sts, 'updatedReplicas') >= specReplicas(sts) - partition;
  if (partitionDone) return check('revisions', 'ok', `${message} · partition ${partition} reached`, details);
  return check('revisions', updateStrategyOf(sts) === 'OnDelete' ? 'info' : 'pending', message, details);
}

function podsOfOrdinals(ctx: WorkloadContext): string[] {
  const sts = ctx.workload;
  const name = ctx.input.name;
  const update = str(get(sts, 'status', 'updateRevision'));
  const byOrdinal = new Map<number, PodView>();
  for (const view of ctx.pods) {
    const ordinal = ordinalOf(view, name);
    if (ordinal !== undefined) byOrdinal.set(ordinal, view);
  }
  const last = Math.max(specReplicas(sts) - 1, ...byOrdinal.keys());
  const lines: string[] = [];
  // spec.replicas may be as large as 2^31-1: build only the lines that will be shown, keeping
  // one for "… and N more" so podsCheck's own cap has nothing left to cut.
  const total = last + 1;
  const room = total <= MAX_POD_LINES ? total : MAX_POD_LINES - 1;
  for (let ordinal = 0; ordinal < room; ordinal += 1) {
    const view = byOrdinal.get(ordinal);
    if (!view) {
      lines.push(`${name}-${ordinal}  not created yet`);
      continue;
    }
    const revision = revisionOfPod(view);
    lines.push(podLine(view, ctx.input.now, revision ? `${revision}${revision === update ? ' (updated)' : ''}` : ''));
  }
  if (total > room) lines.push(`… and ${total - room} more`);
  return lines;
}

function workloadWithService(ctx: WorkloadContext): Check {
  const base = workloadCheck(ctx, 'StatefulSet');
  const serviceName = str(get(ctx.workload, 'spec', 'serviceName'));
  if (!serviceName) return { ...base, details: [...base.details, 'no governing Service (spec.serviceName empty): Pods get no stable DNS names'] };
  const problem = ctx.input.governingServiceProblem;
  const svc = ctx.input.governingService;
  if (problem) return { ...base, details: [...base.details, `governing Service ${serviceName} not checked: ${problem}`] };
  if (!svc) {
    if (base.status !== 'ok') return base;
    return check('workload', 'warn', `${base.message}; governing Service ${serviceName} not found: Pods get no stable DNS names (${ctx.input.name}-0.${serviceName})`, base.details);
  }
  const headless = get(svc, 'spec', 'clusterIP') === 'None';
  const line = headless
    ? `governing Service ${serviceName} (headless): Pods resolve as ${ctx.input.name}-N.${serviceName}.${ctx.input.namespace}.svc`
    : `governing Service ${serviceName} is not headless (clusterIP ${str(get(svc, 'spec', 'clusterIP')) ?? '?'}): per-Pod DNS names need clusterIP None`;
  if (!headless && base.status === 'ok') return check('workload', 'warn', `${base.message}; governing Service ${serviceName} is not headless`, [...base.details, line]);
  return { ...base, details: [...base.details, line] };
}

export const STATEFULSET_ANALYSER: KindAnalyser = {
  kind: 'StatefulSet',
  checkIds: ['workload', 'rollout', 'revisions', 'pods', 'available', 'events'],
  select(input: WorkloadTraceInput, workload: KubeObject) {
    return { replicaSets: [], pods: input.pods.filter((p) => ownedBy(p, workload)) };
  },
  checks(ctx) {
    const wanted = specReplicas(ctx.workload);
    // Servers before 1.22 have no availableReplicas for StatefulSets: ready is the best they say.
    const available = num(get(ctx.workload, 'status', 'availableReplicas')) ?? count(ctx.workload, 'readyReplicas');
    return [
      workloadWithService(ctx),
      rolloutCheck(ctx),
      revisionsCheck(ctx),
      podsCheck(ctx, { desired: wanted, lines: podsOfOrdinals(ctx) }),
      availabilityCheck(ctx, { available, wanted }),
      eventsCheck(ctx, 'StatefulSet'),
    ];
  },
  summary(ctx) {
    return `${specReplicas(ctx.workload)} replicas`;
  },
};

export function analyseStatefulSet(input: WorkloadTraceInput): TraceReport {
  return analyseWorkload(STATEFULSET_ANALYSER, input);
}
