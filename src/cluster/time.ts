/**
 * How the embedded cluster writes times, as a real kube-apiserver serialises them:
 * - metav1.Time (creationTimestamp, deletionTimestamp, condition lastTransitionTime, container
 *   startedAt/finishedAt, Pod startTime, Event firstTimestamp/lastTimestamp, managedFields time…)
 *   marshals as RFC 3339 in UTC at second precision ("2026-11-27T07:31:47Z"): Go's
 *   Time.Format(time.RFC3339) truncates, so the sub-second part is dropped, not rounded.
 * - metav1.MicroTime (Lease renewTime/acquireTime, events.k8s.io eventTime) marshals with
 *   exactly six fraction digits ("2026-11-27T07:31:47.123000Z").
 * - RFC3339Nano (annotations such as endpoints.kubernetes.io/last-change-trigger-time) trims
 *   trailing zero fraction digits, as Go prints it.
 */
import type { Clock } from '../lib/clock.js';

/** metav1.Time: RFC 3339, whole seconds. */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.Time for the clock's now. */
export function metaTimeNow(clock: Clock): string {
  return metaTime(clock.now());
}

/** metav1.MicroTime: RFC 3339 with six fraction digits (the clock has milliseconds: the last three are 0). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * RFC3339Nano as Go prints it (trailing zero fraction digits trimmed), the format of
 * `endpoints.kubernetes.io/last-change-trigger-time`.
 */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}
