/**
 * What a command may touch outside itself, passed in so tests can run the CLI in-process
 * (design.md §7.2). main.ts fills it from the real process.
 */
import type { Writable } from 'node:stream';
import type { Clock } from '../lib/clock.js';

export interface TerminalStream extends Writable {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface CliIO {
  stdout: TerminalStream;
  stderr: TerminalStream;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Aborted on Ctrl-C / SIGTERM: commands finish cleanly and resolve. */
  signal: AbortSignal;
}

/**
 * `io`, stopping the command as Ctrl-C would when the reader of stdout or stderr goes away
 * (`kubespy demo | head -1`). The next write then fails with EPIPE, an 'error' event that nothing
 * else listens for, which would end the process with a stack trace in the middle of a write.
 * Writes to the closed stream after that are dropped by the stream itself. Other write errors
 * are not ours to hide: they are thrown as before.
 */
export function stopWhenOutputCloses(io: CliIO): CliIO {
  const closed = new AbortController();
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.abort(error);
  };
  io.stdout.on('error', onError);
  if (io.stderr !== io.stdout) io.stderr.on('error', onError);
  return { ...io, signal: AbortSignal.any([io.signal, closed.signal]) };
}

/** Whether `error` is what an aborted `signal` ended the work with (Ctrl-C, a closed output). */
export function isAbortOf(signal: AbortSignal, error: unknown): boolean {
  return signal.aborted && (error === signal.reason || (error instanceof Error && error.name === 'AbortError'));
}
