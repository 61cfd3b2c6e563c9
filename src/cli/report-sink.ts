/**
 * Where trace reports go, by output mode (design.md §3): `tty` redraws the live checklist in
 * place, `plain` logs one line per check transition, `json` prints one line per change.
 */
import {
  createFrameWriter,
  frameSize,
  jsonBody,
  jsonLineOf,
  renderFrame,
  shouldUseColor,
  supportsEmoji,
  transitions,
  type FrameHeader,
} from '../render/index.js';
import type { TraceReport } from '../trace/types.js';
import type { CliIO } from './io.js';

export type OutputMode = 'tty' | 'plain' | 'json';

/**
 * The report with elapsed times masked ("ready for 3 s" → "ready for #"): the live view
 * re-analyses every second so its ages tick, but a log or an NDJSON stream should get a new line
 * only when something other than the passing of time changed.
 */
export function changeKey(report: TraceReport): string {
  return maskElapsed(JSON.stringify({ v: report.verdict, s: report.summary, c: report.checks }));
}

/** Serialised report text with every elapsed time ("3 s", "1.5 m", "250 ms") replaced by '#'. */
function maskElapsed(serialised: string): string {
  return serialised.replace(/\d+(?:\.\d+)? ?(?:ms|s|m|h|d)\b/g, '#');
}

export interface ReportSink {
  show(report: TraceReport, now: number, header: FrameHeader): void;
  /** A line of narration (demo steps): under the frame in tty mode, as a log line otherwise. */
  note(text: string, now: number): void;
  /** Leaves the last frame on screen; restores the terminal. */
  finish(): void;
}

export function createReportSink(mode: OutputMode, io: CliIO, options: { colorFlag?: boolean } = {}): ReportSink {
  const color = shouldUseColor({ flag: options.colorFlag, env: io.env, isTTY: io.stdout.isTTY === true });
  const symbols = supportsEmoji({ env: io.env, platform: process.platform }) ? 'emoji' : 'ascii';
  switch (mode) {
    case 'json': {
      let lastKey: string | undefined;
      return {
        show(report, now) {
          // One serialisation per report (issue 6: per-update cost): the body with elapsed times
          // masked is the change key, and the body itself is printed.
          const body = jsonBody(report);
          const key = maskElapsed(body);
          if (key === lastKey) return;
          lastKey = key;
          io.stdout.write(`${jsonLineOf(body, now)}\n`);
        },
        // Narration is for people; keep stdout pure NDJSON for scripts.
        note(text) {
          io.stderr.write(`# ${text}\n`);
        },
        finish() {},
      };
    }
    case 'plain': {
      let previous: TraceReport | undefined;
      let lastKey: string | undefined;
      return {
        show(report, now) {
          const key = changeKey(report);
          if (key === lastKey) return;
          lastKey = key;
          for (const line of transitions(previous, report, now, { symbols, color })) io.stdout.write(`${line}\n`);
          previous = report;
        },
        note(text, now) {
          const stamp = new Date(now).toTimeString().slice(0, 8);
          io.stdout.write(`${stamp}  # ${text}\n`);
        },
        finish() {},
      };
    }
    case 'tty': {
      let last: { report: TraceReport; now: number; header: FrameHeader } | undefined;
      const notes: string[] = [];
      const draw = (): string => {
        if (!last) return notes.map((n) => `  » ${n}`).join('\n');
        const size = frameSize(io.stdout);
        const noteLines = notes.slice(-3);
        const frame = renderFrame(last.report, {
          now: last.now,
          width: size.width,
          height: Math.max(5, size.height - noteLines.length - (noteLines.length ? 1 : 0)),
          color,
          header: last.header,
          symbols,
        });
        return noteLines.length ? `${frame}\n\n${noteLines.map((n) => `  » ${n}`).join('\n')}` : frame;
      };
      const writer = createFrameWriter({ stream: io.stdout, onResize: () => draw() });
      const onAbort = () => writer.restore();
      io.signal.addEventListener('abort', onAbort, { once: true });
      return {
        show(report, now, header) {
          last = { report, now, header };
          writer.update(draw());
        },
        note(text) {
          notes.push(text);
          if (notes.length > 3) notes.shift();
          writer.update(draw());
        },
        finish() {
          io.signal.removeEventListener('abort', onAbort);
          writer.done();
          io.stdout.write('\n');
        },
      };
    }
  }
}
