/**
 * `kubespy trace replicaset NAME`: replicas created, ready and available, and its Pods in words.
 * Verdict rules: the table in workload-common.ts. `rollout` here is the ReplicaSet controller's
 * progress towards spec.replicas (kstatus' ReplicaSet rules, kubernetes-facts.md §5):
 * | when                                        | rollout |
 * |---------------------------------------------|---------|
 * | ReplicaFailure True (quota, admission)      | fail    |
 * | a Pod is stuck (image pull, crash loop …)   | fail    |
 * | status.replicas < spec.replicas             | pending (Pods being created)     |
 * | status.replicas > spec.replicas             | pending (extra Pods being removed) |
 * | otherwise                                   | ok      |
 */
import type { KubeObject } from '../lib/kube-object.js';
import { controllerOf } from './owners.js';
import { meta, num } from './read.js';
import type { Check, TraceReport } from './types.js';
import {
  type KindAnalyser,
  type WorkloadContext,
  type WorkloadTraceInput,
  analyseWorkload,
  availabilityCheck,
  blockerLines,
  check,
  conditionLine,
  conditionOf,
  count,
  eventsCheck,
  ownedBy,
  podsCheck,
  specReplicas,
  workloadCheck,
} from './workload-common.js';

/** `rollout` for anything that keeps N identical Pods through a ReplicaFailure-reporting controller. */
function replicaProgressCheck(ctx: WorkloadContext): Check {
  const rs = ctx.workload;
  const wanted = specReplicas(rs);
  const current = count(rs, 'replicas');
  const failure = conditionOf(rs, 'ReplicaFailure');
  const blockers = blockerLines(ctx.pods, ctx.input.now);
  const details = [...blockers];
  const owner = controllerOf(rs);
  if (owner) details.push(`managed by ${owner.kind} ${owner.name}: trace the ${owner.kind} to follow its rollout`);
  const message = `${current} of ${wanted} Pods created`;
  if (failure?.['status'] === 'True') return check('rollout', 'fail', `${message}: ${conditionLine(failure)}`, details);
  if (count(rs, 'observedGeneration') < (num(meta(rs)['generation']) ?? 0)) return check('rollout', 'pending', `${message} (spec change not observed yet)`, details);
  if (blockers.length > 0) return check('rollout', 'fail', message, details);
  if (current < wanted) return check('rollout', 'pending', message, details);
  if (current > wanted) return check('rollout', 'pending', `${current} Pods, ${current - wanted} more than the ${wanted} wanted: being removed`, details);
  return check('rollout', 'ok', message, details);
}

export const REPLICASET_ANALYSER: KindAnalyser = {
  kind: 'ReplicaSet',
  checkIds: ['workload', 'rollout', 'pods', 'available', 'events'],
  select(input: WorkloadTraceInput, workload: KubeObject) {
    return { replicaSets: [], pods: input.pods.filter((p) => ownedBy(p, workload)) };
  },
  checks(ctx) {
    const wanted = specReplicas(ctx.workload);
    return [
      workloadCheck(ctx, 'ReplicaSet'),
      replicaProgressCheck(ctx),
      podsCheck(ctx, { desired: wanted }),
      availabilityCheck(ctx, { available: count(ctx.workload, 'availableReplicas'), wanted }),
      eventsCheck(ctx, 'ReplicaSet'),
    ];
  },
  summary(ctx) {
    return `${specReplicas(ctx.workload)} replicas`;
  },
};

export function analyseReplicaSet(input: WorkloadTraceInput): TraceReport {
  return analyseWorkload(REPLICASET_ANALYSER, input);
}
