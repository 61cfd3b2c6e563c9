import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { jsonLine } from '../render/json.js';
import { NOW, failingService, readyService } from '../render/fixtures/reports.js';
import type { TraceReport } from '../trace/types.js';
import type { CliIO } from './io.js';
import { createReportSink } from './report-sink.js';

function capture(): { io: CliIO; out: () => string[]; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIO = { stdout, stderr, env: { NO_COLOR: '1' }, clock: new ManualClock(), signal: new AbortController().signal };
  return { io, out: () => out.split('\n').filter((line) => line !== ''), err: () => err };
}

const LIVE = { state: 'live' as const };

/** The report with every "ready for N s" detail and the summary's age advanced by `seconds`. */
function aged(report: TraceReport, seconds: number): TraceReport {
  return {
    ...report,
    summary: report.summary.replace('14.2 s', `${14.2 + seconds} s`),
    checks: report.checks.map((c) => ({ ...c, details: c.details.map((d) => d.replace(/ready for \d+ s/, `ready for ${3 + seconds} s`)) })),
  };
}

describe('createReportSink json', () => {
  it('prints one contract line per change, the line jsonLine prints', async () => {
    const { io, out } = capture();
    const sink = createReportSink('json', io);
    sink.show(readyService, NOW, LIVE);
    sink.show(failingService, NOW + 1000, LIVE);
    sink.show(readyService, NOW + 2000, LIVE);
    sink.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(out()).toEqual([jsonLine(readyService, NOW), jsonLine(failingService, NOW + 1000), jsonLine(readyService, NOW + 2000)]);
  });

  it('prints nothing when only elapsed times or fields outside the contract changed', async () => {
    const { io, out } = capture();
    const sink = createReportSink('json', io);
    sink.show(readyService, NOW, LIVE);
    sink.show(aged(readyService, 5), NOW + 5000, LIVE);
    sink.show({ ...readyService, debug: true } as unknown as TraceReport, NOW + 6000, LIVE);
    // A change beside the ages is printed, with the ages it has now.
    const scaled = { ...aged(readyService, 7), checks: aged(readyService, 7).checks.map((c) => (c.id === 'pods' ? { ...c, message: '2 of 3 ready' } : c)) };
    sink.show(scaled, NOW + 7000, LIVE);
    await new Promise((resolve) => setImmediate(resolve));
    expect(out()).toEqual([jsonLine(readyService, NOW), jsonLine(scaled, NOW + 7000)]);
  });

  it('keeps stdout pure NDJSON: narration goes to stderr', async () => {
    const { io, out, err } = capture();
    const sink = createReportSink('json', io);
    sink.note('scaling to 0', NOW);
    sink.show(readyService, NOW, LIVE);
    await new Promise((resolve) => setImmediate(resolve));
    expect(out()).toEqual([jsonLine(readyService, NOW)]);
    expect(err()).toBe('# scaling to 0\n');
  });
});
