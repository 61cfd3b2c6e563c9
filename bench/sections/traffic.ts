/**
 * 3. Traffic: bytes the API server sends to each client while `kubespy trace service three`
 * follows a Service that selects 3 Pods, in a namespace where 5,000 other Pods are being updated,
 * against a namespace-wide Pod watch — `kubectl get pods -w -n NS -o json` (full objects, what a
 * tool that watches every Pod and filters locally reads) and, for reference, plain
 * `kubectl get pods -w -n NS` (Table rows). Bytes are counted on the wire by a proxy per client,
 * from process start to the end of the churn.
 */
import { createNamespace, createPods, createService, nodesFor, readyPods, sleep, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { startChurn } from '../lib/churn.js';
import { startCountingProxy } from '../lib/proxy.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'traffic';
const CHURN_RATE = 500;

export async function runTraffic(ctx: BenchContext): Promise<SectionResult> {
  const others = scaled(ctx, 5000, 100);
  const bench = await startBenchCluster({ speed: 50, nodes: nodesFor(others + 3) });
  const proxies = await Promise.all([0, 1, 2].map(() => startCountingProxy(bench.cluster.port)));
  const [spyProxy, jsonProxy, tableProxy] = proxies as [typeof proxies[0], typeof proxies[0], typeof proxies[0]];
  try {
    createNamespace(bench.store, NS);
    createPods(bench.store, NS, 'three', 3, () => ({ app: 'three' }), 3);
    createService(bench.store, NS, 'three', { app: 'three' });
    const names = createPods(bench.store, NS, 'other', others, () => ({ app: 'other' }), nodesFor(others + 3));
    await waitUntil(`${others + 3} ready Pods`, () => readyPods(bench.store, NS) === others + 3, 180_000, 500);
    ctx.log(`traffic: ${others + 3} Pods ready`);

    const spy = bench.kubespy(['trace', 'svc', 'three', '-n', NS, '-o', 'json'], { kubeconfig: bench.kubeconfigVia(spyProxy.url, 'spy'), keepLines: 20 });
    const json = bench.kubectl(['get', 'pods', '-w', '-n', NS, '-o', 'json'], { kubeconfig: bench.kubeconfigVia(jsonProxy.url, 'json'), keepLines: 5 });
    const table = bench.kubectl(['get', 'pods', '-w', '-n', NS], { kubeconfig: bench.kubeconfigVia(tableProxy.url, 'table'), keepLines: 5 });
    try {
      await spy.waitForLine((l) => l.text.includes('"verdict":"ready"'), 30_000, { seen: true });
      await waitUntil('kubectl to print every Pod', () => json.lineCount > 10 * others && table.lineCount > others, 60_000, 200);
      await sleep(1000);
      const before = proxies.map((p) => p.fromServer);
      const seconds = scaled(ctx, 20, 4);
      const churn = startChurn(bench.store, { namespace: NS, names }, CHURN_RATE);
      await sleep(seconds * 1000);
      const churnStats = churn.stop();
      await sleep(1500);
      const total = proxies.map((p) => p.fromServer);
      const during = total.map((t, i) => t - (before[i] ?? 0));
      const [spyTotal, jsonTotal, tableTotal] = total as [number, number, number];
      const [spyDuring, jsonDuring, tableDuring] = during as [number, number, number];
      ctx.log(`traffic: churn ${churnStats.writes} writes at ${churnStats.rate.toFixed(0)}/s; bytes kubespy ${spyTotal}, kubectl -o json ${jsonTotal}, kubectl table ${tableTotal}`);
      return {
        rows: [
          {
            section: '3 traffic',
            metric: `bytes from the API server, start → end (${others.toLocaleString('en-US')} Pods churning) vs get pods -w -o json`,
            unit: 'B',
            kubespy: summarize([spyTotal]),
            kubectl: summarize([jsonTotal]),
            budget: { text: '≤ 2% of the namespace watch', met: spyTotal <= 0.02 * jsonTotal },
          },
          { section: '3 traffic', metric: `same, during ${seconds} s of churn only`, unit: 'B', kubespy: summarize([spyDuring]), kubectl: summarize([jsonDuring]) },
          { section: '3 traffic', metric: 'start → end vs `kubectl get pods -w` (Table rows)', unit: 'B', kubespy: summarize([spyTotal]), kubectl: summarize([tableTotal]) },
        ],
        raw: { pods: others, churn: churnStats, bytes: { kubespy: { total: spyTotal, churn: spyDuring }, kubectlJson: { total: jsonTotal, churn: jsonDuring }, kubectlTable: { total: tableTotal, churn: tableDuring } } },
      };
    } finally {
      await Promise.all([spy.stop(), json.stop(), table.stop()]);
    }
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    await bench.close();
  }
}
