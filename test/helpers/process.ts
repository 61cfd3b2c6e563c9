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
  /** Resolves with stdout once it matches `pattern`; rejects if the process ends or the deadline passes first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<Finished>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
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

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(out)) return finish(() => resolve(out));
        if (done) return finish(() => reject(new Error(`${command} ended before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`))),
        timeoutMs,
      );
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
    waitForOutput,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** Runs a process to its end (killed after `timeoutMs`, 30 s by default). */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<Finished> {
  return startProcess(command, args, { timeoutMs: 30_000, ...options }).exited;
}
