/**
 * The analysers read unchanged objects once (issue 6: per-update cost): memos keyed by object and
 * list identity. Safety net: over sequences of updates where some objects keep their identity and
 * others are replaced while `now` advances, every report equals the report for a structuredClone of
 * the same input — fresh identities, so no memo can hit.
 */
import { describe, expect, it } from 'vitest';
import { NOW, healthyWeb, input, pod, service, unschedulable } from './fixtures/builders.js';
import { deepFreeze, latencySequence, randomSequence } from './fixtures/sequences.js';
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

  it('ticks "ready for …" ages on time while reusing the Pod views of ready Pods, also for ages that roll over mid-second', () => {
    // Ready at whole seconds and at .4 s / .75 s past one (a timestamp from a server with finer
    // times): updates 100 ms apart cross each Pod's next-second boundary at different moments.
    const pods = deepFreeze(
      ['web-a', 'web-b', 'web-c'].map((name, i) => {
        const p = pod(name, { readySecondsAgo: 3 + i });
        const conditions = (p.status as { conditions: Array<Record<string, unknown>> }).conditions;
        const ready = conditions.find((c) => c['type'] === 'Ready') as Record<string, unknown>;
        ready['lastTransitionTime'] = new Date(NOW - (3 + i) * 1000 + [0, 400, 750][i]!).toISOString();
        return p;
      }),
    );
    const slices = deepFreeze(healthyWeb().slices);
    const sequence = Array.from({ length: 40 }, (_, i) =>
      input({ now: NOW + i * 100, service: deepFreeze(service('web', { type: i % 2 ? 'NodePort' : 'ClusterIP' })), pods, endpointSlices: slices }),
    );
    expectSameAsFresh(sequence);
    const words = sequence.map((step) => analyseService(step).checks.find((c) => c.id === 'pods')?.details.join(' | '));
    expect(new Set(words).size).toBeGreaterThan(4);
  });

  it('describes Pods afresh on every update while one is not ready (its state may depend on grace windows)', () => {
    // Unschedulable for 14.5 s at the start: past the 15 s grace half a second later (mid-way
    // between two of the ready Pod's age ticks), it turns failing.
    const pods = deepFreeze([unschedulable(pod('web-a'), '0/3 nodes are available: 3 Insufficient cpu.', 14.5), pod('web-b')]);
    const sequence = Array.from({ length: 30 }, (_, i) => input({ now: NOW + i * 100, service: deepFreeze(service('web')), pods }));
    expectSameAsFresh(sequence);
    const statuses = sequence.map((step) => analyseService(step).checks.find((c) => c.id === 'pods')?.status);
    expect(statuses[0]).toBe('pending');
    expect(statuses.at(-1)).toBe('fail');
  });

  it('does not write to its input (the model shares it, deep-frozen here)', () => {
    expect(() => randomSequence(11, 80).forEach((step) => analyseService(step))).not.toThrow();
  });
});
