/**
 * Waits until the embedded cluster's own workloads are up (CoreDNS available, kube-proxy ready on
 * every node), so a demo or a test starts from a settled cluster, as a user's would be.
 */
import type { Clock } from '../lib/clock.js';
import type { Store } from './store/types.js';

function systemReady(store: Store): boolean {
  const coredns = store.tryGet('deployments.apps', 'kube-system', 'coredns') as { status?: { availableReplicas?: number } } | undefined;
  const proxy = store.tryGet('daemonsets.apps', 'kube-system', 'kube-proxy') as
    | { status?: { desiredNumberScheduled?: number; numberReady?: number } }
    | undefined;
  const desired = proxy?.status?.desiredNumberScheduled ?? 0;
  return (coredns?.status?.availableReplicas ?? 0) >= 1 && desired > 0 && (proxy?.status?.numberReady ?? 0) >= desired;
}

/** Resolves once ready; rejects after timeoutMs (real time) with what is still missing. */
export function waitForSystemReady(store: Store, clock: Clock, timeoutMs = 30_000): Promise<void> {
  const started = clock.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (systemReady(store)) return resolve();
      if (clock.now() - started > timeoutMs) {
        return reject(new Error('the embedded cluster did not become ready: CoreDNS or kube-proxy is not running'));
      }
      clock.setTimeout(poll, 25);
    };
    poll();
  });
}
