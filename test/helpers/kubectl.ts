/**
 * The real kubectl, pointed at one kubeconfig with its own --cache-dir (so no discovery or
 * OpenAPI cache leaks between runs), never at the user's ~/.kube/config.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, startProcess, type Finished, type Running } from './process.js';

export const KUBECTL = '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);

/** Call at module level of a kubectl test file: says why its tests are skipped. */
export function warnIfNoKubectl(what: string): void {
  if (!hasKubectl) console.warn(`skipping ${what}: ${KUBECTL} is not installed`);
}

export interface Kubectl {
  run(args: string[], timeoutMs?: number): Promise<Finished>;
  /** Runs and returns stdout; throws with kubectl's stderr when it exits non-zero. */
  ok(args: string[], timeoutMs?: number): Promise<string>;
  /** Starts a long-running kubectl (get -w); the caller stops it. */
  start(args: string[]): Running;
}

export function kubectlFor(kubeconfigPath: string, cacheDir: string): Kubectl {
  const argv = (args: string[]) => [`--kubeconfig=${kubeconfigPath}`, `--cache-dir=${cacheDir}`, ...args];
  const env = { ...process.env, KUBECONFIG: '' };
  const run = (args: string[], timeoutMs = 30_000) => runProcess(KUBECTL, argv(args), { env, timeoutMs });
  return {
    run,
    async ok(args, timeoutMs) {
      const result = await run(args, timeoutMs);
      if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
    start: (args) => startProcess(KUBECTL, argv(args), { env, timeoutMs: 60_000 }),
  };
}

/** kubectl for a withCluster() fixture: its kubeconfig, a cache dir inside its temp dir. */
export function kubectlIn(fixture: { kubeconfigPath: string; dir: string }): Kubectl {
  return kubectlFor(fixture.kubeconfigPath, join(fixture.dir, 'kubectl-cache'));
}

/** kubectl's table output as rows of cells (columns are separated by two or more spaces). */
export function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s{2,}/));
}

/** The rows of a table as objects keyed by its header. */
export function records(table: string): Array<Record<string, string>> {
  const [header, ...body] = rows(table);
  return body.map((cells) => Object.fromEntries((header ?? []).map((name, i) => [name, cells[i] ?? ''])));
}
