import { describe, expect, it } from 'vitest';
import { renderFrame, type FrameOptions } from './tty.js';
import { shouldUseColor } from './style.js';
import { stringWidth, stripAnsi } from './width.js';
import { NOW, failingService, readyService, rollout } from './fixtures/reports.js';
import type { TraceReport } from '../trace/types.js';

const base: FrameOptions = { now: NOW, width: 100, color: false, utc: true, header: { state: 'live' } };

/** Rendered output normalised for comparison (design.md §7.9): ANSI stripped. */
function frame(report: TraceReport, opts: Partial<FrameOptions> = {}): string {
  return stripAnsi(renderFrame(report, { ...base, ...opts }));
}

describe('renderFrame', () => {
  it('draws a ready Service like the design sketch', () => {
    expect(frame(readyService)).toBe(
      [
        'kubespy trace service default/web                                                    live · 12:04:31',
        'Service default/web · LoadBalancer · READY (14.2 s after it was created)',
        '',
        ' ✅ service        exists, type LoadBalancer, created 14 s ago',
        ' ✅ selector       app=web,tier=front → 3 Pods, all of ReplicaSet web-7d9c6f5b8 (Deployment web)',
        ' ✅ pods           3 of 3 ready',
        '                     web-7d9c6f5b8-2xkqp  10.244.1.7  node-1  ready for 3 s',
        '                     web-7d9c6f5b8-8mf4d  10.244.2.4  node-2  ready for 3 s',
        '                     web-7d9c6f5b8-tq9zr  10.244.3.9  node-3  ready for 2 s',
        ' ✅ endpoints      3 ready, 0 not ready, 0 terminating (EndpointSlice web-x2k9p)',
        ' ✅ ports          http 80/TCP → container port "http" = 80 on 3 of 3 Pods',
        ' ✅ address        cluster IP 10.96.12.4 · node port 31380 · load balancer 203.0.113.10',
        ' ✅ dns            web.default.svc.cluster.local → 10.96.12.4 · CoreDNS 2 of 2 ready',
        ' ✅ proxy          kube-proxy ready on the 3 nodes that host endpoints',
        ' ·  networkpolicy  no policy selects these Pods',
        ' ·  events         no warnings',
      ].join('\n'),
    );
  });

  it('draws a failing Service with ASCII symbols while reconnecting, cut to 72 columns', () => {
    expect(frame(failingService, { width: 72, symbols: 'ascii', header: { state: 'reconnecting', since: NOW - 12_000 } })).toBe(
      [
        'kubespy trace service billing/payments  reconnecting for 12 s - 12:04:31',
        'Service billing/payments · ClusterIP · FAILING',
        '',
        ' [ok] service    exists, type ClusterIP',
        ' [!!] selector   app=paymnets matches no Pods in namespace billing',
        '                   near miss: 2 Pods of Deployment payments have app=...',
        ' [..] pods       none selected',
        ' [!!] endpoints  EndpointSlice has no endpoints: nothing will receive...',
        ' [??] events     1 warning',
        '                   FailedToUpdateEndpointSlices ×3 (2 m)',
      ].join('\n'),
    );
  });

  it('cuts details first when the screen is short, most severe checks keeping theirs', () => {
    expect(frame(rollout, { width: 80, height: 12, header: { state: 'replay' } })).toBe(
      [
        'kubespy trace deployment shop/cart                             replay · 12:04:31',
        'Deployment shop/cart · revision 4 · FAILING',
        '',
        ' ✅ workload     observed generation 7 of 7',
        ' ❌ rollout      ProgressDeadlineExceeded after 600 s',
        '                   ReplicaSet cart-5f7b9 has timed out progressing',
        ' ·  replicasets  new cart-5f7b9 1/3, old cart-6c8d2 3/3',
        ' ❌ pods         1 Pod cannot pull its image',
        '                   cart-5f7b9-abcde  ImagePullBackOff  registry.example/cart:v5…',
        '                   … 2 more',
        ' ✅ available    3 of 3 available (old revision)',
        ' ⚠️ events       2 warnings',
      ].join('\n'),
    );
  });

  it.each([
    ['room for every check, no details', 9, 9, 6, 0],
    ['blank line dropped first', 8, 8, 6, 0],
    ['fewer rows than checks: the failing ones stay', 6, 6, 3, 1],
    ['title and summary only', 2, 2, 0, 0],
  ])('height %s', (_name, height, lines, checks, moreChecks) => {
    const out = frame(rollout, { width: 80, height });
    const rows = out.split('\n');
    expect(rows).toHaveLength(lines);
    expect(rows[0]).toContain('kubespy trace deployment shop/cart');
    expect(rows[1]).toContain('FAILING');
    expect(rows.filter((l) => /^ (✅|❌|⚠️|· )/.test(l))).toHaveLength(checks);
    expect(rows.filter((l) => /… \d+ more checks$/.test(l))).toHaveLength(moreChecks);
    if (checks === 3) expect(rows.slice(2, 5).map((l) => l.trim().split(/\s+/)[1])).toEqual(['rollout', 'pods', 'events']);
  });

  it.each([20, 33, 40, 57, 64, 81])('no line is wider than %i columns, emoji included', (width) => {
    for (const report of [readyService, failingService, rollout]) {
      for (const color of [false, true]) {
        const lines = renderFrame(report, { ...base, width, color }).split('\n');
        for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
      }
    }
  });

  it('keeps the verdict visible and drops "kubespy trace" first on a narrow screen', () => {
    const lines = frame(readyService, { width: 40 }).split('\n');
    expect(lines[0]).toBe('service default/web      live · 12:04:31');
    expect(lines[1]).toBe('Service default/web · LoadBalance… READY');
  });

  it('cuts a line ending in an emoji-wide character without splitting it', () => {
    const report: TraceReport = {
      ...failingService,
      checks: [{ id: 'events', status: 'warn', message: 'Warning ⚠️⚠️⚠️⚠️', details: [] }],
    };
    // " ⚠️ events  Warning ⚠️⚠️…": 1+2+1+6+2+8 = 20 columns, then two emoji (4) and the ellipsis.
    expect(frame(report, { width: 25 }).split('\n')[3]).toBe(' ⚠️ events  Warning ⚠️⚠️…');
    expect(frame(report, { width: 24 }).split('\n')[3]).toBe(' ⚠️ events  Warning ⚠️…');
  });

  it('appends the verdict when the summary does not name it', () => {
    const report: TraceReport = { ...readyService, verdict: 'degraded', summary: 'Service default/web · LoadBalancer' };
    expect(frame(report).split('\n')[1]).toBe('Service default/web · LoadBalancer · DEGRADED');
  });

  it('shows a cluster-scoped target without a namespace', () => {
    const report: TraceReport = { ...readyService, target: { kind: 'Node', namespace: '', name: 'node-1' } };
    expect(frame(report).split('\n')[0]).toMatch(/^kubespy trace node node-1 +live · 12:04:31$/);
  });

  it('neutralises control characters from cluster text', () => {
    const report: TraceReport = {
      ...failingService,
      checks: [{ id: 'events', status: 'warn', message: 'pull failed\n\u001b[2Jboom', details: ['a\tb'] }],
    };
    const out = renderFrame(report, base);
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')).toHaveLength(5);
  });

  it('colours the verdict and symbols only when asked, and not under NO_COLOR', () => {
    const coloured = renderFrame(failingService, { ...base, color: true });
    expect(coloured).toContain('\u001b[31m'); // red: failing verdict and ❌
    expect(coloured).toContain('\u001b[1m\u001b[31mFAILING');
    const color = shouldUseColor({ env: { NO_COLOR: '1' }, isTTY: true });
    expect(renderFrame(failingService, { ...base, color })).not.toContain('\u001b');
    expect(stripAnsi(coloured)).toBe(renderFrame(failingService, base));
  });
});
