/**
 * Drives one trace: feeds what the watches see through the pure analyser, shows each report, and
 * decides when to stop — the `--until` verdict (exit 0), `--timeout` (exit 1), Ctrl-C (exit 0),
 * or, for the demo, the end of its scenario.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';
import { formatDuration } from '../lib/duration.js';
import type { TraceReport, Verdict } from '../trace/types.js';
import { ExitCode } from './errors.js';
import type { ReportSink } from './report-sink.js';

export interface TraceSession<T> {
  /** Starts the watches; calls onUpdate with the current objects whenever they may have changed. */
  follow(onUpdate: (objects: T) => void): { stop(): void };
  analyse(objects: T, now: number): TraceReport;
  reconnecting(objects: T): boolean;
  /** False until the watches have delivered enough to judge: nothing is shown before. */
  synced(objects: T): boolean;
}

export interface RunTraceOptions {
  clock: Clock;
  signal: AbortSignal;
  sink: ReportSink;
  stderr: { write(text: string): unknown };
  until?: Verdict;
  timeoutMs?: number;
  /** Re-analyse this often even without changes: time-based rules and the live clock. */
  tickMs?: number;
  /** Ends the trace when it settles (the demo's scenario). */
  endWhen?: Promise<void>;
  /** 'replay' when fed from a recording. */
  state?: 'live' | 'replay';
  /** After each update of the watched objects has been shown (--record marks report boundaries). */
  afterUpdate?: () => void;
}

export async function runTrace<T>(session: TraceSession<T>, options: RunTraceOptions): Promise<number> {
  const { clock, sink } = options;
  const tickMs = options.tickMs ?? 1000;
  let latest: T | undefined;
  let lastReport: TraceReport | undefined;
  let reconnectingSince: number | undefined;
  let tick: TimerHandle | undefined;
  let timeout: TimerHandle | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  let done = false;

  const end = (code: number) => {
    if (done) return;
    done = true;
    finish(code);
  };

  const render = () => {
    if (done || latest === undefined || !session.synced(latest)) return;
    const now = clock.now();
    const report = session.analyse(latest, now);
    const reconnecting = session.reconnecting(latest);
    if (reconnecting && reconnectingSince === undefined) reconnectingSince = now;
    if (!reconnecting) reconnectingSince = undefined;
    const header = reconnecting
      ? { state: 'reconnecting' as const, since: reconnectingSince }
      : { state: options.state ?? ('live' as const) };
    sink.show(report, now, header);
    lastReport = report;
    if (options.until && report.verdict === options.until) end(ExitCode.Done);
  };

  const scheduleTick = () => {
    tick = clock.setTimeout(() => {
      render();
      if (!done) scheduleTick();
    }, tickMs);
  };

  const followed = session.follow((objects) => {
    latest = objects;
    render();
    options.afterUpdate?.();
  });
  scheduleTick();
  if (options.timeoutMs !== undefined) {
    timeout = clock.setTimeout(() => {
      const last = lastReport ? `; last verdict: ${lastReport.verdict}` : '';
      const wanted = options.until ? ` for verdict ${options.until}` : '';
      options.stderr.write(`kubespy: timed out after ${formatDuration(options.timeoutMs!)} waiting${wanted}${last}\n`);
      end(ExitCode.Timeout);
    }, options.timeoutMs);
  }
  const onAbort = () => end(ExitCode.Done);
  if (options.signal.aborted) end(ExitCode.Done);
  options.signal.addEventListener('abort', onAbort, { once: true });
  options.endWhen?.then(() => {
    render();
    end(ExitCode.Done);
  });

  const code = await finished;
  options.signal.removeEventListener('abort', onAbort);
  tick?.cancel();
  timeout?.cancel();
  followed.stop();
  sink.finish();
  return code;
}
