/**
 * `kubespy demo` end to end (issue 3): each scenario played on the embedded cluster and traced
 * through the built CLI over HTTPS, read back as `-o json`. The scenario's `verdicts` is the
 * story the trace must tell; the messages are the ones a user reads to understand it.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { SCENARIOS, type Scenario } from '../src/cluster/scenarios/index.js';
import { systemClock } from '../src/lib/clock.js';
import { runCli, startCli } from './helpers/cli.js';
import { checkOf, checkText, distinctVerdicts, parseNdjson, runKubespy, type JsonReport } from './helpers/kubespy.js';

/** Fast enough for a few seconds a scenario, slow enough for every step to be seen on 2 cores. */
const SPEED = 10;
/** lb-pending waits for the 60 s (simulated) hint; twice as fast keeps it to a few seconds. */
const SPEED_OF: Record<string, number> = { 'lb-pending': 20 };

/**
 * What each Service story must say, beyond its verdicts (design.md §4: assert the messages users
 * read). Scenarios of other kinds are checked for their verdicts here; their messages belong to
 * their own tests.
 */
const MESSAGES: Record<string, (reports: JsonReport[]) => void> = {
  'service-comes-up': (reports) => {
    const last = reports[reports.length - 1] as JsonReport;
    expect(checkOf(last, 'pods').message).toBe('3 of 3 ready');
    expect(checkOf(last, 'selector').message).toMatch(/^app=web → 3 Pods, all of ReplicaSet web-[a-z0-9]+ \(Deployment web\)$/);
    expect(checkOf(last, 'address').message).toMatch(/load balancer \d+\.\d+\.\d+\.\d+$/);
    expect(checkOf(last, 'endpoints').message).toMatch(/^3 ready, 0 not ready, 0 terminating/);
  },
  'readiness-fix': (reports) => {
    const failing = reports.find((r) => r.verdict === 'failing') as JsonReport;
    expect(checkOf(failing, 'pods').message).toMatch(/readiness probe failing/);
    expect(checkText(failing, 'pods')).toMatch(/readiness probe failing: HTTP probe failed with statuscode: 503/);
    expect(checkOf(failing, 'endpoints').message).toMatch(/nothing will receive traffic/);
    // The fix rolls out: the old Pods are named as being replaced, then only new ones serve.
    const rollout = reports.slice(reports.indexOf(failing)).find((r) => r.verdict === 'pending') as JsonReport;
    expect(checkText(rollout, 'pods')).toMatch(/old ReplicaSet/);
    expect(checkOf(reports[reports.length - 1] as JsonReport, 'pods').message).toBe('2 of 2 ready');
  },
  'selector-typo': (reports) => {
    const failing = reports.find((r) => r.verdict === 'failing') as JsonReport;
    expect(checkOf(failing, 'selector').message).toBe('app=paymnets matches no Pods in namespace billing');
    expect(checkOf(failing, 'selector').details).toContain('near miss: 2 Pods of Deployment payments have app=payments (differs in value)');
    const last = reports[reports.length - 1] as JsonReport;
    expect(checkOf(last, 'selector').message).toMatch(/^app=payments → 2 Pods, all of ReplicaSet payments-[a-z0-9]+ \(Deployment payments\)$/);
  },
  'image-pull': (reports) => {
    const failing = reports.find((r) => r.verdict === 'failing') as JsonReport;
    expect(checkOf(failing, 'pods').message).toMatch(/image pull failing/);
    expect(checkText(failing, 'pods')).toMatch(/image pull failing: (ErrImagePull|ImagePullBackOff) for "nginx:1\.27-doesnotexist"/);
    // Its back-off, as kubectl get pods shows it, is named while the Service stays failing.
    const backOff = reports.filter((r) => r.verdict === 'failing').some((r) => checkText(r, 'pods').includes('ImagePullBackOff'));
    expect(backOff).toBe(true);
    expect(checkOf(reports[reports.length - 1] as JsonReport, 'pods').message).toBe('2 of 2 ready');
  },
  'lb-pending': (reports) => {
    const last = reports[reports.length - 1] as JsonReport;
    expect(checkOf(last, 'address').status).toBe('warn');
    expect(checkOf(last, 'address').message).toContain('load balancer pending: no load-balancer controller for class example.com/metal on this cluster?');
    expect(checkOf(last, 'pods').message).toBe('2 of 2 ready');
    expect(checkOf(last, 'endpoints').status).toBe('ok');
  },
};

describe('kubespy demo', () => {
  it('has the messages of every Service scenario under test', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(SCENARIOS.filter((s) => s.target.kind === 'service').map((s) => s.name).sort());
  });

  // Workload scenarios are played, with their own messages, by test/trace-workloads.test.ts.
  it.each(SCENARIOS.filter((s) => s.target.kind === 'service').map((s) => [s.name, s] as [string, Scenario]))('%s: the trace tells the story in -o json', async (name, scenario) => {
    const speed = SPEED_OF[name] ?? SPEED;
    const result = await runKubespy(['demo', name, '-o', 'json', '--speed', String(speed)]);
    expect(result.stderr).not.toMatch(/refused|error/i);
    expect(result.code).toBe(0);
    const reports = parseNdjson(result.stdout);
    for (const report of reports) {
      expect({ ...report.target, kind: report.target.kind.toLowerCase() }).toEqual(scenario.target);
      expect(Number.isNaN(Date.parse(report.time))).toBe(false);
    }
    expect(distinctVerdicts(reports)).toEqual(scenario.verdicts);
    // Narration goes to stderr as comments, so stdout stays pure NDJSON.
    expect(result.stderr.split('\n').filter(Boolean).every((line) => line.startsWith('# '))).toBe(true);
    MESSAGES[name]?.(reports);
  });

  it('--list names and describes every scenario', async () => {
    const result = await runKubespy(['demo', '--list']);
    expect(result.code).toBe(0);
    for (const scenario of SCENARIOS) {
      expect(result.stdout).toContain(`${scenario.name.padEnd(18)} ${scenario.title}`);
      expect(result.stdout).toContain(scenario.description);
    }
  });

  it('an unknown scenario is a usage error (exit 2) that lists the scenarios', async () => {
    const result = await runKubespy(['demo', 'no-such-story']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown scenario "no-such-story"');
    for (const scenario of SCENARIOS) expect(result.stderr).toContain(scenario.name);
    expect(result.stdout).toBe('');
  });
});

/** In-process (test/helpers/cli.ts): the demo's start and end, where its story and the trace meet. */
describe('kubespy demo: start-up and shutdown', () => {
  it('plays the story only once the trace has shown where it starts: the first report comes before the first step', async () => {
    const result = await runCli(['demo', 'selector-typo', '-o', 'plain', '--speed', '20']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const firstVerdict = lines.findIndex((line) => /^\S+ {2}verdict /.test(line));
    expect(lines[firstVerdict]).toMatch(/ {2}verdict +ABSENT {2}Service billing\/payments$/);
    const firstStep = lines.findIndex((line) => line.endsWith('  # Namespace billing is created'));
    expect(firstStep).toBeGreaterThan(firstVerdict);
    expect(result.stdout).toMatch(/ {2}verdict +READY {2}Service billing\/payments\n/);
  });

  it('Ctrl-C while the cluster is still starting: exit 0 and no error (it was an internal error, exit 70)', async () => {
    const cli = startCli(['demo', 'selector-typo', '-o', 'plain', '--speed', '20']);
    cli.stop();
    expect(await cli.code).toBe(0);
    expect(cli.stderr()).toBe('');
  });

  it('a reader that closes the pipe (`kubespy demo | head -1`, EPIPE) stops it as Ctrl-C would: exit 0, no crash', async () => {
    let writes = 0;
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    let err = '';
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        err += chunk.toString();
        callback();
      },
    });
    const code = await run(['demo', 'selector-typo', '-o', 'plain', '--speed', '20'], {
      stdout: closedPipe,
      stderr,
      env: {},
      clock: systemClock,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(writes).toBe(1);
    expect(err).toBe('');
  });
});
