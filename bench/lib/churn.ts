/**
 * Writes generated in-process on the store at a steady rate: each write bumps an annotation on
 * the next Pod of a set, round-robin — a metadata change the API server fans out to every watch
 * that selects the Pod, as any controller's patch would be.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/cluster/store/types.js';

export const CHURN_ANNOTATION = 'bench.kubespy.dev/churn';
/** Wall-clock ms of the write, for receivers in other processes to compute delivery lag. */
export const WRITTEN_AT_ANNOTATION = 'bench.kubespy.dev/written-at';

export interface ChurnTarget {
  namespace: string;
  names: string[];
}

/** One write; returns false when the Pod is gone. */
export function touchPod(store: Store, target: ChurnTarget, index: number, sequence: number): boolean {
  const name = target.names[index % target.names.length] as string;
  const written = store.mutate('pods', target.namespace, name, (pod) => {
    pod.metadata.annotations = { ...pod.metadata.annotations, [CHURN_ANNOTATION]: String(sequence), [WRITTEN_AT_ANNOTATION]: String(Date.now()) };
    return pod;
  });
  return written !== undefined;
}

export interface Churn {
  /** Writes done and the rate achieved so far. */
  stats(): { writes: number; seconds: number; rate: number };
  stop(): { writes: number; seconds: number; rate: number };
}

/**
 * Open-loop writes at `perSecond`, caught up every `tickMs` (timers are late under load; the
 * backlog is written in the next tick so the average rate holds).
 */
export function startChurn(store: Store, target: ChurnTarget, perSecond: number, tickMs = 10): Churn {
  const started = performance.now();
  let writes = 0;
  const tick = () => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    // A stalled loop must not turn into one huge burst: at most a quarter second of backlog.
    const cap = Math.max(1, Math.ceil(perSecond / 4));
    for (let n = 0; writes < due && n < cap; n++) {
      touchPod(store, target, writes, writes);
      writes++;
    }
  };
  const timer = setInterval(tick, tickMs);
  const stats = () => {
    const seconds = (performance.now() - started) / 1000;
    return { writes, seconds, rate: seconds > 0 ? writes / seconds : 0 };
  };
  return {
    stats,
    stop() {
      clearInterval(timer);
      return stats();
    },
  };
}
