/**
 * `-o json` (design.md §4, contract): one JSON object per line,
 *   {"time": RFC3339, "target": {"kind","namespace","name"}, "verdict", "summary", "checks": [...]}
 * with each check as {"id","status","message","details"}. Fields are copied by name, in this
 * order, so a report object carrying anything else cannot change the contract's shape.
 */
import type { TraceReport } from '../trace/types.js';
import { rfc3339 } from './time.js';

/** Everything but the time, in contract order; two reports with equal bodies print the same line. */
function body(report: TraceReport): Record<string, unknown> {
  return {
    target: { kind: report.target.kind, namespace: report.target.namespace, name: report.target.name },
    verdict: report.verdict,
    summary: report.summary,
    checks: report.checks.map((c) => ({ id: c.id, status: c.status, message: c.message, details: [...c.details] })),
  };
}

/** The report as one JSON line at time `now` (ms), without the trailing newline. */
export function jsonLine(report: TraceReport, now: number): string {
  return withTime(JSON.stringify(body(report)), now);
}

/** Puts "time" first in an already serialised body (which is never empty). */
function withTime(serialisedBody: string, now: number): string {
  return `{"time":${JSON.stringify(rfc3339(now))},${serialisedBody.slice(1)}`;
}

/**
 * Emits a line per report, except one equal to the previous line apart from its time — a watch
 * event that changes nothing the report shows (a resourceVersion bump, a status heartbeat) must
 * not print. Holds only the previous body, so memory stays flat over a long trace.
 */
export class JsonEmitter {
  private previous: string | undefined;

  /** The line to print, or undefined when it would repeat the previous one. */
  emit(report: TraceReport, now: number): string | undefined {
    const key = JSON.stringify(body(report));
    if (key === this.previous) return undefined;
    this.previous = key;
    return withTime(key, now);
  }

  /** Forgets the previous line (e.g. when a new trace starts on the same output). */
  reset(): void {
    this.previous = undefined;
  }
}
