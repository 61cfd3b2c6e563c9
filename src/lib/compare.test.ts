import { describe, expect, it } from 'vitest';
import { compareNatural, compareText } from './compare.js';

describe('compareText', () => {
  it('orders by code unit, as Go sort.Strings orders ASCII names', () => {
    expect(['web-b', 'web.a', 'Web', 'web-10', 'web-2', 'web', 'web-a'].sort(compareText)).toEqual([
      'Web',
      'web',
      'web-10',
      'web-2',
      'web-a',
      'web-b',
      'web.a',
    ]);
  });
  it('is 0 only for equal strings', () => {
    expect(compareText('a', 'a')).toBe(0);
    expect(compareText('a', 'b')).toBeLessThan(0);
    expect(compareText('b', 'a')).toBeGreaterThan(0);
  });
});

describe('compareNatural', () => {
  it.each([
    ['web-2', 'web-10', -1],
    ['web-10', 'web-9', 1],
    ['node-1', 'node-1', 0],
    ['7', '007', -1],
    ['web-1-b', 'web-1-a', 1],
    ['web', 'web-0', -1],
    ['10a', '9b', 1],
    ['a', 'b', -1],
    ['web-00012', 'web-11', 1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareNatural(a, b))).toBe(sign);
    expect(Math.sign(compareNatural(b, a))).toBe(sign === 0 ? 0 : -sign);
  });
  it('sorts StatefulSet ordinals in order', () => {
    expect(['db-10', 'db-2', 'db-0', 'db-1', 'db-11'].sort(compareNatural)).toEqual(['db-0', 'db-1', 'db-2', 'db-10', 'db-11']);
  });
});
