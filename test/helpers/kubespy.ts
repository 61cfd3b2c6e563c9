/**
 * kubespy as users run it: `node bin/kubespy.js` (the bundle `npm test` builds first; run
 * `npm run build` before running these tests on their own), run to its end or read while it runs,
 * and what it prints read back (`-o json` reports, ANSI escapes).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Check, TraceReport, Verdict } from '../../src/trace/types.js';
import { runProcess, startProcess, type Finished, type ProcessOptions, type Running } from './process.js';

export const KUBESPY = fileURLToPath(new URL('../../bin/kubespy.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/kubespy.mjs', import.meta.url));

/** ANSI escape sequences (colours, cursor movement). */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/;

/**
 * The environment a child kubespy gets: no kubeconfig or colour settings leak in from the machine
 * running the tests (its output is a pipe, so it is plain); `extra` adds (or, with undefined,
 * removes) variables. Tests give --kubeconfig explicitly.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KUBECONFIG', 'NO_COLOR', 'FORCE_COLOR', 'CI', 'TERM']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function assertBuilt(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test does it first)`);
}

/** `options.env`: variables on top of childEnv() (undefined removes one). */
export function runKubespy(args: string[], options: ProcessOptions = {}): Promise<Finished> {
  assertBuilt();
  return runProcess(process.execPath, [KUBESPY, ...args], { ...options, env: childEnv(options.env) });
}

/** One `-o json` line (design.md §4). */
export interface JsonReport extends TraceReport {
  time: string;
}

/** A running kubespy, its output read as it comes. Stop it with `stop('SIGINT')`, as Ctrl-C would. */
export interface KubespyRun extends Running {
  /** The non-empty lines printed so far. */
  lines(): string[];
  /** Every complete `-o json` line so far. */
  reports(): JsonReport[];
  /** Waits for an output line matching the pattern, and returns it. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for a `-o json` report the predicate accepts, and returns it. */
  waitForReport(what: string, predicate: (report: JsonReport) => boolean, timeoutMs?: number): Promise<JsonReport>;
}

/** `options.env`: variables on top of childEnv() (undefined removes one). */
export function startKubespy(args: string[], options: ProcessOptions = {}): KubespyRun {
  assertBuilt();
  const running = startProcess(process.execPath, [KUBESPY, ...args], { timeoutMs: 60_000, ...options, env: childEnv(options.env) });
  const lines = () => running.stdout().split('\n').filter((line) => line !== '');
  const reports = () => {
    const stdout = running.stdout();
    return parseNdjson(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
  };
  return {
    ...running,
    lines,
    reports,
    waitForLine: (pattern, timeoutMs) => running.waitFor(`a line matching ${pattern}`, () => lines().find((line) => pattern.test(line)), timeoutMs),
    waitForReport: (what, predicate, timeoutMs) => running.waitFor(what, () => reports().find(predicate), timeoutMs),
  };
}

export function parseNdjson(text: string): JsonReport[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonReport);
}

/** The verdicts in order, each run of equal verdicts counted once. */
export function distinctVerdicts(reports: readonly TraceReport[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const report of reports) if (verdicts[verdicts.length - 1] !== report.verdict) verdicts.push(report.verdict);
  return verdicts;
}

export function checkOf(report: TraceReport, id: string): Check {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`report has no check ${id}: ${JSON.stringify(report)}`);
  return found;
}

/** The check's message and details, one string to match against. */
export function checkText(report: TraceReport, id: string): string {
  const c = checkOf(report, id);
  return [c.message, ...c.details].join('\n');
}
