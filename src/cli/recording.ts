/**
 * `--record FILE`, `--replay FILE`, `--speed N` and `--show-secrets` (design.md §3, §5): the
 * flags every command accepts, and the connections they make — a cluster whose watch events are
 * also written to a recording, or a recording played back instead of a cluster.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import type { Clock } from '../lib/clock.js';
import type { Discovery } from '../kube/discovery.js';
import type { ObjectSource } from '../model/source.js';
import { replayDiscovery } from '../record/discovery.js';
import { parseRecording, RecordingError, type ParsedRecording } from '../record/format.js';
import { createRecorder, recordingSource } from '../record/recorder.js';
import { createReplay } from '../record/replay.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { parseNumberFlag } from './numbers.js';

export interface RecordingFlags {
  record?: string;
  replay?: string;
  /** Replay speed; demo's own --speed doubles as it when replaying. */
  speed?: string;
  showSecrets?: boolean;
}

export function addRecordingOptions(command: Command, options: { speed?: boolean } = {}): Command {
  command
    .option('--record <file>', 'also write every watch event received to FILE (NDJSON; see docs/recordings.md)')
    .option('--replay <file>', 'read a recording instead of a cluster')
    .option('--show-secrets', 'keep Secret values in recordings and output (redacted by default)');
  if (options.speed !== false) command.option('--speed <n>', 'with --replay: play N times faster than recorded (0: as fast as possible)', '1');
  return command;
}

/** What a command reads objects through, wherever they come from. */
export interface ObjectFeed {
  source: ObjectSource;
  /** The recording's time when replaying, else the CLI's clock. */
  clock: Clock;
  discovery: Discovery;
  /** The namespace to use when the command line names none. */
  namespace: string;
  /** Replaying: resolves when the whole recording has been played. */
  finished?: Promise<void>;
  /** The embedded cluster's speed factor when the recording came from a demo. */
  timeScale?: number;
  /** Called after each report a trace made (--record writes a REPORT marker). */
  reported?(): void;
  close(): void;
}

export function readRecording(file: string, io: Pick<CliIO, 'stderr'>): ParsedRecording {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read recording ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let recording: ParsedRecording;
  try {
    recording = parseRecording(text);
  } catch (error) {
    if (error instanceof RecordingError) throw new UsageError(`cannot replay ${file}: ${error.message}`);
    throw error;
  }
  for (const problem of recording.problems) {
    io.stderr.write(`kubespy: ${file}:${problem.line}: the line ${problem.message}; skipped (the rest is replayed)\n`);
  }
  return recording;
}

/** A feed that plays a recording. */
export function replayFeed(flags: RecordingFlags & { namespace?: string }, io: CliIO): ObjectFeed {
  const recording = readRecording(flags.replay as string, io);
  const speed = parseNumberFlag('--speed', flags.speed ?? '1', { min: 0, max: 1_000_000 });
  const replay = createReplay(recording, { speed });
  const onAbort = () => replay.stop();
  io.signal.addEventListener('abort', onAbort, { once: true });
  const header = recording.header;
  return {
    source: replay.source,
    clock: replay.clock,
    discovery: replayDiscovery(recording),
    namespace: flags.namespace ?? (typeof header?.namespace === 'string' ? header.namespace : 'default'),
    finished: replay.finished,
    timeScale: typeof header?.timeScale === 'number' ? header.timeScale : undefined,
    close() {
      io.signal.removeEventListener('abort', onAbort);
      replay.stop();
    },
  };
}

/** The feed, with what it delivers also written to flags.record when given. */
export function withRecording<T extends ObjectFeed>(feed: T, flags: RecordingFlags): T {
  if (flags.record === undefined) return feed;
  let fd: number;
  try {
    fd = openSync(flags.record, 'w', 0o600);
  } catch (error) {
    throw new UsageError(`cannot write recording ${flags.record}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const recorder = createRecorder({
    // Synchronous writes: every line is in the file the moment it is seen, even if killed.
    write: (text) => writeSync(fd, text),
    clock: feed.clock,
    showSecrets: flags.showSecrets === true,
    header: { namespace: feed.namespace, ...(feed.timeScale !== undefined ? { timeScale: feed.timeScale } : {}) },
  });
  return {
    ...feed,
    source: recordingSource(feed.source, recorder),
    reported: () => recorder.report(),
    close() {
      recorder.close();
      closeSync(fd);
      feed.close();
    },
  };
}
