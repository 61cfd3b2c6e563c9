/**
 * Shared by the end-to-end tests of `kubespy trace service` and `kubespy demo`: run the built CLI
 * (bin/kubespy.js → dist/, built by `npm test` before vitest) as a child process, read what it
 * prints while it runs, and start an embedded cluster with a kubeconfig on disk for it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from '../src/cluster/index.js';
import { waitForSystemReady } from '../src/cluster/ready.js';
import { systemClock } from '../src/lib/clock.js';
import type { Check, TraceReport, Verdict } from '../src/trace/types.js';

export const KUBESPY = fileURLToPath(new URL('../bin/kubespy.js', import.meta.url));

/** One `-o json` line (design.md §4). */
export interface JsonReport extends TraceReport {
  time: string;
}

/**
 * The environment a child kubespy gets: no kubeconfig or colour settings leak in from the
 * machine running the tests; `extra` adds (or, with undefined, removes) variables.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KUBECONFIG', 'NO_COLOR', 'FORCE_COLOR', 'CI', 'TERM']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A kubespy child process whose output is read as it comes. */
export class Kubespy {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  /** Resolves with the exit code (128 + n when killed by signal n, as a shell reports it). */
  readonly exited: Promise<number>;
  private waiters = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv = childEnv()) {
    this.child = spawn(process.execPath, [KUBESPY, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.received(() => (this.stdout += chunk)));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.received(() => (this.stderr += chunk)));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        resolve(code ?? (signal === 'SIGKILL' ? 137 : 143));
        this.received(() => {});
      });
    });
  }

  private received(append: () => void): void {
    append();
    for (const wake of [...this.waiters]) wake();
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((line) => line !== '');
  }

  /** Every complete `-o json` line so far. */
  get reports(): JsonReport[] {
    const complete = this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1);
    return parseNdjson(complete);
  }

  /**
   * Resolves with the first value `probe` returns that is not undefined, re-probing whenever the
   * process prints; rejects with what it printed when `timeoutMs` passes or it exits first.
   */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      let exited = false;
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(value as T);
      };
      const fail = (why: string) =>
        finish(new Error(`${why} waiting for ${what}\n--- stdout ---\n${this.stdout.slice(-6000)}\n--- stderr ---\n${this.stderr.slice(-3000)}`));
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          return finish(error as Error);
        }
        if (value !== undefined) return finish(undefined, value);
        if (exited) fail('kubespy exited');
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      void this.exited.then(() => {
        exited = true;
        check();
      });
      this.waiters.add(check);
      check();
    });
  }

  /** Waits for an output line matching the pattern, and returns it. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string> {
    return this.waitFor(`a line matching ${pattern}`, () => this.lines.find((line) => pattern.test(line)), timeoutMs);
  }

  /** Waits for a `-o json` report the predicate accepts, and returns it. */
  waitForReport(what: string, predicate: (report: JsonReport) => boolean, timeoutMs?: number): Promise<JsonReport> {
    return this.waitFor(what, () => this.reports.find(predicate), timeoutMs);
  }

  /** Ends it as Ctrl-C would (kubespy exits 0 on SIGINT) and waits for it. */
  async stop(): Promise<number> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs kubespy to the end (killing it after `timeoutMs`) and returns what it printed. */
export async function runKubespy(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = new Kubespy(args, options.env ?? childEnv());
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    const code = await run.exited;
    return { code, stdout: run.stdout, stderr: run.stderr };
  } finally {
    clearTimeout(timer);
  }
}

export function parseNdjson(text: string): JsonReport[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonReport);
}

/** The verdicts in order, each run of equal verdicts counted once. */
export function distinctVerdicts(reports: readonly TraceReport[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const report of reports) if (verdicts[verdicts.length - 1] !== report.verdict) verdicts.push(report.verdict);
  return verdicts;
}

export function checkOf(report: TraceReport, id: string): Check {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`report has no check ${id}: ${JSON.stringify(report)}`);
  return found;
}

/** The check's message and details, one string to match against. */
export function checkText(report: TraceReport, id: string): string {
  const c = checkOf(report, id);
  return [c.message, ...c.details].join('\n');
}

/** An embedded cluster with its kubeconfig written to a fresh directory. */
export interface TraceCluster {
  cluster: EmbeddedCluster;
  dir: string;
  kubeconfig: string;
  close(): Promise<void>;
}

export async function startTraceCluster(options: EmbeddedClusterOptions = {}): Promise<TraceCluster> {
  const cluster = await startEmbeddedCluster(options);
  const dir = await mkdtemp(path.join(tmpdir(), 'kubespy-trace-test-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  try {
    await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
    // Start from a settled cluster, as a user's would be: DNS and kube-proxy checks are then ok.
    await waitForSystemReady(cluster.store, systemClock);
  } catch (error) {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    cluster,
    dir,
    kubeconfig,
    async close() {
      await cluster.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** ANSI escape sequences (colours, cursor movement). */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/;
