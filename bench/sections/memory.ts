/**
 * 4. Memory: peak RSS while tracing a Deployment of 1,000 replicas through a rollout, against
 * `kubectl get pods -w -l app=big` on the same Pods; then RSS over an hour's worth of churn on
 * those Pods, compressed: annotation writes offered at 1,000/s for a minute (an hour of 1,000 Pods
 * each changing every 40 s is 90,000 writes; the row says how many hours the cluster managed).
 * kubespy traces the Deployment when `trace deployment` exists, else
 * the Service selecting the same Pods (the row says which).
 */
import { service } from '../../src/cluster/scenarios/manifests.js';
import { createNamespace, kubespyTraceHelp, nodesFor, sleep, startBenchCluster, waitUntil } from '../lib/cluster.js';
import { startChurn } from '../lib/churn.js';
import { sampleMemory } from '../lib/proc.js';
import { scaled, type BenchContext, type SectionResult } from '../lib/report.js';
import { createBigDeployment, startRollout, waitForRollout } from '../lib/rollout.js';
import { startRoundRobinScheduler } from '../lib/scheduler.js';
import { percentile, summarize } from '../lib/stats.js';

const NS = 'memory';
const MB = 1024 * 1024;
/** RSS may settle this much higher over the churn and still count as flat (heap growth to a plateau). */
const FLAT_TOLERANCE = 0.1;
const CHURN_RATE = 1000;
/** "An hour of churn": each traced Pod changes every 40 s (probes, restarts, controllers' writes). */
const POD_CHANGE_EVERY_S = 40;

/**
 * RSS of the second fifth of the samples against the last fifth: the first fifth is warm-up
 * (the heap grows to its working size), growth after it is what "flat" rules out.
 */
function flatness(samples: Array<{ rss: number }>) {
  const values = samples.map((s) => s.rss / MB);
  const fifth = Math.max(1, Math.floor(values.length / 5));
  const first = percentile(values.slice(fifth, 2 * fifth), 50);
  const last = percentile(values.slice(-fifth), 50);
  return { first, last, growth: (last - first) / first, samples: values.map((v) => Math.round(v)) };
}

/** Whether this build of kubespy has `trace deployment` (being added in parallel). */
function hasTraceDeployment(): boolean {
  return /\bdeploy(ment)?\b/i.test(kubespyTraceHelp());
}

export async function runMemory(ctx: BenchContext): Promise<SectionResult> {
  const replicas = scaled(ctx, 1000, 20);
  const nodes = nodesFor(replicas * 1.25);
  const bench = await startBenchCluster({ speed: 50, nodes });
  const stopScheduler = startRoundRobinScheduler(bench.store, nodes);
  try {
    createNamespace(bench.store, NS);
    bench.store.create('services', NS, service({ name: 'big', namespace: NS, selector: { app: 'big' } }));
    await createBigDeployment(bench.store, NS, 'big', replicas);
    ctx.log(`memory: ${replicas} replicas ready`);

    const traceDeployment = hasTraceDeployment();
    const target = traceDeployment ? ['deployment', 'big'] : ['service', 'big'];
    const spy = bench.kubespy(['trace', ...target, '-n', NS, '-o', 'json'], { keepLines: 5 });
    const kubectl = bench.kubectl(['get', 'pods', '-w', '-n', NS, '-l', 'app=big'], { keepLines: 5 });
    try {
      await spy.waitForLine((l) => l.text.includes('"verdict":"ready"'), 60_000, { seen: true });
      await waitUntil('kubectl to list the Pods', () => kubectl.lineCount > replicas, 60_000);

      // The rollout: a new image, rolled out with the default 25% surge / 25% unavailable.
      const spySamples = sampleMemory(spy, 100);
      const kubectlSamples = sampleMemory(kubectl, 100);
      const rolloutStarted = performance.now();
      startRollout(bench.store, NS, 'big');
      await waitForRollout(bench.store, NS, 'big', replicas);
      await sleep(1000);
      const rolloutSeconds = (performance.now() - rolloutStarted) / 1000;
      const spyPeak = spySamples.stop().peak;
      const kubectlPeak = kubectlSamples.stop().peak;
      ctx.log(`memory: rollout of ${replicas} took ${rolloutSeconds.toFixed(0)} s; peak RSS kubespy ${(spyPeak / MB).toFixed(0)} MB, kubectl ${(kubectlPeak / MB).toFixed(0)} MB`);

      // An hour of churn, compressed: as many writes as the cluster takes in the time given.
      const seconds = scaled(ctx, 60, 10);
      const names = bench.store.list('pods', { namespace: NS, labelSelector: 'app=big' }).items.map((p) => p.metadata.name ?? '');
      const spyFlat = sampleMemory(spy, 500);
      const kubectlFlat = sampleMemory(kubectl, 500);
      const churn = startChurn(bench.store, { namespace: NS, names }, CHURN_RATE);
      await sleep(seconds * 1000);
      const churnStats = churn.stop();
      await sleep(1000);
      const spyRss = flatness(spyFlat.stop().samples);
      const kubectlRss = flatness(kubectlFlat.stop().samples);
      const hours = churnStats.writes / (replicas * (3600 / POD_CHANGE_EVERY_S));
      ctx.log(`memory: churn ${churnStats.writes} writes at ${churnStats.rate.toFixed(0)}/s (${hours.toFixed(2)} h of a pod change every ${POD_CHANGE_EVERY_S} s); kubespy RSS ${spyRss.first.toFixed(0)} → ${spyRss.last.toFixed(0)} MB`);

      const what = traceDeployment ? 'trace deployment' : 'trace service (no trace deployment yet)';
      return {
        rows: [
          {
            section: '4 memory',
            metric: `peak RSS, ${replicas} replicas through a rollout (${what})`,
            unit: 'MB',
            kubespy: summarize([spyPeak / MB]),
            kubectl: summarize([kubectlPeak / MB]),
            budget: { text: '≤ 150 MB', met: spyPeak / MB <= 150 },
          },
          {
            section: '4 memory',
            metric: `RSS 2nd → last fifth of ${churnStats.writes.toLocaleString('en-US')} writes (${hours.toFixed(1)} h compressed)`,
            unit: 'MB',
            kubespy: { n: 2, median: spyRss.last, min: spyRss.first, max: spyRss.last, p99: spyRss.last },
            kubectl: { n: 2, median: kubectlRss.last, min: kubectlRss.first, max: kubectlRss.last, p99: kubectlRss.last },
            budget: { text: `flat (≤ +${FLAT_TOLERANCE * 100}%)`, met: spyRss.growth <= FLAT_TOLERANCE },
          },
        ],
        raw: { replicas, traced: target.join(' '), rolloutSeconds, peakBytes: { kubespy: spyPeak, kubectl: kubectlPeak }, churn: { ...churnStats, hours }, rssMB: { kubespy: spyRss, kubectl: kubectlRss } },
      };
    } finally {
      await Promise.all([spy.stop(), kubectl.stop()]);
    }
  } finally {
    stopScheduler();
    await bench.close();
  }
}
