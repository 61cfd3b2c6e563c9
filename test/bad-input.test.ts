/**
 * Issue 7, bad input: whatever a cluster, a user or a file hands kubespy, it answers sensibly.
 * - every analyser, fed random and malformed objects (fields missing, of the wrong type, huge
 *   arrays, huge strings): no throw, a report within the contract (design.md §4), bounded in size;
 * - the command line, fuzzed in-process through run(): usage errors only (exit 2), one message,
 *   never a stack trace;
 * - broken kubeconfigs and credentials: one clear message each, exit 3;
 * - a recording with corrupt lines: the bad lines are named and skipped, the rest replays.
 * Random inputs come from a seeded PRNG (printed on failure); counts of inputs tried are printed.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { seededRandom } from '../src/cluster/faults.js';
import { renderKubeconfig } from '../src/cluster/kubeconfig.js';
import type { KubeObject } from '../src/lib/kube-object.js';
import { analyseDaemonSet } from '../src/trace/daemonset.js';
import { analyseDeployment } from '../src/trace/deployment.js';
import { event, healthyWeb, input, notReady, NOW, pod, service, slice } from '../src/trace/fixtures/builders.js';
import { daemonPod, daemonSet, deployment, podsOf, replicaSet, statefulPod, statefulSet, workloadInput } from '../src/trace/fixtures/workloads.js';
import { analysePod } from '../src/trace/pod.js';
import { analyseReplicaSet } from '../src/trace/replicaset.js';
import { analyseService, SERVICE_CHECK_IDS } from '../src/trace/service.js';
import { analyseStatefulSet } from '../src/trace/statefulset.js';
import { VERDICTS, type TraceReport } from '../src/trace/types.js';
import { WORKLOAD_CHECK_IDS, type WorkloadTraceInput } from '../src/trace/workload-common.js';
import { withCluster } from './helpers/cluster.js';
import { kubeconfigWithUser, runInProcess, stackTraceIn, type Outcome } from './helpers/in-process.js';

const SEED = Number(process.env.KUBESPY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const tried: Record<string, number> = {};
const count = (what: string, n = 1) => (tried[what] = (tried[what] ?? 0) + n);

afterAll(() => {
  console.log(`bad input (seed ${SEED}): ${Object.entries(tried).map(([what, n]) => `${n} ${what}`).join(', ')}`);
});

// ---------------------------------------------------------------------------------------------
// Malformed objects

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values of every wrong type a field may hold in a broken or hostile object. */
function oddValue(random: () => number, sibling: Json): Json {
  switch (Math.floor(random() * 12)) {
    case 0: return null;
    case 1: return Math.floor(random() * 1e9) - 5e8;
    case 2: return random() < 0.5 ? Number.MAX_SAFE_INTEGER : -1;
    case 3: return 'x'.repeat(Math.floor(random() * 40));
    case 4: return 'é🚀\u0000\n'.repeat(2_000); // a huge string with control characters
    case 5: return random() < 0.5;
    case 6: return [];
    case 7: return {};
    // A huge array, of the field's own value when that is small (an array of 2,000 containers).
    case 8: return Array.from({ length: 1_000 }, () => (JSON.stringify(sibling).length < 2_000 ? sibling : 0));
    case 9: return [1, 'two', null, { three: 3 }];
    case 10: return { kind: 'Pod', metadata: 7, status: 'running' };
    default: return '2026-13-45T99:99:99Z'; // a timestamp that is not one
  }
}

/** Every path (list of keys) inside a JSON value, the root excluded. */
function paths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (out.length > 2_000) return out;
  if (Array.isArray(value)) value.slice(0, 20).forEach((item, i) => { out.push([...prefix, i]); paths(item, [...prefix, i], out); });
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) { out.push([...prefix, key]); paths(item, [...prefix, key], out); }
  return out;
}

/** A deep copy of `object` with a few fields deleted or replaced by values of the wrong type. */
function malform(object: KubeObject, random: () => number): KubeObject {
  const copy = JSON.parse(JSON.stringify(object)) as Json;
  const all = paths(copy);
  for (let n = 1 + Math.floor(random() * 4); n > 0 && all.length > 0; n--) {
    const path = all[Math.floor(random() * all.length)]!;
    let parent = copy as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) {
      const next = parent[key as string];
      if (!next || typeof next !== 'object') break;
      parent = next as Record<string | number, Json>;
    }
    const last = path.at(-1)!;
    if (!parent || typeof parent !== 'object' || !(last in parent)) continue;
    if (random() < 0.3 && !Array.isArray(parent)) delete parent[last];
    else parent[last] = oddValue(random, parent[last] ?? null);
  }
  return copy as unknown as KubeObject;
}

/** A list of objects, some malformed, sometimes `huge` long (the Pods of a big workload). */
function malformList(objects: readonly KubeObject[], random: () => number, huge = 100): KubeObject[] {
  const out = objects.map((o) => (random() < 0.5 ? malform(o, random) : o));
  if (random() < 0.1 && out.length > 0) return Array.from({ length: huge }, (_, i) => out[i % out.length]!);
  return out;
}

/** What every report must be, whatever its input (design.md §4). */
function expectSensible(report: TraceReport, checkIds: readonly string[], unbounded: readonly string[] = []): void {
  expect(VERDICTS).toContain(report.verdict);
  expect(typeof report.summary).toBe('string');
  expect(report.checks.length).toBeGreaterThan(0);
  const ids = report.checks.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const check of report.checks) {
    expect(checkIds).toContain(check.id);
    expect(['ok', 'pending', 'fail', 'warn', 'info', 'skip']).toContain(check.status);
    expect(typeof check.message).toBe('string');
    expect(check.message).not.toMatch(/\[object Object\]/);
    for (const line of check.details) expect(typeof line).toBe('string');
    // Bounded however many objects came in (design.md §7.7: the view does not grow without bound).
    if (!unbounded.includes(check.id)) expect(check.details.length).toBeLessThanOrEqual(60);
  }
  expect(JSON.stringify(report).length).toBeLessThan(2_000_000);
}

describe('analysers fed random and malformed objects', () => {
  const ITERATIONS = 60;

  it('service: never throws, always a report within the contract', () => {
    onTestFailed(() => console.error(`replay with KUBESPY_FUZZ_SEED=${SEED}`));
    const random = seededRandom(SEED);
    for (let i = 0; i < ITERATIONS; i++) {
      const web = healthyWeb();
      const base = input({
        service: service('web', { selector: { app: 'web' } }),
        pods: [...web.pods, notReady(pod('web-x'))],
        endpointSlices: [...web.slices, slice('web', [])],
        events: [event({ name: 'web-x', reason: 'Unhealthy', message: 'Readiness probe failed' })],
      });
      const broken = {
        ...base,
        service: random() < 0.1 ? undefined : malform(base.service!, random),
        pods: malformList(base.pods, random, 1_000),
        endpointSlices: malformList(base.endpointSlices, random),
        events: malformList(base.events, random),
        dns: { ...base.dns, service: base.dns.service && malform(base.dns.service, random), pods: malformList(base.dns.pods, random) },
        proxy: { pods: malformList(base.proxy.pods, random) },
        nearMiss: random() < 0.3 ? { sameNamespace: malformList(base.pods, random), otherNamespaces: [], workloads: [] } : undefined,
        now: random() < 0.05 ? Number.NaN : NOW,
      };
      expectSensible(analyseService(broken), SERVICE_CHECK_IDS);
      count('malformed Service inputs');
    }
  });

  it('Deployment: the replicasets check stays bounded with thousands of old ReplicaSets', () => {
    const rs = replicaSet('web-1');
    const many = Array.from({ length: 2_000 }, (_, i) => ({ ...rs, metadata: { ...rs.metadata, name: `web-${i}`, uid: `uid-${i}` } }));
    const report = analyseDeployment(workloadInput({ workload: deployment('web'), replicaSets: many, pods: podsOf('web-1', 3) }));
    expectSensible(report, WORKLOAD_CHECK_IDS);
    expect(report.checks.find((c) => c.id === 'replicasets')?.details.at(-1)).toMatch(/^… and \d+ more old ReplicaSets with Pods$/);
  });

  it('StatefulSet: replicas 2147483647 (valid for the API server) gives a bounded pods check at once', () => {
    const sts = statefulSet('db');
    (sts.spec as { replicas: number }).replicas = 2_147_483_647;
    const report = analyseStatefulSet(workloadInput({ workload: sts, pods: [] }));
    expectSensible(report, WORKLOAD_CHECK_IDS);
    expect(report.checks.find((c) => c.id === 'pods')?.details.at(-1)).toMatch(/^… and \d+ more$/);
  });

  const workloads: Array<[string, (input: WorkloadTraceInput) => TraceReport, () => WorkloadTraceInput]> = [
    ['Deployment', analyseDeployment, () => workloadInput({ workload: deployment('web'), replicaSets: [replicaSet('web-1')], pods: podsOf('web-1', 3) })],
    ['ReplicaSet', analyseReplicaSet, () => workloadInput({ workload: replicaSet('web-1'), pods: podsOf('web-1', 3) })],
    ['StatefulSet', analyseStatefulSet, () => workloadInput({ workload: statefulSet('db'), pods: [statefulPod('db', 0, 'db-1'), statefulPod('db', 1, 'db-1')] })],
    ['DaemonSet', analyseDaemonSet, () => workloadInput({ workload: daemonSet('agent'), pods: ['node-1', 'node-2'].map((n) => daemonPod('agent', n)) })],
    ['Pod', analysePod, () => workloadInput({ name: 'web-1', workload: pod('web-1'), pods: [pod('web-1')] })],
  ];
  for (const [kind, analyse, base] of workloads) {
    it(`${kind}: never throws, always a report within the contract`, () => {
      onTestFailed(() => console.error(`replay with KUBESPY_FUZZ_SEED=${SEED}`));
      const random = seededRandom(SEED ^ kind.length);
      for (let i = 0; i < ITERATIONS; i++) {
        const good = base();
        const broken: WorkloadTraceInput = {
          ...good,
          workload: good.workload && random() < 0.9 ? malform(good.workload, random) : undefined,
          replicaSets: malformList(good.replicaSets ?? [], random),
          pods: malformList(good.pods, random, 1_000),
          events: malformList([event({ name: good.name, reason: 'BackOff', message: 'Back-off pulling image' })], random),
        };
        expectSensible(analyse(broken), WORKLOAD_CHECK_IDS);
        count(`malformed ${kind} inputs`);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The command line, in-process

/** No stack trace, ever, without --debug; no internal error. */
function expectNoStack(outcome: Outcome): void {
  expect(stackTraceIn(outcome.stderr)).toBe(false);
  expect(outcome.stderr).not.toMatch(/internal error/);
}

const kubespy = (argv: string[]) => runInProcess(argv);

describe('command-line fuzzing', () => {
  const WORDS = [
    'trace', 'svc', 'service', 'deploy', 'pod', 'widget', 'status', 'changes', 'record', 'demo', 'cluster',
    '-n', '--namespace', '-o', '--output', 'json', 'yaml', 'plain', 'tty', '--until', 'ready', 'sideways',
    '--timeout', '5m', '-1s', 'forever', '1e999', '--context', '--kubeconfig', '--speed', '-5', '0', 'NaN',
    '--port', '99999', '--list', '--bogus', '-x', '--', 'a/b/c', '/', 'svc/', '/web', 'UPPER/Case',
    'web', 'x'.repeat(300), '--replay', '--record', '🚀', '', ' ', '--namespace=', '-o=json', '--show-secrets',
  ];

  it('random arguments end in a usage error (exit 2) or help, never in a stack trace', async () => {
    onTestFailed(() => console.error(`replay with KUBESPY_FUZZ_SEED=${SEED}`));
    const random = seededRandom(SEED + 1);
    const seen = new Map<number, number>();
    for (let i = 0; i < 250; i++) {
      const argv = Array.from({ length: 1 + Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)]!);
      // A command that would reach a cluster or start one is not a usage case: give it no chance
      // to (the kubeconfig does not exist, so it ends with exit 3) and skip `cluster`, which serves.
      if (argv.includes('cluster') || argv.includes('demo')) continue;
      const outcome = await kubespy([...argv, '--kubeconfig', '/nonexistent/kubeconfig']);
      seen.set(outcome.code, (seen.get(outcome.code) ?? 0) + 1);
      expect({ argv, code: outcome.code }).toEqual({ argv, code: expect.toSatisfy((c: number) => [0, 2, 3].includes(c)) });
      expectNoStack(outcome);
      if (outcome.code !== 0) expect(outcome.stderr.trim()).not.toBe('');
      count('random command lines');
    }
    expect(seen.get(2) ?? 0).toBeGreaterThan(0);
  });

  const usage: Array<[string, string[]]> = [
    ['an unknown command', ['frobnicate']],
    ['an unknown flag', ['trace', 'svc', 'web', '--frobnicate']],
    ['a missing name', ['trace', 'svc']],
    ['an unknown kind', ['trace', 'widget', 'web']],
    ['a bad output mode', ['trace', 'svc', 'web', '-o', 'yaml']],
    ['a bad --until verdict', ['trace', 'svc', 'web', '--until', 'sideways']],
    ['a negative --timeout', ['trace', 'svc', 'web', '--timeout', '-1s']],
    ['a --timeout that is not a duration', ['trace', 'svc', 'web', '--timeout', 'forever']],
    ['too many names', ['trace', 'svc', 'a', 'b', 'c']],
    ['an empty name', ['trace', 'svc/']],
    ['a name with too many slashes', ['trace', 'svc', 'a/b/c']],
    ['a flag missing its value', ['trace', 'svc', 'web', '-n']],
    ['an unknown demo scenario', ['demo', 'no-such-scenario']],
    ['a replay file that does not exist', ['trace', 'svc', 'web', '--replay', '/nonexistent/recording.ndjson']],
  ];
  for (const [what, argv] of usage) {
    it(`${what}: exit 2, one message, no stack trace`, async () => {
      const outcome = await kubespy([...argv, '--kubeconfig', '/nonexistent/kubeconfig']);
      expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/\S/) });
      expectNoStack(outcome);
      count('usage cases');
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Broken kubeconfigs and credentials

describe('broken kubeconfigs and credentials: one clear message each, exit 3', () => {
  const fixture = withCluster({ speed: 20 });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubespy-badconfig-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name);
    await writeFile(path, text, { mode });
    await chmod(path, mode);
    return path;
  };
  const userWith = (user: Record<string, unknown>) => kubeconfigWithUser(fixture.cluster.url, fixture.cluster.caCertPem, user);
  const execUser = (command: string) => ({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' } });

  const cases: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['a missing kubeconfig file', async () => ['--kubeconfig', join(dir, 'absent.yaml')], /does not exist/],
    ['a kubeconfig that is not YAML', async () => ['--kubeconfig', await file('bad.yaml', 'clusters: [\n  - {name: c\n users: :::\n')], /not valid YAML/],
    ['a kubeconfig whose top level is a list', async () => ['--kubeconfig', await file('list.yaml', '- 1\n- 2\n')], /kubeconfig/i],
    ['an unknown context', async () => ['--kubeconfig', await file('ok.yaml', fixture.cluster.kubeconfig()), '--context', 'nope'], /context "nope"/],
    [
      'a client certificate file that does not exist',
      async () => ['--kubeconfig', await file('cert.yaml', userWith({ 'client-certificate': join(dir, 'nope.crt'), 'client-key': join(dir, 'nope.key') }))],
      /nope\.(crt|key).*does not exist/,
    ],
    [
      'a token the cluster rejects (expired: 401)',
      async () => ['--kubeconfig', await file('expired.yaml', renderKubeconfig({ server: fixture.cluster.url, caCertPem: fixture.cluster.caCertPem, token: 'expired-token-0000' }))],
      /401|rejected|credentials|Unauthorized/i,
    ],
    [
      'an exec credential plugin that is missing',
      async () => ['--kubeconfig', await file('exec-missing.yaml', userWith(execUser('kubespy-no-such-plugin')))],
      /kubespy-no-such-plugin.*not found/,
    ],
    [
      'an exec credential plugin that fails',
      async () => {
        const plugin = await file('failing-plugin.sh', '#!/bin/sh\necho "secret-from-plugin-stderr" >&2\nexit 1\n', 0o700);
        return ['--kubeconfig', await file('exec-fails.yaml', userWith(execUser(plugin)))];
      },
      /credential plugin .*failed/,
    ],
    [
      'an exec credential plugin that prints garbage',
      async () => {
        const plugin = await file('garbage-plugin.sh', '#!/bin/sh\necho "{not an ExecCredential"\n', 0o700);
        return ['--kubeconfig', await file('exec-garbage.yaml', userWith(execUser(plugin)))];
      },
      /credential plugin .*failed|no valid ExecCredential/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const outcome = await kubespy(['trace', 'svc', 'web', ...(await args())]);
      const lines = outcome.stderr.trimEnd().split('\n');
      expect({ code: outcome.code, first: lines[0] }).toEqual({ code: 3, first: expect.stringMatching(message) });
      expect(lines[0]).toMatch(/^kubespy: /);
      expect(lines.length).toBeLessThanOrEqual(2);
      expectNoStack(outcome);
      expect(outcome.stderr).not.toContain('secret-from-plugin-stderr');
      count('kubeconfig cases');
    });
  }
});

// ---------------------------------------------------------------------------------------------
// A recording with corrupt lines

describe('a recording with corrupt lines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubespy-badrec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names each bad line, skips it, and replays the rest', async () => {
    const time = (s: number) => new Date(NOW + s * 1000).toISOString();
    const web = service('web', { selector: { app: 'web' } });
    const lines = [
      JSON.stringify({ time: time(0), type: 'ADDED', object: web }),
      '{"time": "not a time", "type": "ADDED", "object": {}}',
      'this line is not json',
      '{"time":"2026-03-01T12:00:01Z","type":"EXPLODED","object":{"kind":"Pod"}}',
      JSON.stringify({ time: time(2), type: 'MODIFIED', object: { kind: 'Service', apiVersion: 'v1', metadata: 'nope' } }),
      '{"time":"2026-03-01T12:00:03Z","type":"ADDED","object":{"kind":"Pod","metadata":{"name":"cut-in-the-midd',
      JSON.stringify({ time: time(4), type: 'MODIFIED', object: { ...web, metadata: { ...web.metadata, resourceVersion: '99' } } }),
    ];
    const path = join(dir, 'corrupt.ndjson');
    await writeFile(path, `${lines.join('\n')}\n`);
    const outcome = await kubespy(['trace', 'svc', 'web', '-n', 'default', '--replay', path, '--speed', '0', '-o', 'json']);
    expectNoStack(outcome);
    expect(outcome.code).toBe(0);
    // The good lines replay: the Service is found.
    const reports = outcome.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TraceReport);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.at(-1)!.checks.find((c) => c.id === 'service')?.status).toBe('ok');
    // Each bad line is named by its number.
    for (const n of [2, 3, 4, 6]) expect(outcome.stderr).toMatch(new RegExp(`corrupt\\.ndjson:${n}: `));
    count('recording lines', lines.length);
  });
});
