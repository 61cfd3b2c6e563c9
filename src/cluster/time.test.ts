import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { metaTime, metaTimeNow, microTime, rfc3339Nano } from './time.js';

describe('cluster time formats', () => {
  const t = Date.parse('2026-11-27T07:31:47.123Z');

  it('prints metav1.Time at second precision, truncating like Go', () => {
    expect(metaTime(t)).toBe('2026-11-27T07:31:47Z');
    expect(metaTime(Date.parse('2026-11-27T07:31:47.999Z'))).toBe('2026-11-27T07:31:47Z');
    expect(metaTimeNow(new ManualClock(t))).toBe('2026-11-27T07:31:47Z');
  });

  it('prints metav1.MicroTime with six fraction digits', () => {
    expect(microTime(t)).toBe('2026-11-27T07:31:47.123000Z');
    expect(microTime(Date.parse('2026-11-27T07:31:47Z'))).toBe('2026-11-27T07:31:47.000000Z');
  });

  it('prints RFC3339Nano like Go', () => {
    expect(rfc3339Nano(Date.parse('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00Z');
    expect(rfc3339Nano(Date.parse('2026-01-01T00:00:00.120Z'))).toBe('2026-01-01T00:00:00.12Z');
  });
});
