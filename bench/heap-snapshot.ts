/**
 * Where kubespy's memory goes (issue 6, memory): `kubespy trace deployment` of N replicas (1,000 by
 * default) is started with --heapsnapshot-signal, the Deployment is rolled out, and heap snapshots
 * are taken once the trace is ready and mid-rollout; peak RSS (VmHWM) is printed at the end.
 *
 *   node --import tsx bench/heap-snapshot.ts [--replicas N] [--dir DIR] [--no-snapshot] [--node-arg FLAG]…
 *
 * Not part of `npm run bench`: snapshots are large and slow to write. Open them in Chrome DevTools
 * (Memory tab) or summarise them with bench/heap-summary.ts.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createNamespace, nodesFor, sleep, startBenchCluster, waitUntil } from './lib/cluster.js';
import { createBigDeployment, startRollout, updatedReplicas, waitForRollout } from './lib/rollout.js';
import { startRoundRobinScheduler } from './lib/scheduler.js';

const NS = 'heap';
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const replicas = Number(option('--replicas') ?? 1000);
const dir = option('--dir') ?? 'bench/results/heap';
const snapshots = !args.includes('--no-snapshot');
if (snapshots) mkdirSync(dir, { recursive: true });

const nodes = nodesFor(replicas * 1.25);
const bench = await startBenchCluster({ speed: 50, nodes });
const stopScheduler = startRoundRobinScheduler(bench.store, nodes);
const MB = 1024 * 1024;
try {
  createNamespace(bench.store, NS);
  await createBigDeployment(bench.store, NS, 'big', replicas);

  const nodeArgs = [...args.flatMap((arg, i) => (arg === '--node-arg' ? [args[i + 1] as string] : [])), ...(snapshots ? [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${dir}`] : [])];
  const spy = bench.kubespy(['trace', 'deployment', 'big', '-n', NS, '-o', 'json'], { keepLines: 5, nodeArgs });
  await spy.waitForLine((l) => l.text.includes('"verdict":"ready"'), 60_000, { seen: true });
  const snapshot = async (what: string) => {
    if (!snapshots) return;
    const before = readdirSync(dir).length;
    spy.child.kill('SIGUSR2');
    // The snapshot is written synchronously by the child; wait for the file to appear and settle.
    await waitUntil(`heap snapshot (${what})`, () => readdirSync(dir).length > before, 60_000, 200);
    await sleep(3000);
    process.stderr.write(`snapshot ${what}: RSS ${(spy.memory().rss / MB).toFixed(0)} MB\n`);
  };
  await sleep(1000);
  process.stderr.write(`ready: RSS ${(spy.memory().rss / MB).toFixed(0)} MB, peak ${(spy.memory().hwm / MB).toFixed(0)} MB\n`);
  await snapshot('ready');

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, spy.memory().hwm)), 100);
  startRollout(bench.store, NS, 'big');
  await waitUntil('the rollout to be half done', () => updatedReplicas(bench.store, NS, 'big') >= replicas / 2, 240_000, 100);
  process.stderr.write(`mid-rollout: RSS ${(spy.memory().rss / MB).toFixed(0)} MB, peak ${(spy.memory().hwm / MB).toFixed(0)} MB\n`);
  await snapshot('mid-rollout');
  await waitForRollout(bench.store, NS, 'big', replicas);
  await sleep(1000);
  clearInterval(sampler);
  process.stderr.write(`done: peak RSS ${(peak / MB).toFixed(0)} MB (snapshots ${snapshots ? 'taken: they inflate the peak' : 'off'})\n`);
  // utime + stime of the kubespy process, in clock ticks (100/s on Linux): what a smaller young
  // generation costs in scavenges.
  const stat = readFileSync(`/proc/${spy.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  process.stderr.write(`kubespy CPU ${((Number(stat[11]) + Number(stat[12])) / 100).toFixed(2)} s\n`);
  if (spy.child.exitCode !== null) process.stderr.write(`kubespy exited early (${spy.child.exitCode}): ${spy.stderr.slice(-2000)}\n`);
  await spy.stop();
} finally {
  stopScheduler();
  await bench.close();
}
