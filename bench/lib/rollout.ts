/**
 * The memory section's big Deployment (also bench/heap-snapshot.ts): N replicas bound by the
 * benchmark's round-robin scheduler, a rolling update to a new image, and the rule that says the
 * rollout is over (kubectl rollout status's: the controller has observed the latest generation and
 * every replica is updated and available).
 */
import { deployment } from '../../src/cluster/scenarios/manifests.js';
import type { Store } from '../../src/cluster/store/types.js';
import { readyPods, waitUntil } from './cluster.js';
import { BENCH_SCHEDULER } from './scheduler.js';

interface DeploymentStatus {
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

/** Creates the Deployment (label app=NAME) and waits until all its replicas are ready. */
export async function createBigDeployment(store: Store, ns: string, name: string, replicas: number): Promise<void> {
  const manifest = deployment({ name, namespace: ns, replicas, labels: { app: name } });
  (manifest.spec as { template: { spec: Record<string, unknown> } }).template.spec.schedulerName = BENCH_SCHEDULER;
  store.create('deployments.apps', ns, manifest);
  await waitUntil(`${replicas} ready replicas`, () => readyPods(store, ns, `app=${name}`) === replicas, 180_000, 500);
}

/** A new image for every container: rolled out with the default 25% surge / 25% unavailable. */
export function startRollout(store: Store, ns: string, name: string, image = 'nginx:1.28'): void {
  store.mutate('deployments.apps', ns, name, (d) => {
    const template = (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template;
    for (const container of template.spec.containers) container.image = image;
    return d;
  });
}

/** How many replicas run the new template, once the controller has seen it (else 0). */
export function updatedReplicas(store: Store, ns: string, name: string): number {
  const d = store.get('deployments.apps', ns, name);
  const status = (d.status ?? {}) as DeploymentStatus;
  return status.observedGeneration === d.metadata.generation ? (status.updatedReplicas ?? 0) : 0;
}

/** Waits for the rollout to complete and the old Pods to be gone. */
export async function waitForRollout(store: Store, ns: string, name: string, replicas: number): Promise<void> {
  await waitUntil('the rollout to complete', () => {
    const d = store.get('deployments.apps', ns, name);
    const status = (d.status ?? {}) as DeploymentStatus;
    return status.observedGeneration === d.metadata.generation && status.updatedReplicas === replicas && status.availableReplicas === replicas && status.replicas === replicas;
  }, 240_000, 250);
  await waitUntil('old Pods to go', () => store.list('pods', { namespace: ns }).items.length === replicas, 60_000, 250);
}
