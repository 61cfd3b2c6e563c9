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

/**
 * The report's body — everything but the time, in contract order — serialised. A caller that
 * also needs to compare reports (report-sink's change detection) compares this string and prints
 * it with jsonLineOf, so a report is serialised once per update, not once per use (issue 6: the
 * per-update cost is kubespy's share of the write → line latency).
 */
export function jsonBody(report: TraceReport): string {
  return JSON.stringify(body(report));
}

/** The report as one JSON line at time `now` (ms), without the trailing newline. */
export function jsonLine(report: TraceReport, now: number): string {
  return jsonLineOf(jsonBody(report), now);
}

/** The line for a body from jsonBody at time `now`: "time" first, then the body's fields. */
export function jsonLineOf(serialisedBody: string, now: number): string {
  // rfc3339 output needs no JSON escaping (digits, '-', ':', '.', 'T', 'Z').
  return `{"time":"${rfc3339(now)}",${serialisedBody.slice(1)}`;
}
