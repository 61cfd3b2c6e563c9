/**
 * `withCluster()`: one embedded cluster (port 0, HTTPS) per describe block (or test file), with
 * its kubeconfig written to a fresh temp dir (mode 0600, as kubespy cluster writes it) and closed
 * afterwards.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from '../../src/cluster/index.js';
import { waitForSystemReady } from '../../src/cluster/ready.js';
import { systemClock } from '../../src/lib/clock.js';

export interface ClusterFixture {
  readonly cluster: EmbeddedCluster;
  /** A temp dir removed after the block: kubectl's cache, manifests, other kubeconfigs. */
  readonly dir: string;
  readonly kubeconfigPath: string;
  /** Writes `text` to a file in `dir` and returns its path. */
  file(name: string, text: string): Promise<string>;
}

export interface ClusterFixtureOptions extends EmbeddedClusterOptions {
  /**
   * Start the tests on a settled cluster, as a user's would be: kube-system's DNS and kube-proxy
   * Pods ready (trace service's dns and proxy checks are then ok).
   */
  systemReady?: boolean;
}

export function withCluster(options: ClusterFixtureOptions = {}): ClusterFixture {
  let cluster: EmbeddedCluster | undefined;
  let dir: string | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('withCluster(): the cluster is only available inside tests and hooks');
    return value;
  };
  const fixture: ClusterFixture = {
    get cluster() {
      return started(cluster);
    },
    get dir() {
      return started(dir);
    },
    get kubeconfigPath() {
      return join(started(dir), 'kubeconfig');
    },
    async file(name, text) {
      const path = join(started(dir), name);
      await writeFile(path, text);
      return path;
    },
  };
  beforeAll(async () => {
    const { systemReady, ...clusterOptions } = options;
    dir = await mkdtemp(join(tmpdir(), 'kubespy-test-'));
    cluster = await startEmbeddedCluster(clusterOptions);
    await writeFile(fixture.kubeconfigPath, cluster.kubeconfig(), { mode: 0o600 });
    if (systemReady) await waitForSystemReady(cluster.store, systemClock);
  });
  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return fixture;
}

/** Polls `check` until it stops throwing (the cluster's controllers work asynchronously). */
export async function eventually<T>(check: () => T | Promise<T>, { timeoutMs = 15_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
