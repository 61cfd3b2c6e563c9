import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1.5s', 1500],
    ['2m30s', 150_000],
    ['1h', 3_600_000],
    ['5m', 300_000],
    ['30', 30_000],
    [' 10s ', 10_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '5x', '5m junk', 'm5', '-5s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [4200, '4.2 s'],
    [14_200, '14 s'],
    [185_000, '3 m 5 s'],
    [7_800_000, '2 h 10 m'],
    [273_600_000, '3 d 4 h'],
    [-5, '0 ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
