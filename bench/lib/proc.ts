/**
 * Child processes under measurement: kubespy (node bin/kubespy.js) and kubectl. Every stdout line
 * is stamped with the monotonic time its chunk arrived, so "write → line" and "spawn → first
 * frame" are measured in the benchmark's own clock; RSS is read from /proc (Linux). With `relay`
 * the lines are stamped in a small relay process instead (relay.mjs): this process runs the
 * embedded cluster and reads a line only when its event loop is free of the controllers' work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('./relay.mjs', import.meta.url));

export interface Line {
  text: string;
  at: number;
}

interface Waiter {
  test: (line: Line) => boolean;
  resolve: (line: Line) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface Measured {
  readonly name: string;
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** Lines seen so far (only the last `keepLines`). */
  readonly lines: Line[];
  lineCount: number;
  stdoutBytes: number;
  stderr: string;
  /** Resolves with the first line (from now on, or already seen when `seen`) passing test. */
  waitForLine(test: (line: Line) => boolean, timeoutMs: number, options?: { seen?: boolean }): Promise<Line>;
  /** Peak and current resident set of the process and its descendants, in bytes. */
  memory(): { rss: number; hwm: number };
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  keepLines?: number;
  nodeArgs?: string[];
  /**
   * Run the command under relay.mjs, which stamps each line as it arrives (latency). The relay
   * adds a process to the tree: not for memory measurements.
   */
  relay?: boolean;
}

export function spawnMeasured(name: string, command: string, args: string[], options: SpawnOptions = {}): Measured {
  const keep = options.keepLines ?? 10_000;
  const startedAt = performance.now();
  const [file, argv] = options.relay ? [process.execPath, [RELAY, command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters = new Set<Waiter>();
  let partial = '';
  const measured: Measured = {
    name,
    child,
    startedAt,
    lines: [],
    lineCount: 0,
    stdoutBytes: 0,
    stderr: '',
    waitForLine(test, timeoutMs, waitOptions = {}) {
      if (waitOptions.seen) {
        const found = measured.lines.find(test);
        if (found) return Promise.resolve(found);
      }
      return new Promise<Line>((resolve, reject) => {
        const waiter: Waiter = {
          test,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`${name}: no matching line within ${timeoutMs} ms (stderr: ${measured.stderr.slice(-400).trim() || 'empty'})`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    memory: () => treeMemory(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await measured.exited;
      clearTimeout(killer);
    },
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const at = performance.now();
    measured.stdoutBytes += Buffer.byteLength(chunk);
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = options.relay ? relayed(raw, at) : { text: raw, at };
      measured.lineCount++;
      measured.lines.push(line);
      if (measured.lines.length > keep) measured.lines.shift();
      for (const waiter of [...waiters]) {
        if (!waiter.test(line)) continue;
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    measured.stderr = (measured.stderr + chunk).slice(-4000);
  });
  child.on('close', () => {
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before a matching line; stderr: ${measured.stderr.slice(-400).trim()}`));
    }
    waiters.clear();
  });
  return measured;
}

/** A relay.mjs line "<wall-clock ms>\t<text>", its stamp turned into this process's performance.now(). */
function relayed(raw: string, fallback: number): Line {
  const tab = raw.indexOf('\t');
  const stamp = Number(raw.slice(0, tab));
  if (tab < 0 || !Number.isFinite(stamp)) return { text: raw, at: fallback };
  return { text: raw.slice(tab + 1), at: stamp - performance.timeOrigin };
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // The process is gone.
  }
  return out;
}

/**
 * Sums over the process and its descendants: the kubectl on these machines is a dispatcher that
 * may run the versioned kubectl as a child (kubectl-wire-notes.md).
 */
export function treeMemory(pid: number | undefined): { rss: number; hwm: number } {
  if (pid === undefined) return { rss: 0, hwm: 0 };
  let rss = 0;
  let hwm = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop() as number;
    rss += statusKb(p, 'VmRSS') * 1024;
    hwm += statusKb(p, 'VmHWM') * 1024;
    todo.push(...childrenOf(p));
  }
  return { rss, hwm };
}

/** Samples a process tree's RSS every intervalMs; stop() returns the samples (bytes) and the peak. */
export function sampleMemory(target: Measured, intervalMs: number): { stop(): { samples: Array<{ at: number; rss: number }>; peak: number } } {
  const samples: Array<{ at: number; rss: number }> = [];
  let peak = 0;
  const take = () => {
    const m = target.memory();
    if (m.rss > 0) samples.push({ at: performance.now(), rss: m.rss });
    peak = Math.max(peak, m.hwm, m.rss);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { samples, peak };
    },
  };
}
