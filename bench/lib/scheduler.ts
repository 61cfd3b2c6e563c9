/**
 * A second scheduler for the benchmark's big Deployment. Pods naming it in spec.schedulerName are
 * left alone by default-scheduler (as kube-scheduler ignores Pods of other schedulers) and bound
 * here round-robin, so populating 1,000+ replicas costs the benchmark a write per Pod instead of
 * default-scheduler's scoring over every stored Pod (see docs/performance.md).
 */
import type { Store } from '../../src/cluster/store/types.js';

export const BENCH_SCHEDULER = 'bench-scheduler';

export function startRoundRobinScheduler(store: Store, nodes: number): () => void {
  const waiting: Array<{ namespace: string; name: string }> = [];
  let next = 0;
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    for (const pod of waiting.splice(0)) {
      const node = `node-${(next++ % nodes) + 1}`;
      try {
        store.mutate('pods', pod.namespace, pod.name, (copy) => {
          const spec = copy.spec as { nodeName?: string };
          if (spec.nodeName) return undefined;
          spec.nodeName = node;
          return copy;
        });
      } catch {
        // Deleted before it was bound: nothing to do.
      }
    }
  };
  // Store listeners must not write (they run inside another write): bind on a later macrotask.
  return store.subscribe((change) => {
    if (change.type !== 'ADDED' || change.resource.plural !== 'pods' || change.resource.group !== '') return;
    const spec = change.object.spec as { schedulerName?: string; nodeName?: string };
    if (spec.schedulerName !== BENCH_SCHEDULER || spec.nodeName) return;
    waiting.push({ namespace: change.object.metadata.namespace ?? '', name: change.object.metadata.name ?? '' });
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });
}
