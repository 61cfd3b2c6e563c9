/**
 * The embedded cluster as the benchmark uses it: started in this process (so churn is written
 * straight into the store, design.md §6), with a kubeconfig on disk for the kubespy and kubectl
 * child processes, and helpers to populate it and wait for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from '../../src/cluster/index.js';
import { waitForSystemReady } from '../../src/cluster/ready.js';
import { deployment, namespace, service } from '../../src/cluster/scenarios/manifests.js';
import type { Store } from '../../src/cluster/store/types.js';
import { systemClock } from '../../src/lib/clock.js';
import type { KubeObject } from '../../src/lib/kube-object.js';
import { spawnMeasured, type Measured, type SpawnOptions } from './proc.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const KUBESPY = path.join(REPO, 'bin', 'kubespy.js');
export const KUBECTL = '/usr/bin/kubectl';

let traceHelp: string | undefined;

/** `kubespy trace --help`, to see which kinds and flags this build has (others are being added). */
export function kubespyTraceHelp(): string {
  try {
    traceHelp ??= execFileSync(process.execPath, [KUBESPY, 'trace', '--help'], { encoding: 'utf8' });
  } catch {
    traceHelp = '';
  }
  return traceHelp;
}

export interface BenchCluster {
  cluster: EmbeddedCluster;
  store: Store;
  dir: string;
  kubeconfig: string;
  /** A kubeconfig pointing at another address (a counting proxy), same credentials. */
  kubeconfigVia(url: string, name: string): string;
  kubespy(args: string[], options?: SpawnOptions & { kubeconfig?: string }): Measured;
  /** kubectl with this cluster's kubeconfig and a cache dir (fresh per call unless given). */
  kubectl(args: string[], options?: SpawnOptions & { cacheDir?: string; kubeconfig?: string }): Measured;
  freshDir(prefix: string): string;
  close(): Promise<void>;
}

export async function startBenchCluster(options: EmbeddedClusterOptions = {}): Promise<BenchCluster> {
  const cluster = await startEmbeddedCluster({ port: 0, ...options });
  await waitForSystemReady(cluster.store, systemClock, 60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'kubespy-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
  let counter = 0;
  const freshDir = (prefix: string) => mkdtempSync(path.join(dir, `${prefix}-`));
  return {
    cluster,
    store: cluster.store,
    dir,
    kubeconfig,
    kubeconfigVia(url, name) {
      const file = path.join(dir, `kubeconfig-${name}`);
      // Same CA and token: the proxy forwards TLS untouched, and the certificate names 127.0.0.1.
      writeFileSync(file, cluster.kubeconfig().replace(cluster.url, url), { mode: 0o600 });
      return file;
    },
    kubespy: (args, spawnOptions = {}) =>
      spawnMeasured('kubespy', process.execPath, [...(spawnOptions.nodeArgs ?? []), KUBESPY, ...args, '--kubeconfig', spawnOptions.kubeconfig ?? kubeconfig], {
        ...spawnOptions,
        env: { ...process.env, NO_COLOR: '1', ...spawnOptions.env },
      }),
    kubectl(args, spawnOptions = {}) {
      const cacheDir = spawnOptions.cacheDir ?? freshDir(`kubectl-cache-${counter++}`);
      return spawnMeasured('kubectl', KUBECTL, [...args, '--kubeconfig', spawnOptions.kubeconfig ?? kubeconfig, '--cache-dir', cacheDir], spawnOptions);
    },
    freshDir,
    async close() {
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function createNamespace(store: Store, name: string): void {
  store.create('namespaces', undefined, namespace(name));
}

/**
 * A bare Pod like a user's: one container with a named port the Services target. With `node`
 * it is created bound (spec.nodeName set), which the scheduler leaves alone as kube-scheduler
 * does: the benchmark populates thousands of Pods without paying for scheduling them.
 */
export function pod(ns: string, name: string, labels: Record<string, string>, node?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      ...(node ? { nodeName: node } : {}),
      containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  };
}

/** Nodes are node-1 … node-N (docs/embedded-cluster.md); Pods are dealt round-robin. */
export function createPods(store: Store, ns: string, prefix: string, count: number, labels: (i: number) => Record<string, string>, nodes?: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${i}`;
    store.create('pods', ns, pod(ns, name, labels(i), nodes ? `node-${(i % nodes) + 1}` : undefined));
    names.push(name);
  }
  return names;
}

/** Enough Nodes for `pods` Pods at the kubelet default of 110 Pods per Node. */
export function nodesFor(pods: number): number {
  return Math.max(3, Math.ceil(pods / 100));
}

export function createService(store: Store, ns: string, name: string, selector: Record<string, string>): void {
  store.create('services', ns, service({ name, namespace: ns, selector }));
}

export function createDeployment(store: Store, ns: string, name: string, replicas: number): void {
  store.create('deployments.apps', ns, deployment({ name, namespace: ns, replicas, labels: { app: name } }));
}

export function isPodReady(podObject: KubeObject): boolean {
  const conditions = (podObject.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function readyPods(store: Store, ns: string, labelSelector?: string): number {
  return store.list('pods', { namespace: ns, labelSelector }).items.filter(isPodReady).length;
}

/** Polls until test() holds; rejects with `what` after timeoutMs. */
export async function waitUntil(what: string, test: () => boolean, timeoutMs: number, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
