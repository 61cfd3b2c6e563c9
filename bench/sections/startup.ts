/**
 * 1. Start-up: process start → the first complete frame of `kubespy trace service web -o plain`
 * with the Service present and ready (its "verdict READY" line), against process start → the
 * first row of `kubectl get svc web`. kubectl keeps a discovery cache in --cache-dir; on a user's
 * machine it is warm, so the budget compares with a warm cache (filled by one unmeasured run), and
 * a fresh cache per run is shown beside it. kubespy keeps no cache: it resolves `svc` without
 * discovery and starts its watches at once.
 */
import { createNamespace, createPods, createService, readyPods, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { spawnMeasured } from '../lib/proc.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'startup';
const TIMEOUT_MS = 20_000;

export async function runStartup(ctx: BenchContext): Promise<SectionResult> {
  const bench = await startBenchCluster({ speed: 50 });
  try {
    createNamespace(bench.store, NS);
    createPods(bench.store, NS, 'web', 3, () => ({ app: 'web' }), 3);
    createService(bench.store, NS, 'web', { app: 'web' });
    await waitUntil('3 ready Pods', () => readyPods(bench.store, NS) === 3, 30_000);

    const warmCache = bench.freshDir('kubectl-warm');
    const warmup = bench.kubectl(['get', 'svc', 'web', '-n', NS], { cacheDir: warmCache });
    await warmup.exited;

    const runs = scaled(ctx, 9, 3);
    const times = { kubespy: [] as number[], kubespyFirstLine: [] as number[], warm: [] as number[], cold: [] as number[], node: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const spy = bench.kubespy(['trace', 'service', 'web', '-n', NS, '-o', 'plain']);
      const frame = await spy.waitForLine((l) => /verdict\s+READY/.test(l.text), TIMEOUT_MS);
      times.kubespy.push(frame.at - spy.startedAt);
      times.kubespyFirstLine.push((spy.lines[0]?.at ?? frame.at) - spy.startedAt);
      await spy.stop();

      for (const [cache, into] of [[warmCache, times.warm], [undefined, times.cold]] as const) {
        const kubectl = bench.kubectl(['get', 'svc', 'web', '-n', NS], cache ? { cacheDir: cache } : {});
        const row = await kubectl.waitForLine((l) => /^web\s/.test(l.text), TIMEOUT_MS);
        into.push(row.at - kubectl.startedAt);
        await kubectl.stop();
      }

      const node = spawnMeasured('node', process.execPath, ['-e', '0']);
      await node.exited;
      times.node.push(performance.now() - node.startedAt);
    }
    ctx.log(`start-up: kubespy ${times.kubespy.map((t) => t.toFixed(0)).join(' ')} ms; kubectl warm ${times.warm.map((t) => t.toFixed(0)).join(' ')} ms`);

    const kubespy = summarize(times.kubespy);
    const warm = summarize(times.warm);
    return {
      rows: [
        {
          section: '1 start-up',
          metric: 'spawn → ready frame vs first row (warm kubectl cache)',
          unit: 'ms',
          kubespy,
          kubectl: warm,
          budget: { text: '≤ 1.5× kubectl', met: kubespy.median <= 1.5 * warm.median },
        },
        { section: '1 start-up', metric: 'same, kubectl with a fresh --cache-dir', unit: 'ms', kubespy, kubectl: summarize(times.cold) },
        { section: '1 start-up', metric: 'kubespy first line (any verdict) · `node -e 0`', unit: 'ms', kubespy: summarize(times.kubespyFirstLine), kubectl: summarize(times.node), note: 'kubectl column: node -e 0' },
      ],
      raw: { runs, ...times },
    };
  } finally {
    await bench.close();
  }
}
