/**
 * `npm run bench` (issue 6): kubespy measured side by side with the real kubectl on the embedded
 * cluster. Prints a table of medians (min–max) and kubespy/kubectl ratios, writes the raw numbers
 * to bench/results/latest.json and exits 1 when a budget is missed (2 when a section failed).
 *
 *   npm run bench                         the whole benchmark (under 10 minutes on 2 cores)
 *   npm run bench -- --only latency,traffic
 *   npm run bench -- --scale 0.3          fewer repetitions and smaller counts, for a quick look
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { KUBECTL } from './lib/cluster.js';
import { renderTable, type BenchContext, type Row, type SectionResult } from './lib/report.js';
import { runCapacity } from './sections/capacity.js';
import { runLatency } from './sections/latency.js';
import { runMemory } from './sections/memory.js';
import { runReplay } from './sections/replay.js';
import { runStartup } from './sections/startup.js';
import { runTraffic } from './sections/traffic.js';

const SECTIONS: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = {
  startup: runStartup,
  latency: runLatency,
  traffic: runTraffic,
  memory: runMemory,
  capacity: runCapacity,
  replay: runReplay,
};

function parseArgs(argv: string[]): { only: string[]; scale: number } {
  let only = Object.keys(SECTIONS);
  let scale = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--scale') scale = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg} (use --only ${Object.keys(SECTIONS).join(',')} and --scale N)`);
  }
  const unknown = only.filter((name) => !(name in SECTIONS));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`);
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  return { only, scale };
}

function machine(): Record<string, unknown> {
  let kubectl = 'absent';
  try {
    kubectl = execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).match(/"gitVersion":\s*"([^"]+)"/)?.[1] ?? 'unknown';
  } catch {
    // Reported as absent; the sections that need it fail with their own message.
  }
  return { cpu: cpus()[0]?.model, cores: cpus().length, memoryGB: Math.round(totalmem() / 1e9), node: process.version, kubectl, platform: `${process.platform}/${process.arch}` };
}

async function main(): Promise<number> {
  const { only, scale } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
  const ctx: BenchContext = { scale, log };
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const failures: string[] = [];
  for (const name of only) {
    const section = SECTIONS[name] as (ctx: BenchContext) => Promise<SectionResult>;
    const t0 = performance.now();
    log(`${name} …`);
    try {
      const result = await section(ctx);
      rows.push(...result.rows);
      raw[name] = { ...result.raw, seconds: (performance.now() - t0) / 1000 };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${name}: ${message}`);
      raw[name] = { error: message };
    }
    log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const seconds = (performance.now() - started) / 1000;
  const info = machine();
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  process.stdout.write(`Measured on ${String(info.cpu)} (${String(info.cores)} cores), Node ${process.version}, kubectl ${String(info.kubectl)}; ${seconds.toFixed(0)} s in all (scale ${scale}).\n`);
  for (const failure of failures) process.stdout.write(`FAILED ${failure}\n`);
  const missed = rows.filter((row) => row.budget && !row.budget.met);
  for (const row of missed) process.stdout.write(`budget missed: ${row.section} · ${row.metric} (${row.budget?.text})\n`);

  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('latest.json', dir);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: info, scale, seconds, rows, raw, failures }, null, 2)}\n`);
  process.stdout.write(`raw numbers: bench/results/latest.json\n`);
  if (failures.length) return 2;
  return missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
