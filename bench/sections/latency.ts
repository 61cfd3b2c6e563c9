/**
 * 2. Latency: a write to the store → the line that shows it, for `kubespy trace service web -o
 * json` and `kubectl get svc web -w -o json`, each following the same Service on its own (the
 * budget), then both at once (for information; see sampleAlone). The write flips the Service between ClusterIP and NodePort: both
 * tools must print it (kubespy's report changes type and address). Measured idle and under 500
 * writes/s of unrelated churn: annotation writes to 500 other Pods of the same namespace, which
 * the Service does not select. Each tool runs under bench/lib/relay.mjs, which stamps its lines
 * as they arrive: this process is busy with the cluster's controllers right after each write and
 * would otherwise stamp lines late, and by how much depends on which tool printed first.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/cluster/store/types.js';
import { createNamespace, createPods, createService, nodesFor, readyPods, sleep, startBenchCluster, waitUntil, type BenchCluster } from '../lib/cluster.js';
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

type Tool = 'kubespy' | 'kubectl';

/** Spawns one tool under the relay and waits until it shows the Service's current type. */
async function startTool(bench: BenchCluster, tool: Tool, type: ServiceType): Promise<Measured> {
  if (tool === 'kubespy') {
    const spy = bench.kubespy(['trace', 'svc', 'web', '-n', NS, '-o', 'json'], { keepLines: 50, relay: true });
    await spy.waitForLine((l) => l.text.includes('"verdict":"ready"') && kubespyShows(type)(l), 20_000, { seen: true });
    return spy;
  }
  const kubectl = bench.kubectl(['get', 'svc', 'web', '-n', NS, '-w', '-o', 'json'], { keepLines: 200, relay: true });
  await kubectl.waitForLine(kubectlShows(type), 20_000, { seen: true });
  return kubectl;
}

/** `samples` writes, each timed until every one of `tools` printed it. */
async function sample(store: Store, tools: Partial<Record<Tool, Measured>>, samples: number, next: () => ServiceType) {
  const result: Record<Tool, number[]> = { kubespy: [], kubectl: [] };
  for (let i = 0; i < samples; i++) {
    const type = next();
    const seen = (Object.entries(tools) as Array<[Tool, Measured]>).map(async ([tool, proc]) => {
      const line = await proc.waitForLine(tool === 'kubespy' ? kubespyShows(type) : kubectlShows(type), LINE_TIMEOUT_MS);
      return [tool, line.at] as const;
    });
    const writtenAt = performance.now();
    setType(store, type);
    for (const [tool, at] of await Promise.all(seen)) result[tool].push(at - writtenAt);
    // Spread the writes over the churn's phase (and let follow-up lines, e.g. endpoints, pass).
    await sleep(60 + Math.random() * 90);
  }
  return result;
}

/**
 * Each tool on its own, in blocks ordered kubespy, kubectl, kubectl, kubespy, … (drift in the
 * machine's load cancels out), each block a new process that gets `warmup` unrecorded writes
 * first: a trace is a long-running process, and kubespy's analysers run in V8's interpreter for
 * their first calls (kubectl is compiled ahead of time), so the steady state is what a user waits
 * on. Many short blocks rather than two long ones: on this VM a write → line time is bimodal
 * (~1.6–1.9 ms, or ~3–4 ms when a process is woken on an idle vCPU), with 33–57 % of a block's
 * samples in the slow mode from block to block whatever the tool, so with two blocks per tool
 * the median fell in either mode by chance (one run: kubectl's two blocks under churn had medians
 * of 2.9 and 1.85 ms). Run side by side, the two watches of the Service are written to in the
 * order the API server registered them, and the tool written to second also waits for the first
 * one's CPU on a 2-core machine: measured with HTTP/2, kubespy 2.4 ms alone and 3.5 ms beside
 * kubectl, kubectl 2.3 ms alone and 2.0 ms beside kubespy (medians, idle). The budget compares
 * each tool alone; a side-by-side row, half the samples each way round, stays for information.
 */
async function sampleAlone(bench: BenchCluster, samples: number, blocksPerTool: number, warmup: number, flip: () => ServiceType, current: () => ServiceType) {
  const result: Record<Tool, number[]> = { kubespy: [], kubectl: [] };
  const order = Array.from({ length: blocksPerTool }, (_, i) => (i % 2 === 0 ? (['kubespy', 'kubectl'] as const) : (['kubectl', 'kubespy'] as const))).flat();
  for (const tool of order) {
    const proc = await startTool(bench, tool, current());
    try {
      await sample(bench.store, { [tool]: proc }, warmup, flip);
      result[tool].push(...(await sample(bench.store, { [tool]: proc }, Math.ceil(samples / blocksPerTool), flip))[tool]);
    } finally {
      await proc.stop();
    }
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

    let current = 'ClusterIP' as ServiceType;
    const flip = (): ServiceType => (current = current === 'ClusterIP' ? 'NodePort' : 'ClusterIP');
    const now = () => current;
    // Alone (the budget): 120 samples per tool and phase in 6 blocks of 20; side by side: 60.
    const samples = scaled(ctx, 120, 10);
    const blocksPerTool = scaled(ctx, 6, 2);
    const sideBySideSamples = scaled(ctx, 60, 10);
    const warmup = scaled(ctx, 20, 5);

    // Lines are stamped in a relay process: this one runs the cluster and its controllers.
    const idle = await sampleAlone(bench, samples, blocksPerTool, warmup, flip, now);
    // Side by side, half the samples with each tool's watch registered first (started first).
    const sideBySide = async () => {
      const result: Record<Tool, number[]> = { kubespy: [], kubectl: [] };
      for (const order of [['kubespy', 'kubectl'], ['kubectl', 'kubespy']] as const) {
        const first = await startTool(bench, order[0], current);
        const second = await startTool(bench, order[1], current);
        try {
          await sample(bench.store, { [order[0]]: first, [order[1]]: second }, warmup, flip);
          const got = await sample(bench.store, { [order[0]]: first, [order[1]]: second }, Math.ceil(sideBySideSamples / 2), flip);
          for (const tool of order) result[tool].push(...got[tool]);
        } finally {
          await Promise.all([first.stop(), second.stop()]);
        }
      }
      return result;
    };
    const idleTogether = await sideBySide();
    const churn = startChurn(bench.store, { namespace: NS, names: others }, CHURN_RATE);
    let churnStats;
    let busy;
    let busyTogether;
    try {
      await sleep(1000);
      busy = await sampleAlone(bench, samples, blocksPerTool, warmup, flip, now);
      busyTogether = await sideBySide();
    } finally {
      churnStats = churn.stop();
    }
    if (current === 'NodePort') setType(bench.store, flip());

    const rows = [];
    for (const [phase, data, together] of [['idle', idle, idleTogether], [`${CHURN_RATE} writes/s`, busy, busyTogether]] as const) {
      const s = summarize(data.kubespy);
      const k = summarize(data.kubectl);
      const underChurn = phase !== 'idle';
      rows.push(
        {
          section: '2 latency',
          metric: `write → line, p50 (${phase}), each tool alone`,
          unit: 'ms',
          kubespy: s,
          kubectl: k,
          ...(underChurn ? { budget: { text: 'p50 ≤ kubectl', met: s.median <= k.median } } : {}),
        },
        {
          section: '2 latency',
          // Nearest rank: up to 100 samples, the 99th percentile is the slowest one.
          metric: `write → line, p99 (${phase}), each tool alone, ${Math.ceil(0.99 * s.n) >= s.n ? 'the slowest' : 'p99'} of ${s.n}`,
          unit: 'ms',
          kubespy: { ...s, median: s.p99 },
          kubectl: { ...k, median: k.p99 },
          ...(underChurn ? { budget: { text: 'p99 ≤ 50 ms', met: s.p99 <= 50 } } : {}),
        },
        {
          section: '2 latency',
          metric: `write → line, p50 (${phase}), side by side`,
          unit: 'ms',
          kubespy: summarize(together.kubespy),
          kubectl: summarize(together.kubectl),
          note: 'both running; half the samples each way round',
        },
      );
    }
    ctx.log(`latency: churn achieved ${churnStats.rate.toFixed(0)} writes/s`);
    return { rows, raw: { samples, blocksPerTool, sideBySideSamples, warmup, churn: churnStats, idle, busy, idleTogether, busyTogether } };
  } finally {
    await bench.close();
  }
}
