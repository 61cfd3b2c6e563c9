import { describe, expect, it } from 'vitest';
import { byCreation, computeHash, fnv32a, matchesLabelSelector, podAvailability, safeEncodeString, scaledValue } from './pod-template.js';

describe('pod-template hash', () => {
  it('is FNV-32a (Go hash/fnv New32a test vectors)', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(fnv32a(enc(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc('foobar'))).toBe(0xbf9cf968);
  });

  it('safe-encodes decimal digits onto 4-9 and b-f', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('is stable, key-order independent and moves with the collision count', () => {
    const a = computeHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    const b = computeHash({ spec: { containers: [{ image: 'nginx', name: 'web' }] }, metadata: { labels: { app: 'web' } } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash({ spec: {} }, 1)).not.toBe(computeHash({ spec: {} }, 0));
  });
});

describe('helpers', () => {
  it.each<{ name: string; selector: unknown; labels: Record<string, string>; want: boolean }>([
    { name: 'matchLabels', selector: { matchLabels: { app: 'web' } }, labels: { app: 'web', tier: 'x' }, want: true },
    { name: 'In', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, labels: { tier: 'b' }, want: true },
    { name: 'NotIn matches a missing key', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, labels: {}, want: true },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels: { tier: 'a' }, want: false },
    { name: 'missing selector selects nothing', selector: undefined, labels: { app: 'web' }, want: false },
  ])('selector: $name', ({ selector, labels, want }) => expect(matchesLabelSelector(selector, labels)).toBe(want));

  it.each([
    { value: '25%', total: 10, up: true, want: 3 },
    { value: '25%', total: 10, up: false, want: 2 },
    { value: 2, total: 10, up: true, want: 2 },
  ])('scaledValue($value of $total, up=$up) = $want', ({ value, total, up, want }) => expect(scaledValue(value, total, up, 0)).toBe(want));

  it('computes availability after minReadySeconds', () => {
    const pod = { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00.000Z' }] } };
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    expect(podAvailability(pod, 5000, t0 + 1000)).toEqual({ available: false, waitMs: 4000 });
    expect(podAvailability(pod, 5000, t0 + 5000)).toEqual({ available: true });
  });
});

describe('byCreation', () => {
  it('orders oldest first and equal creation times by name (ReplicaSetsByCreationTimestamp)', () => {
    const at = (name: string, creationTimestamp: string) => ({ metadata: { name, creationTimestamp } });
    const sorted = [at('b', '2026-01-01T00:00:01Z'), at('c', '2026-01-01T00:00:00Z'), at('a', '2026-01-01T00:00:01Z')].sort(byCreation);
    expect(sorted.map((o) => o.metadata.name)).toEqual(['c', 'a', 'b']);
  });
});
