import { describe, expect, it } from 'vitest';
import { JsonEmitter, jsonLine } from './json.js';
import { NOW, failingService, readyService } from './fixtures/reports.js';
import type { TraceReport } from '../trace/types.js';

describe('jsonLine', () => {
  it('prints the contract shape, fields in order, time in RFC 3339', () => {
    const line = jsonLine(failingService, NOW);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['time', 'target', 'verdict', 'summary', 'checks']);
    expect(parsed).toEqual({
      time: '2026-01-01T12:04:31.200Z',
      target: { kind: 'Service', namespace: 'billing', name: 'payments' },
      verdict: 'failing',
      summary: 'Service billing/payments · ClusterIP · FAILING',
      checks: failingService.checks,
    });
    expect(line.startsWith('{"time":"2026-01-01T12:04:31.200Z","target":{"kind":"Service","namespace":"billing","name":"payments"},"verdict":"failing"')).toBe(true);
  });

  it('drops fields outside the contract', () => {
    const extra = { ...readyService, debug: { snapshot: 1 }, checks: [{ ...readyService.checks[0], extra: true }] } as unknown as TraceReport;
    const parsed = JSON.parse(jsonLine(extra, NOW)) as { checks: object[] };
    expect(Object.keys(parsed)).not.toContain('debug');
    expect(Object.keys(parsed.checks[0] as object)).toEqual(['id', 'status', 'message', 'details']);
  });
});

describe('JsonEmitter', () => {
  it('never prints two equal lines in a row, whatever the time', () => {
    const emitter = new JsonEmitter();
    const out = [
      emitter.emit(readyService, NOW),
      emitter.emit(readyService, NOW + 1000),
      emitter.emit({ ...readyService }, NOW + 2000),
      emitter.emit(failingService, NOW + 3000),
      emitter.emit(readyService, NOW + 4000),
      emitter.emit(readyService, NOW + 5000),
    ];
    expect(out.map((l) => (l === undefined ? undefined : (JSON.parse(l) as { verdict: string }).verdict))).toEqual([
      'ready',
      undefined,
      undefined,
      'failing',
      'ready',
      undefined,
    ]);
    expect(out[0]).toBe(jsonLine(readyService, NOW));
    expect(out[4]).toBe(jsonLine(readyService, NOW + 4000));
  });

  it('prints a change in details, which a consumer may act on', () => {
    const emitter = new JsonEmitter();
    emitter.emit(failingService, NOW);
    const moreDetail: TraceReport = {
      ...failingService,
      checks: failingService.checks.map((c) => (c.id === 'events' ? { ...c, details: ['FailedToUpdateEndpointSlices ×4 (3 m)'] } : c)),
    };
    expect(emitter.emit(moreDetail, NOW + 1)).toBeDefined();
  });

  it('prints the same report again after reset', () => {
    const emitter = new JsonEmitter();
    emitter.emit(readyService, NOW);
    emitter.reset();
    expect(emitter.emit(readyService, NOW)).toBe(jsonLine(readyService, NOW));
  });
});
