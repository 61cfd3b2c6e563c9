/**
 * The recording format (design.md §5, contract; docs/recordings.md). NDJSON, one line each:
 *
 *   {"kubespyRecording": 1, "time", "namespace"?, "timeScale"?}  first line: format version
 *   {"time", "type": "ADDED"|"MODIFIED"|"DELETED", "object"}      a watch event as received
 *   {"time", "type": "SYNC", "request"}                          a watch's list completed
 *   {"time", "type": "LIST", "request"}                          a one-off list completed
 *   {"time", "type": "PROBLEM", "request", "problem"}            a watch cannot deliver
 *   {"time", "type": "REPORT"}                                   a trace took in all lines above
 *   {"time", "type": "END"}                                      the command stopped cleanly
 *
 * Only the event lines are required; a file of nothing else (another tool's recording) replays.
 * The marker lines let a replay give each watch and list the state it had at that moment live.
 */
import type { KubeObject } from '../lib/kube-object.js';
import type { SourceProblem, WatchRequest } from '../model/source.js';

export const RECORDING_FORMAT_VERSION = 1;

export interface RecordingHeader {
  kubespyRecording: number;
  time: string;
  /** The namespace the recording command used when its command line named none. */
  namespace?: string;
  /** The embedded cluster's speed factor when a demo recorded (the analysers scale durations by it). */
  timeScale?: number;
}

export type EventLine = { time: string; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };
export type MarkerLine =
  | { time: string; type: 'SYNC' | 'LIST'; request: WatchRequest }
  | { time: string; type: 'PROBLEM'; request: WatchRequest; problem: SourceProblem }
  /**
   * A trace turned everything recorded since the previous REPORT into one report: live, events
   * that arrive together are coalesced into one update, and a replay must group them the same
   * way to print the same reports.
   */
  | { time: string; type: 'REPORT' }
  | { time: string; type: 'END' };
export type RecordingLine = EventLine | MarkerLine;

/** A recording read back: lines carry their 1-based line number for messages. */
export interface ParsedRecording {
  header?: RecordingHeader;
  lines: Array<RecordingLine & { at: number; ms: number }>;
  /** Lines that could not be read; the rest still replays (design.md §7.6: never dropped silently). */
  problems: Array<{ line: number; message: string }>;
}

/** A recording this kubespy cannot read (a newer format). */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequest(value: unknown): value is WatchRequest {
  if (!isRecord(value) || !isRecord(value.resource)) return false;
  const r = value.resource;
  return typeof r.group === 'string' && typeof r.version === 'string' && typeof r.resource === 'string' && typeof r.kind === 'string';
}

export function parseRecording(text: string): ParsedRecording {
  const out: ParsedRecording = { lines: [], problems: [] };
  const rows = text.split('\n');
  rows.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      out.problems.push({ line, message: 'is not JSON' });
      return;
    }
    if (!isRecord(value)) {
      out.problems.push({ line, message: 'is not a JSON object' });
      return;
    }
    if ('kubespyRecording' in value) {
      const version = value.kubespyRecording;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        out.problems.push({ line, message: `has an invalid format version ${JSON.stringify(version)}` });
      } else if (version > RECORDING_FORMAT_VERSION) {
        throw new RecordingError(`the recording uses format version ${version}; this kubespy reads version ${RECORDING_FORMAT_VERSION} and older — upgrade kubespy to replay it`);
      } else {
        out.header = value as unknown as RecordingHeader;
      }
      return;
    }
    const ms = typeof value.time === 'string' ? Date.parse(value.time) : NaN;
    if (Number.isNaN(ms)) {
      out.problems.push({ line, message: 'has no valid "time" (RFC 3339)' });
      return;
    }
    const problem = lineProblem(value);
    if (problem) out.problems.push({ line, message: problem });
    else out.lines.push({ ...(value as unknown as RecordingLine), at: line, ms });
  });
  return out;
}

function lineProblem(value: Record<string, unknown>): string | undefined {
  switch (value.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      if (!isRecord(value.object) || !isRecord(value.object.metadata) || typeof value.object.kind !== 'string') {
        return 'has an "object" without kind or metadata';
      }
      return undefined;
    case 'SYNC':
    case 'LIST':
      return isRequest(value.request) ? undefined : `has a ${value.type} marker without a valid "request"`;
    case 'PROBLEM':
      return isRequest(value.request) && isRecord(value.problem) ? undefined : 'has a PROBLEM marker without "request" and "problem"';
    case 'REPORT':
    case 'END':
      return undefined;
    default:
      return `has an unknown event type ${JSON.stringify(value.type)}`;
  }
}
