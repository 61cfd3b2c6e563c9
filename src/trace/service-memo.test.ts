/**
 * The analysers read unchanged objects once (issue 6: per-update cost): memos keyed by object and
 * list identity. Safety net: over sequences of updates where some objects keep their identity and
 * others are replaced while `now` advances, every report equals the report for a structuredClone of
 * the same input — fresh identities, so no memo can hit.
 */
import { describe, expect, it } from 'vitest';
import { latencySequence, randomSequence } from './fixtures/sequences.js';
import { analyseService, type ServiceTraceInput } from './service.js';
import type { TraceReport } from './types.js';

function expectSameAsFresh(sequence: readonly ServiceTraceInput[]): void {
  // All of the sequence first, as a trace runs it, so memos from earlier steps are there to hit.
  const reports: TraceReport[] = sequence.map((step) => analyseService(step));
  sequence.forEach((step, i) => {
    expect({ step: i, report: reports[i] }).toEqual({ step: i, report: analyseService(structuredClone(step)) });
  });
}

describe('analyseService memoisation', () => {
  it('gives the report of a fresh copy on every update of the latency bench sequence', () => {
    expectSameAsFresh(latencySequence(120, 997));
  });

  for (const seed of [1, 7, 42, 2026]) {
    it(`gives the report of a fresh copy on every update of random walk ${seed}`, () => {
      expectSameAsFresh(randomSequence(seed, 150));
    });
  }

  it('gives the report of a fresh copy when everything changes at once or nothing does', () => {
    expectSameAsFresh(randomSequence(3, 60, 1));
    expectSameAsFresh(randomSequence(5, 60, 0));
  });

  it('does not write to its input (the model shares it, deep-frozen here)', () => {
    expect(() => randomSequence(11, 80).forEach((step) => analyseService(step))).not.toThrow();
  });
});
