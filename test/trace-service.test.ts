/**
 * `kubespy trace service` end to end (issue 3): the built CLI against the embedded cluster over
 * HTTPS, with the cluster driven from the test through its store as controllers and kubectl would
 * drive a real one. Each test works in its own namespace of one shared cluster.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deployment, namespace, service } from '../src/cluster/scenarios/manifests.js';
import { changeKey } from '../src/cli/report-sink.js';
import type { KubeObject } from '../src/lib/kube-object.js';
import { SERVICE_CHECK_IDS } from '../src/trace/service.js';
import { type ClusterFixture, withCluster } from './helpers/cluster.js';
import { ANSI, checkOf, checkText, distinctVerdicts, startKubespy, type JsonReport, type KubespyRun } from './helpers/kubespy.js';

/** Pods start in a few hundred ms; real-time grace periods (15 s, 60 s) stay out of the way. */
const SPEED = 10;

const running: KubespyRun[] = [];

/** `kubespy trace svc ARGS` against the cluster; stopped after each test. */
function trace(env: ClusterFixture, args: string[]): KubespyRun {
  return traceKind(env, ['svc', ...args]);
}

function traceKind(env: ClusterFixture, args: string[]): KubespyRun {
  const run = startKubespy(['trace', ...args, '--kubeconfig', env.kubeconfigPath]);
  running.push(run);
  return run;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop('SIGINT')));
});

function createNamespace(env: ClusterFixture, name: string): void {
  env.cluster.store.create('namespaces', undefined, namespace(name));
}

function createApp(env: ClusterFixture, ns: string, name: string, o: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): void {
  env.cluster.store.create('deployments.apps', ns, deployment({ name, namespace: ns, replicas: o.replicas ?? 2, labels: o.labels ?? { app: name }, ...(o.image ? { image: o.image } : {}) }));
}

/** Consecutive lines are different reports, ages aside (design.md §4: one line per change). */
function expectNoRepeats(reports: readonly JsonReport[]): void {
  for (let i = 1; i < reports.length; i++) {
    expect(changeKey(reports[i] as JsonReport), `line ${i + 1} repeats line ${i}`).not.toBe(changeKey(reports[i - 1] as JsonReport));
  }
}

describe('kubespy trace service against the embedded cluster', () => {
  const env = withCluster({ speed: SPEED, systemReady: true });

  it('waits for a Service that does not exist, sees it come up, and --until ready exits 0', async () => {
    createNamespace(env, 'shop');
    const run = trace(env, ['web', '-n', 'shop', '-o', 'json', '--until', 'ready', '--timeout', '20s']);
    const absent = await run.waitForReport('absent', (r) => r.verdict === 'absent');
    expect(checkOf(absent, 'service').message).toBe('not found: waiting for Service web to be created in namespace shop');
    expect(absent.checks.map((c) => c.id)).toEqual([...SERVICE_CHECK_IDS]);

    createApp(env, 'shop', 'web', { replicas: 2 });
    env.cluster.store.create('services', 'shop', service({ name: 'web', namespace: 'shop', type: 'NodePort', selector: { app: 'web' } }));
    expect((await run.exited).code).toBe(0);

    const reports = run.reports();
    expect(distinctVerdicts(reports)[0]).toBe('absent');
    const last = reports[reports.length - 1] as JsonReport;
    expect(last.verdict).toBe('ready');
    expect(last.target).toEqual({ kind: 'Service', namespace: 'shop', name: 'web' });
    expect(last.summary).toBe('Service shop/web · NodePort · READY');
    expect(checkOf(last, 'pods').message).toBe('2 of 2 ready');
    expect(checkOf(last, 'address').message).toMatch(/^cluster IP [\d.]+ · node port \d+$/);
    expect(checkOf(last, 'dns').message).toMatch(/^web\.shop\.svc\.cluster\.local → [\d.]+ · CoreDNS \d of \d ready$/);
    expect(checkOf(last, 'proxy').status).toBe('ok');
    expectNoRepeats(reports);
  });

  it('--timeout on a Service stuck failing exits 1 and says what it waited for', async () => {
    createNamespace(env, 'stuck');
    createApp(env, 'stuck', 'api', { image: 'registry.example.com/api:does-not-exist' });
    env.cluster.store.create('services', 'stuck', service({ name: 'api', namespace: 'stuck', selector: { app: 'api' } }));
    const run = trace(env, ['stuck/api', '-o', 'json', '--until', 'ready', '--timeout', '2s']);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('kubespy: timed out after 2.0 s waiting for verdict ready; last verdict: failing');
    const last = run.reports()[run.reports().length - 1] as JsonReport;
    expect(checkText(last, 'pods')).toContain('image pull failing');
  });

  it('notices deletion (verdict deleted) and follows the Service again when it is re-created', async () => {
    createNamespace(env, 'churn');
    createApp(env, 'churn', 'web');
    env.cluster.store.create('services', 'churn', service({ name: 'web', namespace: 'churn', selector: { app: 'web' } }));
    const run = traceKind(env, ['service/web', '-n', 'churn', '-o', 'json']);
    await run.waitForReport('ready', (r) => r.verdict === 'ready');

    env.cluster.store.delete('services', 'churn', 'web');
    const deleted = await run.waitForReport('deleted', (r) => r.verdict === 'deleted');
    expect(checkOf(deleted, 'service')).toMatchObject({ status: 'fail', message: 'deleted: the Service existed and is gone' });

    env.cluster.store.create('services', 'churn', service({ name: 'web', namespace: 'churn', type: 'LoadBalancer', selector: { app: 'web' } }));
    const sinceDeletion = () => run.reports().slice(run.reports().findIndex((r) => r.verdict === 'deleted'));
    const again = await run.waitFor('ready again', () => sinceDeletion().find((r) => r.verdict === 'ready'));
    expect(again.summary).toBe('Service churn/web · LoadBalancer · READY');
    expect(checkOf(again, 'address').message).toMatch(/load balancer [\d.]+$/);
    // In between, the new Service's own progress (its load balancer), never "absent".
    expect(distinctVerdicts(sinceDeletion())).toEqual(['deleted', 'pending', 'ready']);
  });

  it('follows a selector change: the Pod watch moves to the new selector', async () => {
    createNamespace(env, 'swap');
    createApp(env, 'swap', 'blue');
    createApp(env, 'swap', 'green', { replicas: 3 });
    env.cluster.store.create('services', 'swap', service({ name: 'web', namespace: 'swap', selector: { app: 'blue' } }));
    const run = trace(env, ['web', '-n', 'swap', '-o', 'json']);
    const blue = await run.waitForReport('blue ready', (r) => r.verdict === 'ready');
    expect(checkOf(blue, 'selector').message).toMatch(/^app=blue → 2 Pods, all of ReplicaSet blue-\w+ \(Deployment blue\)$/);
    expect(checkOf(blue, 'pods').details.every((line) => line.startsWith('blue-'))).toBe(true);

    env.cluster.store.patch('services', 'swap', 'web', 'merge', { spec: { selector: { app: 'green' } } });
    const green = await run.waitForReport('green selected', (r) => checkOf(r, 'selector').message.startsWith('app=green') && r.verdict === 'ready');
    expect(checkOf(green, 'selector').message).toMatch(/^app=green → 3 Pods, all of ReplicaSet green-\w+ \(Deployment green\)$/);
    expect(checkOf(green, 'pods').message).toBe('3 of 3 ready');
    expect(checkOf(green, 'pods').details).toHaveLength(3);
    expect(checkOf(green, 'pods').details.every((line) => line.startsWith('green-'))).toBe(true);
  });

  it('an ExternalName Service: the address is its target, the Pod checks do not apply', async () => {
    createNamespace(env, 'ext');
    env.cluster.store.create('services', 'ext', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', namespace: 'ext' },
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    });
    const run = trace(env, ['db', '-n', 'ext', '-o', 'json', '--until', 'ready', '--timeout', '15s']);
    expect((await run.exited).code).toBe(0);
    const last = run.reports()[run.reports().length - 1] as JsonReport;
    expect(last.summary).toBe('Service ext/db · ExternalName · READY');
    expect(checkOf(last, 'address').message).toBe('ExternalName → db.example.com');
    expect(checkOf(last, 'dns').message).toMatch(/^db\.ext\.svc\.cluster\.local → CNAME db\.example\.com/);
    for (const id of ['selector', 'pods', 'endpoints', 'ports', 'proxy']) expect(checkOf(last, id).status).toBe('skip');
  });

  it('a headless Service: no cluster IP, DNS lists a record per ready Pod', async () => {
    createNamespace(env, 'headless');
    createApp(env, 'headless', 'db', { replicas: 2 });
    const svc = service({ name: 'db', namespace: 'headless', selector: { app: 'db' } }) as KubeObject & { spec: Record<string, unknown> };
    svc.spec['clusterIP'] = 'None';
    env.cluster.store.create('services', 'headless', svc);
    const run = trace(env, ['db', '-n', 'headless', '-o', 'json', '--until', 'ready', '--timeout', '15s']);
    expect((await run.exited).code).toBe(0);
    const last = run.reports()[run.reports().length - 1] as JsonReport;
    expect(last.summary).toBe('Service headless/db · ClusterIP (headless) · READY');
    expect(checkOf(last, 'address').message).toBe('headless: no cluster IP, DNS returns the Pod IPs');
    expect(checkOf(last, 'dns').message).toMatch(/^db\.headless\.svc\.cluster\.local → 2 Pod IPs/);
    expect(checkOf(last, 'dns').details.filter((line) => /^db\.headless\.svc\.cluster\.local → [\d.]+ \(db-/.test(line))).toHaveLength(2);
    expect(checkOf(last, 'proxy').status).toBe('skip');
  });

  it('a Service without a selector waits for hand-made endpoints, then routes to them', async () => {
    createNamespace(env, 'manual');
    env.cluster.store.create('services', 'manual', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy', namespace: 'manual' },
      spec: { ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] },
    });
    const run = trace(env, ['legacy', '-n', 'manual', '-o', 'json']);
    const waiting = await run.waitForReport('pending', (r) => r.verdict === 'pending');
    expect(checkOf(waiting, 'selector')).toMatchObject({ status: 'info', message: 'no selector: endpoints are managed by hand' });
    expect(checkText(waiting, 'endpoints')).toContain('a Service without a selector needs EndpointSlices labelled kubernetes.io/service-name=legacy');

    env.cluster.store.create('endpointslices.discovery.k8s.io', 'manual', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'legacy-1', namespace: 'manual', labels: { 'kubernetes.io/service-name': 'legacy' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    });
    const ready = await run.waitForReport('ready', (r) => r.verdict === 'ready');
    expect(checkOf(ready, 'endpoints').message).toBe('1 ready, 0 not ready, 0 terminating (EndpointSlice legacy-1)');
    expect(checkOf(ready, 'endpoints').details).toEqual(['192.0.2.10  ready']);
    expect(checkText(ready, 'ports')).toContain('endpoint ports: pg 5432/TCP');
  });

  // Needs the process to stay alive while every watch backs off (see the report: src/cli/main.ts).
  it('recovers when every watch stream is cut, without losing a transition (json and plain)', async () => {
    createNamespace(env, 'flaky');
    createApp(env, 'flaky', 'web', { replicas: 2 });
    env.cluster.store.create('services', 'flaky', service({ name: 'web', namespace: 'flaky', selector: { app: 'web' } }));
    const json = trace(env, ['web', '-n', 'flaky', '-o', 'json']);
    const plain = trace(env, ['web', '-n', 'flaky', '-o', 'plain']);
    await json.waitForReport('ready', (r) => r.verdict === 'ready' && checkOf(r, 'pods').message === '2 of 2 ready');
    await plain.waitForLine(/ {2}verdict +READY/);

    // The change happens while no watch is open: the clients must resume from their last
    // resourceVersion (kubernetes-facts.md: watch resume) and still see it.
    env.cluster.dropWatches();
    env.cluster.store.patch('deployments.apps', 'flaky', 'web', 'merge', { spec: { replicas: 3 } });

    // Each watch resumes on its own (some at once, some after a back-off): wait for all of them.
    const scaled = await json.waitForReport(
      '3 Pods and 3 endpoints ready',
      (r) => checkOf(r, 'pods').message === '3 of 3 ready' && /^3 ready, 0 not ready, 0 terminating/.test(checkOf(r, 'endpoints').message) && !r.summary.includes('reconnecting'),
    );
    expect(checkOf(scaled, 'selector').message).toMatch(/^app=web → 3 Pods/);
    await plain.waitForLine(/ {2}pods +\S+ +3 of 3 ready$/);
    expect(plain.lines().some((l) => / {2}selector +\S+ +app=web → 3 Pods/.test(l))).toBe(true);

    // While the watches were down the view said so; once they are back, it no longer does.
    expect(json.reports().some((r) => r.summary === 'Service flaky/web · ClusterIP · READY · reconnecting…')).toBe(true);
    expect(scaled.summary).toBe('Service flaky/web · ClusterIP · READY');
    expectNoRepeats(json.reports());
    expect(json.child.exitCode).toBeNull();
    expect(plain.child.exitCode).toBeNull();
  });

  it('-o plain prints timestamped transition lines, one per changed check, and no escape codes when piped', async () => {
    createNamespace(env, 'logs');
    const run = trace(env, ['web', '-n', 'logs', '-o', 'plain']);
    await run.waitForLine(/ {2}verdict +ABSENT/);
    createApp(env, 'logs', 'web');
    env.cluster.store.create('services', 'logs', service({ name: 'web', namespace: 'logs', selector: { app: 'web' } }));
    await run.waitForLine(/ {2}verdict +READY/);

    const ids = new Set<string>([...SERVICE_CHECK_IDS, 'verdict']);
    const line = /^\d{2}:\d{2}:\d{2}\.\d{3} {2}(\S+) +(.+)$/;
    for (const text of run.lines()) {
      expect(text).not.toMatch(ANSI);
      // Detail lines (near misses, Pods of a failing check) are indented under their check.
      if (text.startsWith(' ')) continue;
      const match = line.exec(text);
      expect(match, text).not.toBeNull();
      expect(ids.has(match?.[1] ?? ''), text).toBe(true);
    }
    // The first report lists every check once; after that only the checks that changed.
    const first = run.lines().slice(0, SERVICE_CHECK_IDS.length + 1).map((l) => line.exec(l)?.[1]);
    expect(first).toEqual([...SERVICE_CHECK_IDS, 'verdict']);
    expect(run.lines().filter((l) => / service +\S+ +exists, type ClusterIP$/.test(l))).toHaveLength(1);
    expect(run.lines().filter((l) => / {2}verdict +READY {2}Service logs\/web$/.test(l))).toHaveLength(1);
  });
});

describe('kubespy trace service when RBAC forbids watching EndpointSlices', () => {
  const env = withCluster({ speed: SPEED, systemReady: true, forbid: [{ verb: 'watch', resource: 'endpointslices.discovery.k8s.io' }] });

  it('the endpoints check says what is denied; the other checks carry on', async () => {
    createNamespace(env, 'locked');
    createApp(env, 'locked', 'web');
    env.cluster.store.create('services', 'locked', service({ name: 'web', namespace: 'locked', selector: { app: 'web' } }));
    const run = trace(env, ['web', '-n', 'locked', '-o', 'json']);
    // The LIST is allowed and comes first; the refused WATCH then takes the check down.
    const report = await run.waitForReport('endpoints not checked', (r) => checkOf(r, 'endpoints').status === 'skip' && r.verdict === 'ready');
    const endpoints = checkOf(report, 'endpoints');
    expect(endpoints.message).toMatch(/^not checked: cannot list\/watch endpointslices\.discovery\.k8s\.io in namespace locked: forbidden/);
    expect(endpoints.message).toContain('cannot watch resource "endpointslices" in API group "discovery.k8s.io"');
    for (const id of ['service', 'selector', 'pods', 'ports', 'address', 'dns', 'proxy']) expect({ id, status: checkOf(report, id).status }).toEqual({ id, status: 'ok' });
    expect(report.verdict).toBe('ready');
  });
});
