/**
 * 1. Start-up: process start → the first complete frame of `kubespy trace service web -o plain`
 * with the Service present and ready (its "verdict READY" line), against process start → the
 * first row of `kubectl get svc web`. kubectl keeps a discovery cache in --cache-dir; on a user's
 * machine it is warm, so the budget compares with a warm cache (filled by one unmeasured run), and
 * a fresh cache per run is shown beside it. kubespy keeps no cache: it resolves `svc` without
 * discovery and starts its watches at once. The kubeconfig is YAML, as users' are; a row with the
 * same kubeconfig as JSON shows what loading the YAML parser costs (src/kube/config.ts skips it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { load as parse } from 'js-yaml';
import { KUBESPY, createNamespace, createPods, createService, readyPods, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { spawnMeasured } from '../lib/proc.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'startup';
const ONE_GET = fileURLToPath(new URL('../lib/one-get.mjs', import.meta.url));
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

    const jsonKubeconfig = path.join(bench.dir, 'kubeconfig.json');
    writeFileSync(jsonKubeconfig, JSON.stringify(parse(readFileSync(bench.kubeconfig, 'utf8'))), { mode: 0o600 });

    const runs = scaled(ctx, 9, 3);
    const times = { kubespy: [] as number[], kubespyFirstLine: [] as number[], kubespyJson: [] as number[], help: [] as number[], warm: [] as number[], cold: [] as number[], node: [] as number[], oneGet: [] as number[] };
    for (let i = 0; i < runs; i++) {
      for (const kubeconfig of [bench.kubeconfig, jsonKubeconfig]) {
        const spy = bench.kubespy(['trace', 'service', 'web', '-n', NS, '-o', 'plain'], { kubeconfig });
        const frame = await spy.waitForLine((l) => /verdict\s+READY/.test(l.text), TIMEOUT_MS);
        if (kubeconfig === jsonKubeconfig) times.kubespyJson.push(frame.at - spy.startedAt);
        else {
          times.kubespy.push(frame.at - spy.startedAt);
          times.kubespyFirstLine.push((spy.lines[0]?.at ?? frame.at) - spy.startedAt);
        }
        await spy.stop();
      }

      for (const [cache, into] of [[warmCache, times.warm], [undefined, times.cold]] as const) {
        const kubectl = bench.kubectl(['get', 'svc', 'web', '-n', NS], cache ? { cacheDir: cache } : {});
        const row = await kubectl.waitForLine((l) => /^web\s/.test(l.text), TIMEOUT_MS);
        into.push(row.at - kubectl.startedAt);
        await kubectl.stop();
      }

      // The floor for a Node.js tool: Node, node:https, one TLS connection, one GET.
      const oneGet = spawnMeasured('one-get', process.execPath, [ONE_GET, jsonKubeconfig, NS, 'web']);
      const found = await oneGet.waitForLine((l) => /^web found/.test(l.text), TIMEOUT_MS);
      times.oneGet.push(found.at - oneGet.startedAt);
      await oneGet.stop();

      const node = spawnMeasured('node', process.execPath, ['-e', '0']);
      await node.exited;
      times.node.push(performance.now() - node.startedAt);
      // No cluster involved: Node's start, the entry chunk and commander.
      const help = spawnMeasured('kubespy', process.execPath, [KUBESPY, 'trace', '--help']);
      await help.exited;
      times.help.push(performance.now() - help.startedAt);
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
        { section: '1 start-up', metric: 'same, kubeconfig in JSON (no YAML parser), warm kubectl', unit: 'ms', kubespy: summarize(times.kubespyJson), kubectl: warm },
        { section: '1 start-up', metric: 'kubespy first line (any verdict) · `node -e 0`', unit: 'ms', kubespy: summarize(times.kubespyFirstLine), kubectl: summarize(times.node), note: 'kubectl column: node -e 0' },
        {
          section: '1 start-up',
          metric: 'floor for a Node tool: one GET in plain node:https (bench/lib/one-get.mjs)',
          unit: 'ms',
          kubespy: summarize(times.oneGet),
          kubectl: warm,
          note: 'kubespy column: one-get.mjs',
        },
        { section: '1 start-up', metric: '`kubespy trace --help` to exit · `node -e 0`', unit: 'ms', kubespy: summarize(times.help), kubectl: summarize(times.node), note: 'kubectl column: node -e 0' },
      ],
      raw: { runs, ...times },
    };
  } finally {
    await bench.close();
  }
}
