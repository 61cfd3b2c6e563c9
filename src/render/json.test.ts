import { describe, expect, it } from 'vitest';
import { jsonBody, jsonLine, jsonLineOf } from './json.js';
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

describe('jsonBody and jsonLineOf', () => {
  it('build the same line as jsonLine from one serialisation, time first', () => {
    const body = jsonBody(failingService);
    expect(jsonLineOf(body, NOW)).toBe(jsonLine(failingService, NOW));
    expect(JSON.parse(body)).not.toHaveProperty('time');
    expect(Object.keys(JSON.parse(jsonLineOf(body, NOW + 1)) as object)).toEqual(['time', 'target', 'verdict', 'summary', 'checks']);
    expect((JSON.parse(jsonLineOf(body, NOW + 1)) as { time: string }).time).toBe('2026-01-01T12:04:31.201Z');
  });

  it('the body leaves out fields outside the contract, so equal bodies mean equal lines', () => {
    const extra = { ...readyService, debug: 1, checks: readyService.checks.map((c) => ({ ...c, extra: true })) } as unknown as TraceReport;
    expect(jsonBody(extra)).toBe(jsonBody(readyService));
  });
});
