/**
 * `trace deployment|replicaset|statefulset|daemonset|pod` as TraceSessions: the model follows the
 * objects (model/workload-objects.ts), the kind's pure analyser judges them.
 */
import { followWorkloadObjects, type WorkloadKindName, type WorkloadObjects } from '../model/workload-objects.js';
import { analyseDaemonSet } from '../trace/daemonset.js';
import { analyseDeployment } from '../trace/deployment.js';
import { analysePod } from '../trace/pod.js';
import { analyseReplicaSet } from '../trace/replicaset.js';
import { analyseStatefulSet } from '../trace/statefulset.js';
import type { TraceReport } from '../trace/types.js';
import type { WorkloadCheckId, WorkloadTraceInput } from '../trace/workload-common.js';
import type { TraceSession } from './run-trace.js';
import type { SessionOptions } from './service-session.js';

const ANALYSERS: Record<WorkloadKindName, (input: WorkloadTraceInput) => TraceReport> = {
  Deployment: analyseDeployment,
  ReplicaSet: analyseReplicaSet,
  StatefulSet: analyseStatefulSet,
  DaemonSet: analyseDaemonSet,
  Pod: analysePod,
};

/** Which check a watch that cannot deliver takes down (the governing Service only annotates `workload`). */
const CHECK_OF_WATCH: Record<string, WorkloadCheckId> = { workload: 'workload', replicasets: 'replicasets', pods: 'pods', events: 'events' };

export function workloadTraceInput(objects: WorkloadObjects, now: number, timeScale = 1): WorkloadTraceInput {
  const unavailable: Partial<Record<WorkloadCheckId, string>> = {};
  for (const [watch, problem] of Object.entries(objects.problems)) {
    const check = CHECK_OF_WATCH[watch];
    if (check) unavailable[check] ??= problem.message;
  }
  return {
    namespace: objects.namespace,
    name: objects.name,
    now,
    workload: objects.workload,
    deleted: objects.deleted,
    replicaSets: objects.replicaSets,
    pods: objects.pods,
    events: objects.events,
    governingService: objects.governingService,
    governingServiceProblem: objects.problems['service']?.message,
    unavailable,
    reconnecting: objects.reconnecting,
    timeScale,
  };
}

export function workloadSession(kind: WorkloadKindName): (options: SessionOptions) => TraceSession<WorkloadObjects> {
  return (options) => ({
    follow(onUpdate) {
      return followWorkloadObjects({ source: options.source, kind, namespace: options.namespace, name: options.name, signal: options.signal, onUpdate });
    },
    analyse(objects, now) {
      return ANALYSERS[kind](workloadTraceInput(objects, now, options.timeScale));
    },
    reconnecting(objects) {
      return objects.reconnecting;
    },
    synced(objects) {
      return objects.synced;
    },
  });
}
