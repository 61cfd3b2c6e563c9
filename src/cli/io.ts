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
