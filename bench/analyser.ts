/**
 * Micro-benchmark of analyseService's per-call cost (issue 6, latency p50): the first CALLS calls
 * of a fresh process over the latency bench's update sequence (src/trace/fixtures/sequences.ts),
 * i.e. the regime a trace lives in, where V8 has not optimised the analyser yet. Each run is a
 * fresh child process; the table shows medians over RUNS runs. Not part of `npm test`.
 *
 *   npx tsx bench/analyser.ts [--runs 15] [--calls 500] [--against path/to/other/service.ts]
 *
 * --against also times another copy of the analyser (e.g. a checkout from before a change) on the
 * same inputs, its runs interleaved with this tree's so that a shared machine's load hits both.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { latencySequence } from '../src/trace/fixtures/sequences.js';
import type { ServiceTraceInput } from '../src/trace/service.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    calls: { type: 'string', default: '500' },
    against: { type: 'string' },
    impl: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);

type Analyse = (input: ServiceTraceInput) => unknown;

async function child(): Promise<void> {
  const impl = values.impl ? pathToFileURL(values.impl).href : '../src/trace/service.js';
  const { analyseService } = (await import(impl)) as { analyseService: Analyse };
  const sequence = latencySequence(calls);
  const perCall: number[] = [];
  const start = performance.now();
  for (const input of sequence) {
    const t = performance.now();
    analyseService(input);
    perCall.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const sorted = [...perCall].sort((a, b) => a - b);
  const firstHundred = perCall.slice(0, 100).reduce((a, b) => a + b, 0);
  process.stdout.write(JSON.stringify({ meanUs: (total / calls) * 1000, p50Us: (sorted[Math.floor(calls / 2)] ?? 0) * 1000, first100MeanUs: firstHundred * 10 }) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

interface Result {
  meanUs: number;
  p50Us: number;
  first100MeanUs: number;
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  const impls = [undefined, ...(values.against ? [values.against] : [])];
  const results = new Map<string | undefined, Result[]>(impls.map((impl) => [impl, []]));
  for (let i = 0; i < Number(values.runs); i++) {
    for (const impl of impls) {
      const args = ['--import', 'tsx', self, '--child', '--calls', String(calls), ...(impl ? ['--impl', impl] : [])];
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      results.get(impl)?.push(JSON.parse(run.stdout.trim()) as Result);
    }
  }
  console.log(`analyseService, first ${calls} calls of a fresh process, ${values.runs} runs each (median, min–max):`);
  const fmt = (list: Result[], key: keyof Result) => {
    const xs = list.map((r) => r[key]);
    return `${median(xs).toFixed(0)} µs (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`.padEnd(22);
  };
  console.log(`  ${'analyser'.padEnd(40)} ${'mean per call'.padEnd(22)} ${'p50 per call'.padEnd(22)} mean of the first 100`);
  for (const [impl, list] of results) {
    console.log(`  ${(impl ?? 'this tree').padEnd(40)} ${fmt(list, 'meanUs')} ${fmt(list, 'p50Us')} ${fmt(list, 'first100MeanUs')}`);
  }
}

if (values.child) await child();
else parent();
