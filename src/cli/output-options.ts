/**
 * Output and gating flags shared by trace-like commands (design.md §3).
 */
import { Option, type Command } from 'commander';
import { parseDuration } from '../lib/duration.js';
import { VERDICTS, type Verdict } from '../trace/types.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';
import type { OutputMode } from './report-sink.js';

export interface OutputFlags {
  output?: string;
  until?: string;
  timeout?: string;
  color?: boolean;
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-o, --output <mode>', 'tty (live view), plain (transition log) or json (NDJSON); default: tty on a terminal, else plain'))
    .option('--until <verdict>', `exit 0 once the verdict is reached: ${VERDICTS.join(', ')}`)
    .option('--timeout <duration>', 'give up after this long (e.g. 30s, 5m) with exit code 1')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)');
}

export interface ResolvedOutput {
  mode: OutputMode;
  until?: Verdict;
  timeoutMs?: number;
  /** undefined: decide from NO_COLOR / FORCE_COLOR / the terminal. */
  colorFlag?: boolean;
}

export function resolveOutput(flags: OutputFlags, io: CliIO): ResolvedOutput {
  const mode = flags.output ?? (io.stdout.isTTY ? 'tty' : 'plain');
  if (mode !== 'tty' && mode !== 'plain' && mode !== 'json') {
    throw new UsageError(`unknown output mode "${mode}"`, 'Use -o tty, -o plain or -o json.');
  }
  let until: Verdict | undefined;
  if (flags.until !== undefined) {
    if (!(VERDICTS as readonly string[]).includes(flags.until)) {
      throw new UsageError(`unknown verdict "${flags.until}" for --until`, `Verdicts: ${VERDICTS.join(', ')}.`);
    }
    until = flags.until as Verdict;
  }
  let timeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    timeoutMs = parseDuration(flags.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw new UsageError(`invalid --timeout "${flags.timeout}"`, 'Use a duration such as 30s, 5m or 1h30m.');
    }
  }
  // commander turns --no-color into color=false and leaves it true otherwise.
  return { mode, until, timeoutMs, colorFlag: flags.color === false ? false : undefined };
}
