import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import type { TraceReport, Verdict } from '../trace/types.js';
import type { ReportSink } from './report-sink.js';
import { runTrace, type TraceSession } from './run-trace.js';

interface FakeObjects {
  verdict: Verdict;
  synced: boolean;
  reconnecting?: boolean;
}

/** A session whose state the test sets by hand; analyse() turns it into a one-check report. */
function fakeSession() {
  let push: (objects: FakeObjects) => void = () => {};
  let stopped = false;
  const session: TraceSession<FakeObjects> = {
    follow(onUpdate) {
      push = onUpdate;
      return { stop: () => { stopped = true; } };
    },
    analyse: (objects) => ({
      target: { kind: 'Service', namespace: 'default', name: 'web' },
      verdict: objects.verdict,
      summary: `Service default/web · ${objects.verdict.toUpperCase()}`,
      checks: [{ id: 'service', status: 'ok', message: 'exists', details: [] }],
    }),
    reconnecting: (objects) => objects.reconnecting === true,
    synced: (objects) => objects.synced,
  };
  return { session, push: (o: FakeObjects) => push(o), stopped: () => stopped };
}

function recordingSink() {
  const shown: { verdict: Verdict; state: string }[] = [];
  let finished = 0;
  const sink: ReportSink = {
    show: (report: TraceReport, _now, header) => void shown.push({ verdict: report.verdict, state: header.state }),
    note: () => {},
    finish: () => void (finished += 1),
  };
  return { sink, shown, finished: () => finished };
}

describe('runTrace', () => {
  it('shows nothing until the watches are synced, then exits 0 on the --until verdict', async () => {
    const clock = new ManualClock();
    const fake = fakeSession();
    const out = recordingSink();
    const done = runTrace(fake.session, { clock, signal: new AbortController().signal, sink: out.sink, stderr: { write: () => true }, until: 'ready' });
    fake.push({ verdict: 'absent', synced: false });
    expect(out.shown).toEqual([]);
    fake.push({ verdict: 'pending', synced: true });
    fake.push({ verdict: 'ready', synced: true });
    expect(await done).toBe(0);
    expect(out.shown.map((s) => s.verdict)).toEqual(['pending', 'ready']);
    expect(out.finished()).toBe(1);
    expect(fake.stopped()).toBe(true);
  });

  it('exits 1 with a message naming the verdict when --timeout passes first', async () => {
    const clock = new ManualClock();
    const fake = fakeSession();
    const out = recordingSink();
    let stderr = '';
    const done = runTrace(fake.session, {
      clock, signal: new AbortController().signal, sink: out.sink, stderr: { write: (t: string) => (stderr += t) }, until: 'ready', timeoutMs: 30_000,
    });
    fake.push({ verdict: 'failing', synced: true });
    clock.advance(30_000);
    expect(await done).toBe(1);
    expect(stderr).toBe('kubespy: timed out after 30 s waiting for verdict ready; last verdict: failing\n');
  });

  it('exits 0 when interrupted (Ctrl-C)', async () => {
    const clock = new ManualClock();
    const fake = fakeSession();
    const out = recordingSink();
    const abort = new AbortController();
    const done = runTrace(fake.session, { clock, signal: abort.signal, sink: out.sink, stderr: { write: () => true }, until: 'ready' });
    fake.push({ verdict: 'pending', synced: true });
    abort.abort();
    expect(await done).toBe(0);
    expect(out.finished()).toBe(1);
  });

  it('re-analyses on every tick and marks the view while reconnecting', async () => {
    const clock = new ManualClock();
    const fake = fakeSession();
    const out = recordingSink();
    const abort = new AbortController();
    const done = runTrace(fake.session, { clock, signal: abort.signal, sink: out.sink, stderr: { write: () => true }, tickMs: 1000 });
    fake.push({ verdict: 'ready', synced: true, reconnecting: true });
    clock.advance(2000);
    abort.abort();
    await done;
    expect(out.shown).toHaveLength(3);
    expect(out.shown.every((s) => s.state === 'reconnecting')).toBe(true);
  });

  it('ends when the demo scenario settles', async () => {
    const clock = new ManualClock();
    const fake = fakeSession();
    const out = recordingSink();
    let settle: () => void = () => {};
    const endWhen = new Promise<void>((r) => { settle = r; });
    const done = runTrace(fake.session, { clock, signal: new AbortController().signal, sink: out.sink, stderr: { write: () => true }, endWhen });
    fake.push({ verdict: 'ready', synced: true });
    settle();
    expect(await done).toBe(0);
  });
});
