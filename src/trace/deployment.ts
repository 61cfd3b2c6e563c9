/**
 * `kubespy trace deployment NAME`: a rollout as one picture — the revision being rolled out, the
 * new ReplicaSet and every old one still holding Pods, each with its Pods, the conditions, and in
 * words what holds it back. Verdict rules: the table in workload-common.ts.
 *
 * Completion is decided exactly as `kubectl rollout status` decides it (kubectl
 * polymorphichelpers/rollout_status.go, DeploymentStatusViewer; kubernetes-facts.md §5), and the
 * `rollout` check's message is kubectl's own sentence, so a CI gate on `--until ready` and one on
 * `kubectl rollout status` agree:
 * | when (generation ≤ observedGeneration)     | kubectl says                                                           | rollout |
 * |--------------------------------------------|------------------------------------------------------------------------|---------|
 * | Progressing reason ProgressDeadlineExceeded | error: deployment "D" exceeded its progress deadline                   | fail    |
 * | updatedReplicas < spec.replicas            | Waiting for … rollout to finish: X out of N new replicas have been updated... | pending*|
 * | status.replicas > updatedReplicas          | Waiting for … rollout to finish: X old replicas are pending termination...   | pending*|
 * | availableReplicas < updatedReplicas        | Waiting for … rollout to finish: X of N updated replicas are available...     | pending*|
 * | otherwise                                  | deployment "D" successfully rolled out                                 | ok      |
 * | generation > observedGeneration            | Waiting for deployment spec update to be observed...                   | pending |
 * (*) `fail` when a ReplicaFailure condition is True (quota, admission) or a Pod of the new
 * ReplicaSet is stuck (image pull failure, crash loop, config error, unschedulable); `warn` when
 * the Deployment is paused (it will not progress until resumed).
 */
import type { KubeObject } from '../lib/kube-object.js';
import { compareText } from '../lib/compare.js';
import { agoInWords } from './age.js';
import { capLines, get, isRec, meta, nameOf, num, plural, str, stringMap, time } from './read.js';
import type { Check, TraceReport } from './types.js';
import {
  type KindAnalyser,
  type PodView,
  type WorkloadContext,
  type WorkloadTraceInput,
  MAX_POD_LINES,
  analyseWorkload,
  availabilityCheck,
  blockerLines,
  check,
  conditionLine,
  conditionOf,
  count,
  eventsCheck,
  ownedBy,
  podLine,
  podsCheck,
  sortByHealth,
  specReplicas,
  workloadCheck,
} from './workload-common.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DEFAULT_SURGE = '25%';

export interface KubectlRolloutStatus {
  done: boolean;
  /** kubectl's sentence, without the trailing newline. */
  message: string;
  /** kubectl exits with an error (progress deadline exceeded). */
  error?: boolean;
}

/** `kubectl rollout status deployment/NAME --watch=false`, as kubectl computes it. */
export function kubectlDeploymentStatus(deployment: unknown): KubectlRolloutStatus {
  const name = nameOf(deployment);
  const generation = num(meta(deployment)['generation']) ?? 0;
  if (generation > count(deployment, 'observedGeneration')) return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  if (conditionOf(deployment, 'Progressing')?.['reason'] === 'ProgressDeadlineExceeded') {
    return { done: false, error: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  const wanted = num(get(deployment, 'spec', 'replicas'));
  const updated = count(deployment, 'updatedReplicas');
  const waiting = `Waiting for deployment "${name}" rollout to finish:`;
  if (wanted !== undefined && updated < wanted) return { done: false, message: `${waiting} ${updated} out of ${wanted} new replicas have been updated...` };
  const replicas = count(deployment, 'replicas');
  if (replicas > updated) return { done: false, message: `${waiting} ${replicas - updated} old replicas are pending termination...` };
  const available = count(deployment, 'availableReplicas');
  if (available < updated) return { done: false, message: `${waiting} ${available} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

/** An int-or-percent against `total` (intstr.GetScaledValueFromIntOrPercent). */
function scaled(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!match) return 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

interface Surge {
  recreate: boolean;
  maxSurge: number;
  maxUnavailable: number;
}

/** maxSurge rounds up, maxUnavailable down; both 0 → maxUnavailable 1 (deployment_util ResolveFenceposts). */
function surgeOf(deployment: unknown): Surge {
  const replicas = specReplicas(deployment);
  if (get(deployment, 'spec', 'strategy', 'type') === 'Recreate') return { recreate: true, maxSurge: 0, maxUnavailable: replicas };
  const rolling = get(deployment, 'spec', 'strategy', 'rollingUpdate');
  const maxSurge = scaled(get(rolling, 'maxSurge') ?? DEFAULT_SURGE, replicas, true);
  let maxUnavailable = scaled(get(rolling, 'maxUnavailable') ?? DEFAULT_SURGE, replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { recreate: false, maxSurge, maxUnavailable };
}

function revisionOf(obj: unknown): string | undefined {
  return stringMap(meta(obj)['annotations'])[REVISION_ANNOTATION];
}

/** JSON equality with key order ignored (the server may store maps in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isRec(a) && isRec(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

function withoutHash(template: unknown): unknown {
  if (!isRec(template)) return template;
  const labels = { ...(get(template, 'metadata', 'labels') as Record<string, unknown> | undefined) };
  delete labels['pod-template-hash'];
  return { ...template, metadata: { ...(get(template, 'metadata') as Record<string, unknown> | undefined), labels } };
}

/**
 * The new ReplicaSet: the oldest owned one whose Pod template equals the Deployment's ignoring
 * pod-template-hash (deployment_util FindNewReplicaSet); failing that (a server that defaults
 * templates differently), the one carrying the Deployment's revision.
 */
export function findNewReplicaSet(deployment: unknown, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  const template = withoutHash(get(deployment, 'spec', 'template'));
  // Oldest first, ties by name: controller.ReplicaSetsByCreationTimestamp (seconds precision).
  const byAge = [...replicaSets].sort((a, b) => (time(meta(a)['creationTimestamp']) ?? 0) - (time(meta(b)['creationTimestamp']) ?? 0) || compareText(nameOf(a), nameOf(b)));
  const same = byAge.find((rs) => sameJson(withoutHash(get(rs, 'spec', 'template')), template));
  if (same) return same;
  // The revision annotation names the new ReplicaSet only once the controller has seen the spec.
  if ((num(meta(deployment)['generation']) ?? 0) > count(deployment, 'observedGeneration')) return undefined;
  const revision = revisionOf(deployment);
  return revision ? byAge.find((rs) => revisionOf(rs) === revision) : undefined;
}

interface DeploymentFacts {
  newRS?: KubeObject;
  oldRSs: KubeObject[];
  podsOf: (rs: KubeObject) => PodView[];
}

function factsOf(ctx: WorkloadContext): DeploymentFacts {
  const newRS = findNewReplicaSet(ctx.workload, ctx.replicaSets);
  const oldRSs = ctx.replicaSets.filter((rs) => rs !== newRS);
  return { ...(newRS ? { newRS } : {}), oldRSs, podsOf: (rs) => ctx.pods.filter((p) => ownedBy(p.pod, rs)) };
}

/** An old ReplicaSet still holding (or about to hold) Pods. */
function holdsPods(rs: KubeObject, facts: DeploymentFacts): boolean {
  return specReplicas(rs) > 0 || count(rs, 'replicas') > 0 || activePods(facts.podsOf(rs)).length > 0;
}

/** Terminating Pods are no longer counted by the controllers (FilterActivePods), nor by kubectl. */
function activePods(views: readonly PodView[]): PodView[] {
  return views.filter((p) => p.state.health !== 'terminating');
}

function rolloutCheck(ctx: WorkloadContext, facts: DeploymentFacts): Check {
  const d = ctx.workload;
  const { now } = ctx.input;
  const status = kubectlDeploymentStatus(d);
  const replicas = specReplicas(d);
  const surge = surgeOf(d);
  const details: string[] = [];
  const failure = conditionOf(d, 'ReplicaFailure');
  const failed = failure?.['status'] === 'True';
  const newPods = facts.newRS ? facts.podsOf(facts.newRS) : [];
  const blockers = blockerLines(newPods, now, 'new Pod');
  const paused = get(d, 'spec', 'paused') === true;
  if (failed) details.push(`ReplicaFailure ${str(failure?.['reason']) ?? ''}: ${str(failure?.['message']) ?? 'the ReplicaSet cannot create Pods'}`.replace(' :', ':'));
  if (!status.done) details.push(...blockers);
  if (paused) details.push(status.done ? 'paused (kubectl rollout resume): template changes wait' : 'paused: the rollout will not progress until `kubectl rollout resume`');
  const revision = revisionOf(facts.newRS) ?? revisionOf(d);
  details.push(
    `${revision ? `revision ${revision}` : 'no revision yet'}${facts.newRS ? ` (ReplicaSet ${nameOf(facts.newRS)})` : ''} · ${
      surge.recreate
        ? 'Recreate: old Pods stop before new ones start'
        : `RollingUpdate: maxSurge ${surge.maxSurge} (up to ${replicas + surge.maxSurge} Pods), maxUnavailable ${surge.maxUnavailable} (at least ${Math.max(0, replicas - surge.maxUnavailable)} available)`
    }`,
    `now ${count(d, 'replicas')} Pods: ${count(d, 'updatedReplicas')} updated, ${count(d, 'readyReplicas')} ready, ${count(d, 'availableReplicas')} available of ${replicas} wanted`,
  );
  for (const type of ['Progressing', 'Available']) {
    const line = conditionLine(conditionOf(d, type));
    if (line) details.push(line);
  }
  const progressing = conditionOf(d, 'Progressing');
  const deadline = num(get(d, 'spec', 'progressDeadlineSeconds'));
  const lastProgress = time(progressing?.['lastUpdateTime']);
  if (!status.done && deadline !== undefined && lastProgress !== undefined && deadline < 2147483647) {
    details.push(`progress deadline ${deadline} s; last progress ${agoInWords(now, lastProgress)} ago`);
  }
  if (status.error) return check('rollout', 'fail', status.message, details);
  if (status.done) return check('rollout', 'ok', status.message, details);
  if (failed || (blockers.length > 0 && count(d, 'observedGeneration') >= (num(meta(d)['generation']) ?? 0))) return check('rollout', 'fail', status.message, details);
  return check('rollout', paused ? 'warn' : 'pending', status.message, details);
}

/**
 * Failing Pods of old ReplicaSets are being replaced by the rollout: they hold nothing back, so
 * only failing Pods of the new ReplicaSet make `pods` fail (a crash loop being rolled away is
 * progress, not failure).
 */
function newPodsDecide(pods: Check, facts: DeploymentFacts): Check {
  if (pods.status !== 'fail') return pods;
  const newFailing = facts.newRS ? facts.podsOf(facts.newRS).some((p) => p.state.health === 'failing') : false;
  return newFailing ? pods : { ...pods, status: 'pending' };
}

function rsHeader(rs: KubeObject, role: string): string {
  const revision = revisionOf(rs);
  return `${nameOf(rs)}  ${role}${revision ? ` revision ${revision}` : ''}  ${specReplicas(rs)} desired · ${count(rs, 'replicas')} current · ${count(rs, 'readyReplicas')} ready · ${count(rs, 'availableReplicas')} available`;
}

/** Old ReplicaSets listed in full under the replicasets check; the rest are counted. */
export const MAX_OLD_REPLICASETS_SHOWN = 3;

function replicaSetsCheck(ctx: WorkloadContext, facts: DeploymentFacts): Check {
  const { now } = ctx.input;
  const replicas = specReplicas(ctx.workload);
  const holding = facts.oldRSs.filter((rs) => holdsPods(rs, facts));
  const holdingSet = new Set(holding);
  // Old ReplicaSets whose last Pods are terminating are shown, but no longer hold the rollout.
  const withPods = facts.oldRSs.filter((rs) => holdingSet.has(rs) || facts.podsOf(rs).length > 0);
  // A Deployment may keep many old ReplicaSets with Pods (rollouts started over and over): show the
  // first few in full and count the rest, so the check stays a screenful.
  const shown = withPods.slice(0, MAX_OLD_REPLICASETS_SHOWN);
  const lines: string[] = [];
  for (const [rs, role] of [...(facts.newRS ? [[facts.newRS, 'new'] as const] : []), ...shown.map((r) => [r, 'old'] as const)]) {
    lines.push(rsHeader(rs, role));
    lines.push(...capLines(sortByHealth(facts.podsOf(rs)).map((p) => `  ${podLine(p, now)}`), MAX_POD_LINES));
  }
  if (withPods.length > shown.length) lines.push(`… and ${plural(withPods.length - shown.length, 'more old ReplicaSet')} with Pods`);
  const oldPods = holding.reduce((sum, rs) => sum + Math.max(count(rs, 'replicas'), activePods(facts.podsOf(rs)).length), 0);
  const old = holding.length === 0 ? 'no old ReplicaSet holds Pods' : `${plural(holding.length, 'old ReplicaSet')} still ${holding.length === 1 ? 'holds' : 'hold'} ${plural(oldPods, 'Pod')}`;
  if (!facts.newRS) {
    if (replicas === 0 && holding.length === 0) return check('replicasets', 'ok', 'none needed (scaled to 0)', lines);
    return check('replicasets', 'pending', `new ReplicaSet not created yet · ${old}`, lines);
  }
  const newRS = facts.newRS;
  const message = `new ${nameOf(newRS)}${revisionOf(newRS) ? ` (revision ${revisionOf(newRS)})` : ''}: ${count(newRS, 'readyReplicas')} of ${replicas} ready · ${old}`;
  const settled = holding.length === 0 && specReplicas(newRS) === replicas;
  return check('replicasets', settled ? 'ok' : 'pending', message, lines);
}

function availableCheck(ctx: WorkloadContext): Check {
  const d = ctx.workload;
  const line = conditionLine(conditionOf(d, 'Available'));
  const replicas = specReplicas(d);
  return availabilityCheck(ctx, {
    available: count(d, 'availableReplicas'),
    wanted: replicas,
    minimum: Math.max(0, replicas - surgeOf(d).maxUnavailable),
    details: line ? [line] : [],
  });
}

export const DEPLOYMENT_ANALYSER: KindAnalyser = {
  kind: 'Deployment',
  checkIds: ['workload', 'rollout', 'replicasets', 'pods', 'available', 'events'],
  select(input: WorkloadTraceInput, workload: KubeObject) {
    const replicaSets = (input.replicaSets ?? []).filter((rs) => ownedBy(rs, workload));
    return { replicaSets, pods: input.pods.filter((p) => replicaSets.some((rs) => ownedBy(p, rs))) };
  },
  checks(ctx) {
    const facts = factsOf(ctx);
    const notReady = sortByHealth(ctx.pods.filter((p) => !p.state.ready)).map((p) => podLine(p, ctx.input.now));
    return [
      workloadCheck(ctx, 'Deployment'),
      rolloutCheck(ctx, facts),
      replicaSetsCheck(ctx, facts),
      newPodsDecide(podsCheck(ctx, { desired: specReplicas(ctx.workload), lines: notReady }), facts),
      availableCheck(ctx),
      eventsCheck(ctx, 'Deployment'),
    ];
  },
  summary(ctx) {
    const revision = revisionOf(ctx.workload);
    return revision ? `revision ${revision}` : undefined;
  },
};

export function analyseDeployment(input: WorkloadTraceInput): TraceReport {
  return analyseWorkload(DEPLOYMENT_ANALYSER, input);
}
