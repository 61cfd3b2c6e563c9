/**
 * 5. Embedded cluster capacity: 10,000 Pods held, 50 watchers (label-selected Pod watches, one
 * shard of the Pods each, as 50 kubelets watch their own Pods) in a separate process, and
 * annotation writes at 1,000/s for a while, then as fast as the store takes them. A rate counts as
 * sustained when every write reached its watcher and no watch was dropped.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNamespace, createPods, nodesFor, readyPods, sleep, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { startChurn, touchPod } from '../lib/churn.js';
import { spawnMeasured, type Measured } from '../lib/proc.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'capacity';
const WATCHERS = 50;
const STEADY_RATE = 1000;
// Offered a little above the budget: the churn timer writes what is due at each 10 ms tick, so it
// achieves slightly less than it is asked for, and the budget is on what was achieved.
const OFFERED_RATE = 1050;

interface WatcherTotals {
  events: number;
  open: number;
  errors: number;
  lagP50: number | null;
  lagP99: number | null;
  lagMax: number | null;
}

function latest(watchers: Measured): WatcherTotals {
  const line = watchers.lines.at(-1)?.text;
  return line ? (JSON.parse(line) as WatcherTotals) : { events: 0, open: 0, errors: 0, lagP50: null, lagP99: null, lagMax: null };
}

export async function runCapacity(ctx: BenchContext): Promise<SectionResult> {
  const pods = scaled(ctx, 10_000, 500);
  const bench = await startBenchCluster({ speed: 50, nodes: nodesFor(pods) });
  try {
    createNamespace(bench.store, NS);
    const created = performance.now();
    const names = createPods(bench.store, NS, 'cap', pods, (i) => ({ app: 'cap', shard: String(i % WATCHERS) }), nodesFor(pods));
    await waitUntil(`${pods} ready Pods`, () => readyPods(bench.store, NS) === pods, 300_000, 1000);
    const populateSeconds = (performance.now() - created) / 1000;
    const objects = Number(bench.store.list('pods').items.length) + bench.store.list('events').items.length;
    ctx.log(`capacity: ${pods} Pods ready in ${populateSeconds.toFixed(0)} s (rv ${bench.store.currentResourceVersion()})`);
    await sleep(2000);

    const caFile = path.join(bench.dir, 'ca.pem');
    writeFileSync(caFile, bench.cluster.caCertPem ?? '');
    const script = new URL('../watchers.ts', import.meta.url).pathname;
    const watchers = spawnMeasured('watchers', process.execPath, ['--import', 'tsx', script, bench.cluster.url, bench.cluster.token, caFile, NS, String(WATCHERS), bench.store.currentResourceVersion()], { keepLines: 5 });
    try {
      await waitUntil(`${WATCHERS} open watches`, () => latest(watchers).open === WATCHERS, 30_000);
      const target = { namespace: NS, names };

      // Steady phase: at least 1,000 writes/s.
      const steadySeconds = scaled(ctx, 10, 3);
      const churn = startChurn(bench.store, target, OFFERED_RATE);
      await sleep(steadySeconds * 1000);
      const steady = churn.stop();
      await waitUntil('every write delivered', () => latest(watchers).events >= steady.writes, 20_000).catch(() => {});
      await sleep(600);
      const afterSteady = latest(watchers);
      ctx.log(`capacity: steady ${steady.rate.toFixed(0)} writes/s, delivered ${afterSteady.events}/${steady.writes}, lag p99 ${afterSteady.lagP99} ms`);

      // Flat out: writes in batches, yielding so the server can flush the watches.
      watchers.child.kill('SIGUSR2');
      const burstSeconds = scaled(ctx, 5, 2);
      const started = performance.now();
      let writes = 0;
      while (performance.now() - started < burstSeconds * 1000) {
        for (let i = 0; i < 100; i++) touchPod(bench.store, target, steady.writes + writes + i, writes + i);
        writes += 100;
        await new Promise((resolve) => setImmediate(resolve));
      }
      const burstRate = writes / ((performance.now() - started) / 1000);
      const expected = steady.writes + writes;
      await waitUntil('every write delivered', () => latest(watchers).events >= expected, 30_000).catch(() => {});
      await sleep(600);
      const afterBurst = latest(watchers);
      ctx.log(`capacity: flat out ${burstRate.toFixed(0)} writes/s, delivered ${afterBurst.events}/${expected}, lag p99 ${afterBurst.lagP99} ms`);

      const sustained = steady.rate >= STEADY_RATE && afterSteady.events >= steady.writes && afterSteady.open === WATCHERS;
      return {
        rows: [
          { section: '5 capacity', metric: `objects held (${pods.toLocaleString('en-US')} Pods + Events + system)`, unit: '', value: summarize([objects]) },
          {
            section: '5 capacity',
            metric: `writes/s with ${WATCHERS} watchers, all delivered (offered ${OFFERED_RATE.toLocaleString('en-US')}/s)`,
            unit: 'w/s',
            value: summarize([steady.rate]),
            budget: { text: `≥ ${STEADY_RATE} w/s, ${pods.toLocaleString('en-US')} Pods, ${WATCHERS} watchers`, met: sustained && pods >= 10_000 },
          },
          { section: '5 capacity', metric: 'delivery lag p99 at that rate', unit: 'ms', value: summarize([afterSteady.lagP99 ?? Number.NaN]) },
          { section: '5 capacity', metric: `writes/s flat out (${afterBurst.events - afterSteady.events}/${writes} delivered, lag p99 ${afterBurst.lagP99 ?? '–'} ms)`, unit: 'w/s', value: summarize([burstRate]) },
        ],
        raw: { pods, watchers: WATCHERS, objects, populateSeconds, steady, afterSteady, burst: { writes, rate: burstRate, seconds: burstSeconds }, afterBurst },
      };
    } finally {
      await watchers.stop();
    }
  } finally {
    await bench.close();
  }
}
