#!/usr/bin/env node
// Node ≥ 22.1 can keep the bundle's compiled code on disk between runs (module.enableCompileCache,
// the start-up budget of issue 6); on Node 20 it does not exist and this is a no-op. It must run
// before the bundle is loaded, hence the dynamic import below.
import module from 'node:module';

if (typeof module.enableCompileCache === 'function') module.enableCompileCache();

// The young generation: V8 doubles it (2 → 4 → … → 32 MB for both semi-spaces) each time as many
// bytes have survived scavenges as it holds, and every watched object a trace keeps survives, so a
// long trace ends with 32 MB of young generation that is mostly garbage — a fifth of the peak RSS
// tracing 1,000 replicas (docs/performance.md). Capped at 8 MB (what --max-semi-space-size=4
// gives), the peak drops by ~35 MB at no CPU cost measured. That flag is read only when the heap
// is set up, so instead growth is stopped once the cap is reached: the growth factor is read at
// each growth. Not for the embedded cluster (`cluster`, `demo`), whose allocation rate wants the
// larger young generation.
const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (command !== 'cluster' && command !== 'demo') {
  // Armed after start-up: loading node:v8 and node:perf_hooks (for the GC observer) at once cost
  // ~8 ms of the first frame (issue 6). Growth past the cap in the first 200 ms is not undone;
  // armed this way the cap still took the 1,000-replica peak from 117 MB to 105–111 MB.
  setTimeout(() => void capYoungGeneration(), 200).unref();
}

async function capYoungGeneration() {
  const [v8, { PerformanceObserver }] = await Promise.all([import('node:v8'), import('node:perf_hooks')]);
  const capped = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (young === undefined || young.space_size < YOUNG_GENERATION_CAP) return false;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (capped()) return;
  // Checked after each garbage collection (growth happens at one), not on a timer: an idle trace
  // is not woken up for it.
  const observer = new PerformanceObserver(() => {
    if (capped()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

await import('../dist/kubespy.mjs');
