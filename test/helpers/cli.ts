/**
 * kubespy's CLI run in-process (src/cli/program.ts `run`), its output captured: faster than a
 * child process, and the embedded cluster the test drives lives in the same process.
 */
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/program.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { eventually } from './cluster.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  stdout(): string;
  stderr(): string;
  /** Ends it as Ctrl-C would (the signal aborts). */
  stop(): void;
  /** The exit code. */
  readonly code: Promise<number>;
}

export interface CliOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** The environment kubespy sees; default: none at all. */
  env?: Record<string, string | undefined>;
}

/** Starts the CLI with no environment (no KUBECONFIG, no colour settings) and captures what it writes. */
export function startCli(args: string[], options: CliOptions = {}): CliRun {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const controller = new AbortController();
  const code = run(args, { stdout, stderr, env: options.env ?? {}, clock: options.clock ?? systemClock, signal: controller.signal });
  return { stdout: () => out, stderr: () => err, stop: () => controller.abort(), code };
}

/**
 * Runs the CLI to its end; with `stopWhen`, stops it (as Ctrl-C would) once its stdout satisfies
 * `stopWhen`, unless it exits by itself first.
 */
export async function runCli(args: string[], options: CliOptions & { stopWhen?: (stdout: string) => boolean } = {}): Promise<CliResult> {
  const cli = startCli(args, options);
  const { stopWhen } = options;
  if (stopWhen) {
    let exited = false;
    void cli.code.then(() => (exited = true));
    await until(() => exited || stopWhen(cli.stdout()), `output of kubespy ${args.join(' ')}`);
    cli.stop();
  }
  const code = await cli.code;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Polls `check` every 20 ms until it holds; rejects naming `what` after `ms`. */
export function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  return eventually(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeoutMs: ms, intervalMs: 20 },
  );
}
