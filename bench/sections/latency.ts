/**
 * 2. Latency: a write to the store → the line that shows it, for `kubespy trace service web -o
 * json` and `kubectl get svc web -w -o json` side by side (both follow the same Service, so each
 * write is one sample for each). The write flips the Service between ClusterIP and NodePort: both
 * tools must print it (kubespy's report changes type and address). Measured idle and under 500
 * writes/s of unrelated churn: annotation writes to 500 other Pods of the same namespace, which
 * the Service does not select. Each tool runs under bench/lib/relay.mjs, which stamps its lines
 * as they arrive: this process is busy with the cluster's controllers right after each write and
 * would otherwise stamp lines late, and by how much depends on which tool printed first.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/cluster/store/types.js';
import { createNamespace, createPods, createService, nodesFor, readyPods, sleep, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { startChurn } from '../lib/churn.js';
import type { Line, Measured } from '../lib/proc.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const NS = 'latency';
const CHURN_PODS = 500;
const CHURN_RATE = 500;
const LINE_TIMEOUT_MS = 5000;

type ServiceType = 'ClusterIP' | 'NodePort';

function kubespyShows(type: ServiceType) {
  return (line: Line) => {
    try {
      const report = JSON.parse(line.text) as { summary?: string };
      return report.summary?.includes(`· ${type} ·`) === true;
    } catch {
      return false;
    }
  };
}

/** kubectl -o json pretty-prints; spec.type is the only "type" at this depth. */
function kubectlShows(type: ServiceType) {
  return (line: Line) => line.text === `        "type": "${type}"`;
}

function setType(store: Store, type: ServiceType): void {
  store.mutate('services', NS, 'web', (svc) => {
    const spec = svc.spec as { type?: string; ports?: Array<Record<string, unknown>> };
    spec.type = type;
    // Back to ClusterIP the node ports go, as `kubectl patch` users must do too.
    if (type === 'ClusterIP') for (const port of spec.ports ?? []) delete port.nodePort;
    return svc;
  });
}

async function sample(store: Store, spy: Measured, kubectl: Measured, samples: number, next: () => ServiceType) {
  const result = { kubespy: [] as number[], kubectl: [] as number[] };
  for (let i = 0; i < samples; i++) {
    const type = next();
    const seenBySpy = spy.waitForLine(kubespyShows(type), LINE_TIMEOUT_MS);
    const seenByKubectl = kubectl.waitForLine(kubectlShows(type), LINE_TIMEOUT_MS);
    const writtenAt = performance.now();
    setType(store, type);
    const [a, b] = await Promise.all([seenBySpy, seenByKubectl]);
    result.kubespy.push(a.at - writtenAt);
    result.kubectl.push(b.at - writtenAt);
    // Spread the writes over the churn's phase (and let follow-up lines, e.g. endpoints, pass).
    await sleep(60 + Math.random() * 90);
  }
  return result;
}

export async function runLatency(ctx: BenchContext): Promise<SectionResult> {
  const bench = await startBenchCluster({ speed: 50, nodes: nodesFor(CHURN_PODS) });
  try {
    createNamespace(bench.store, NS);
    createPods(bench.store, NS, 'web', 3, () => ({ app: 'web' }), 3);
    createService(bench.store, NS, 'web', { app: 'web' });
    const others = createPods(bench.store, NS, 'other', CHURN_PODS, () => ({ app: 'other' }), nodesFor(CHURN_PODS));
    await waitUntil('all Pods ready', () => readyPods(bench.store, NS) === 3 + CHURN_PODS, 60_000, 250);

    // Lines stamped in a relay process: this one runs the cluster and its controllers.
    const spy = bench.kubespy(['trace', 'svc', 'web', '-n', NS, '-o', 'json'], { keepLines: 50, relay: true });
    const kubectl = bench.kubectl(['get', 'svc', 'web', '-n', NS, '-w', '-o', 'json'], { keepLines: 200, relay: true });
    try {
      await Promise.all([
        spy.waitForLine((l) => l.text.includes('"verdict":"ready"'), 20_000, { seen: true }),
        kubectl.waitForLine(kubectlShows('ClusterIP'), 20_000, { seen: true }),
      ]);
      let current = 'ClusterIP' as ServiceType;
      const flip = (): ServiceType => (current = current === 'ClusterIP' ? 'NodePort' : 'ClusterIP');
      const samples = scaled(ctx, 60, 10);

      const idle = await sample(bench.store, spy, kubectl, samples, flip);
      const churn = startChurn(bench.store, { namespace: NS, names: others }, CHURN_RATE);
      await sleep(1000);
      const busy = await sample(bench.store, spy, kubectl, samples, flip);
      const churnStats = churn.stop();
      if (current === 'NodePort') setType(bench.store, flip());

      const rows = [];
      for (const [phase, data] of [['idle', idle], [`${CHURN_RATE} writes/s`, busy]] as const) {
        const s = summarize(data.kubespy);
        const k = summarize(data.kubectl);
        const underChurn = phase !== 'idle';
        rows.push(
          {
            section: '2 latency',
            metric: `write → line, p50 (${phase})`,
            unit: 'ms',
            kubespy: s,
            kubectl: k,
            ...(underChurn ? { budget: { text: 'p50 ≤ kubectl', met: s.median <= k.median } } : {}),
          },
          {
            section: '2 latency',
            metric: `write → line, p99 (${phase})`,
            unit: 'ms',
            kubespy: { ...s, median: s.p99 },
            kubectl: { ...k, median: k.p99 },
            ...(underChurn ? { budget: { text: 'p99 ≤ 50 ms', met: s.p99 <= 50 } } : {}),
          },
        );
      }
      ctx.log(`latency: churn achieved ${churnStats.rate.toFixed(0)} writes/s`);
      return { rows, raw: { samples, churn: churnStats, idle, busy } };
    } finally {
      await Promise.all([spy.stop(), kubectl.stop()]);
    }
  } finally {
    await bench.close();
  }
}
