/**
 * 6. Replay throughput: events per second `kubespy trace … --replay FILE --speed 0` pushes through
 * a trace. The recording is made in the same run, by `--record` on a live trace of a Service over
 * 200 Pods while they churn; the replay's time runs from process start to exit (start-up included).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNamespace, createPods, createService, kubespyTraceHelp, readyPods, sleep, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { startChurn } from '../lib/churn.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'replay';

function hasReplay(): boolean {
  return kubespyTraceHelp().includes('--replay');
}

export async function runReplay(ctx: BenchContext): Promise<SectionResult> {
  if (!hasReplay()) {
    return { rows: [{ section: '6 replay', metric: 'events/s with --replay --speed 0', unit: '', note: 'not measurable yet: no --replay' }], raw: { available: false } };
  }
  const pods = scaled(ctx, 200, 20);
  const bench = await startBenchCluster({ speed: 50 });
  try {
    createNamespace(bench.store, NS);
    const names = createPods(bench.store, NS, 'web', pods, () => ({ app: 'web' }), 3);
    createService(bench.store, NS, 'web', { app: 'web' });
    await waitUntil(`${pods} ready Pods`, () => readyPods(bench.store, NS) === pods, 60_000, 250);

    const recording = path.join(bench.dir, 'trace.ndjson');
    const recorder = bench.kubespy(['trace', 'svc', 'web', '-n', NS, '-o', 'json', '--record', recording], { keepLines: 5 });
    await recorder.waitForLine((l) => l.text.includes('"verdict":"ready"'), 30_000, { seen: true });
    const churn = startChurn(bench.store, { namespace: NS, names }, 500);
    await sleep(scaled(ctx, 10, 3) * 1000);
    churn.stop();
    await sleep(500);
    await recorder.stop();
    const events = readFileSync(recording, 'utf8').split('\n').filter((line) => line.trim()).length;

    const rates: number[] = [];
    for (let run = 0; run < scaled(ctx, 3, 1); run++) {
      const replay = bench.kubespy(['trace', 'svc', 'web', '-n', NS, '-o', 'json', '--replay', recording, '--speed', '0'], { keepLines: 5 });
      const code = await replay.exited;
      if (code !== 0) throw new Error(`replay exited ${code}: ${replay.stderr.slice(-300)}`);
      rates.push(events / ((performance.now() - replay.startedAt) / 1000));
    }
    ctx.log(`replay: ${events} recorded lines, ${rates.map((r) => r.toFixed(0)).join(' ')} lines/s`);
    return {
      rows: [{ section: '6 replay', metric: `recorded lines/s, --replay --speed 0 (${events.toLocaleString('en-US')} lines, start-up included)`, unit: '/s', value: summarize(rates) }],
      raw: { available: true, pods, events, rates },
    };
  } finally {
    await bench.close();
  }
}
