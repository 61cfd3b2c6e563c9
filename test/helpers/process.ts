/**
 * Child processes for end-to-end tests: run one to its end, or start one and read its output as
 * it comes (kubectl get -w, kubespy cluster). Always asynchronous: the embedded cluster usually
 * lives in the test process and must keep serving while the child talks to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the test's deadline passed and the process was killed. */
  timedOut: boolean;
}

export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the first value `probe` returns that is not undefined, probing again whenever
   * the process prints; rejects with what it printed when `timeoutMs` passes or it exits first.
   */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Resolves with stdout once it matches `pattern`; rejects if the process ends or the deadline passes first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<Finished>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL if it has not exited 5 s later. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A safety net, not an assertion: past this the process is killed and the result says timedOut. */
  timeoutMs?: number;
}

export function startProcess(command: string, args: string[], options: ProcessOptions = {}): Running {
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let timedOut = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    changed();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    changed();
  });
  let done = false;
  const deadline =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs);
  const exited = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      clearTimeout(deadline);
      resolve({ code, signal, stdout: out, stderr: err, timedOut });
      changed();
    });
  });

  const waitFor = <T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const fail = (why: string) =>
        finish(() => reject(new Error(`${command} ${why} waiting for ${what}\n--- stdout ---\n${out.slice(-6000)}\n--- stderr ---\n${err.slice(-3000)}`)));
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          return finish(() => reject(error as Error));
        }
        if (value !== undefined) return finish(() => resolve(value));
        if (done) fail('ended');
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor,
    waitForOutput: (pattern, timeoutMs) => waitFor(`output matching ${pattern}`, () => (pattern.test(out) ? out : undefined), timeoutMs),
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (done) return exited;
      child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        return await exited;
      } finally {
        clearTimeout(kill);
      }
    },
  };
}

/** Runs a process to its end (killed after `timeoutMs`, 30 s by default). */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<Finished> {
  return startProcess(command, args, { timeoutMs: 30_000, ...options }).exited;
}
