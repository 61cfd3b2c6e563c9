import { describe, expect, it } from 'vitest';
import { transitions, type TransitionOptions } from './plain.js';
import { NOW, failingService } from './fixtures/reports.js';
import type { Check, TraceReport } from '../trace/types.js';

const utc: TransitionOptions = { time: 'utc' };

function withCheck(report: TraceReport, id: string, change: Partial<Check>): TraceReport {
  return { ...report, checks: report.checks.map((c) => (c.id === id ? { ...c, ...change } : c)) };
}

/** A Service whose selector has a typo, still pending (the typo not yet judged final). */
const typoPending: TraceReport = {
  target: { kind: 'Service', namespace: 'default', name: 'web' },
  verdict: 'pending',
  summary: 'Service default/web · ClusterIP · PENDING',
  checks: [
    { id: 'service', status: 'ok', message: 'exists, type ClusterIP', details: [] },
    { id: 'selector', status: 'pending', message: 'app=paymnets matches no Pods yet', details: ['near miss: app=payments on 2 Pods'] },
    { id: 'endpoints', status: 'pending', message: 'no endpoints yet', details: [] },
  ],
};
const typoFailing: TraceReport = {
  ...withCheck(typoPending, 'selector', { status: 'fail', message: 'app=paymnets matches no Pods (near miss: app=payments on 2 Pods)' }),
  verdict: 'failing',
  summary: 'Service default/web · ClusterIP · FAILING',
};
const fixed: TraceReport = {
  ...typoPending,
  verdict: 'ready',
  summary: 'Service default/web · ClusterIP · READY',
  checks: [
    { id: 'service', status: 'ok', message: 'exists, type ClusterIP', details: [] },
    { id: 'selector', status: 'ok', message: 'app=payments → 2 Pods', details: [] },
    { id: 'endpoints', status: 'ok', message: '2 ready', details: [] },
  ],
};

describe('transitions', () => {
  it('prints every check and the verdict for the first report', () => {
    expect(transitions(undefined, typoPending, NOW, utc)).toEqual([
      '12:04:31.200  service    ✅  exists, type ClusterIP',
      '12:04:31.200  selector   ⌛  app=paymnets matches no Pods yet',
      '12:04:31.200  endpoints  ⌛  no endpoints yet',
      '12:04:31.200  verdict    PENDING  Service default/web',
    ]);
  });

  it('prints nothing when nothing a user reads changed', () => {
    const sameButDetails = withCheck(typoPending, 'selector', { details: ['near miss: app=payments on 3 Pods'] });
    expect(transitions(typoPending, typoPending, NOW, utc)).toEqual([]);
    expect(transitions(typoPending, sameButDetails, NOW, utc)).toEqual([]);
  });

  it('prints a changed check, the new verdict, and — once — the failing checks\u2019 details', () => {
    expect(transitions(typoPending, typoFailing, NOW, utc)).toEqual([
      '12:04:31.200  selector   ❌  app=paymnets matches no Pods (near miss: app=payments on 2 Pods)',
      '12:04:31.200  verdict    FAILING  Service default/web',
      '              selector       near miss: app=payments on 2 Pods',
    ]);
    // Staying failing with the same checks prints nothing more.
    expect(transitions(typoFailing, typoFailing, NOW + 1000, utc)).toEqual([]);
  });

  it('while failing, a check that newly fails brings its details under its own line', () => {
    const worse = withCheck(typoFailing, 'endpoints', { status: 'fail', message: 'no endpoints', details: ['EndpointSlice web-abcde is empty'] });
    expect(transitions(typoFailing, worse, NOW, utc)).toEqual([
      '12:04:31.200  endpoints  ❌  no endpoints',
      `${' '.repeat(29)}EndpointSlice web-abcde is empty`,
    ]);
  });

  it('prints every check that changed and the verdict when the story ends well', () => {
    expect(transitions(typoFailing, fixed, Date.parse('2026-01-01T12:05:02.007Z'), utc)).toEqual([
      '12:05:02.007  selector   ✅  app=payments → 2 Pods',
      '12:05:02.007  endpoints  ✅  2 ready',
      '12:05:02.007  verdict    READY  Service default/web',
    ]);
  });

  it.each([
    ['never', { details: 'never' }, 2],
    ['failing (default)', {}, 3],
    ['always', { details: 'always' }, 3],
  ] as const)('details mode %s', (_name, opts, count) => {
    expect(transitions(typoPending, typoFailing, NOW, { ...utc, ...opts })).toHaveLength(count);
  });

  it('"always" prints details under every changed check', () => {
    const lines = transitions(undefined, failingService, NOW, { ...utc, details: 'always' });
    expect(lines).toContain(`${' '.repeat(29)}FailedToUpdateEndpointSlices ×3 (2 m)`);
  });

  it('reports a check that is no longer part of the report', () => {
    const fewer: TraceReport = { ...typoPending, checks: typoPending.checks.filter((c) => c.id !== 'endpoints') };
    expect(transitions(typoPending, fewer, NOW, utc)).toEqual(['12:04:31.200  endpoints  ·   no longer reported']);
  });

  it('starts over when the target changes', () => {
    const other: TraceReport = { ...typoPending, target: { ...typoPending.target, name: 'api' } };
    expect(transitions(typoPending, other, NOW, utc)).toHaveLength(4);
  });

  it.each([
    ['utc', { time: 'utc' }, /^12:04:31\.200 {2}service /],
    ['rfc3339', { time: 'rfc3339' }, /^2026-01-01T12:04:31\.200Z {2}service /],
    ['local (default)', {}, /^\d\d:\d\d:31\.200 {2}service /],
  ] as const)('timestamps: %s', (_name, opts, pattern) => {
    expect(transitions(undefined, typoPending, NOW, opts)[0]).toMatch(pattern);
  });

  it('uses ASCII symbols when asked', () => {
    expect(transitions(undefined, typoFailing, NOW, { ...utc, symbols: 'ascii' })[1]).toBe(
      '12:04:31.200  selector   [!!]  app=paymnets matches no Pods (near miss: app=payments on 2 Pods)',
    );
  });

  it('adds no colour unless asked', () => {
    for (const line of transitions(undefined, failingService, NOW, utc)) expect(line).not.toContain('\u001b');
    expect(transitions(undefined, failingService, NOW, { ...utc, color: true }).join('\n')).toContain('\u001b[31m');
  });
});
