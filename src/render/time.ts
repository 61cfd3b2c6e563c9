/**
 * Timestamps for the renderers. Times are always passed in (ms since the epoch); "local" means
 * the process's time zone, as a log read beside other local tools expects, and tests use "utc".
 */

export type TimeFormat = 'local' | 'utc' | 'rfc3339';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** HH:MM:SS, or HH:MM:SS.mmm with millis. */
export function clockTime(ms: number, { utc = false, millis = false } = {}): string {
  const d = new Date(ms);
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const base = `${two(h)}:${two(m)}:${two(s)}`;
  if (!millis) return base;
  const frac = utc ? d.getUTCMilliseconds() : d.getMilliseconds();
  return `${base}.${String(frac).padStart(3, '0')}`;
}

/** RFC 3339 in UTC with milliseconds, e.g. 2026-01-01T12:04:17.031Z. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** A log timestamp: HH:MM:SS.mmm (local or UTC) or a full RFC 3339 time. */
export function logTimestamp(ms: number, format: TimeFormat = 'local'): string {
  if (format === 'rfc3339') return rfc3339(ms);
  return clockTime(ms, { utc: format === 'utc', millis: true });
}
