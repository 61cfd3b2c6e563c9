/**
 * `kubespy trace deployment|statefulset…` end to end (issue 4): the workload demo scenarios
 * through the built CLI (`npm test` builds first; `npm run build` before running this file alone),
 * the rollout verdict checked against the real `kubectl rollout status` on the same objects, and
 * a trace following `kubectl set image` and `kubectl rollout undo`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deployment, namespace } from '../src/cluster/scenarios/manifests.js';
import { WORKLOAD_SCENARIOS } from '../src/cluster/scenarios/workload-scenarios.js';
import type { Store } from '../src/cluster/store/types.js';
import { analyseDeployment } from '../src/trace/deployment.js';
import { withCluster } from './helpers/cluster.js';
import { hasKubectl, kubectlIn, warnIfNoKubectl, type Kubectl } from './helpers/kubectl.js';
import { checkOf, distinctVerdicts, parseNdjson, runKubespy, startKubespy, type JsonReport } from './helpers/kubespy.js';

const SPEED = 10;
const KIND_OF: Record<string, string> = { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', replicaset: 'ReplicaSet', pod: 'Pod' };

/** What each story must say, beyond its verdicts. */
const MESSAGES: Record<string, (reports: JsonReport[]) => void> = {
  'rollout-succeeds': (reports) => {
    const last = reports[reports.length - 1]!;
    expect(last.summary).toBe('Deployment rollout/web · revision 2 · READY');
    expect(checkOf(last, 'rollout').message).toBe('deployment "web" successfully rolled out');
    const surge = reports.find((r) => /still holds? \d+ Pods?/.test(checkOf(r, 'replicasets').message) && /revision 2/.test(checkOf(r, 'replicasets').message));
    expect(surge, 'a report shows the new and the old ReplicaSet side by side').toBeDefined();
  },
  'rollout-image-fix': (reports) => {
    const failing = reports.find((r) => r.verdict === 'failing')!;
    expect(checkOf(failing, 'rollout').message).toMatch(/^Waiting for deployment "api" rollout to finish: \d out of 2 new replicas have been updated\.\.\.$/);
    expect(checkOf(failing, 'rollout').details.join('\n')).toMatch(/held back by new Pod api-\w+-\w+ .*image pull failing: (ErrImagePull|ImagePullBackOff) for "nginx:1\.28-doesnotexist"/);
    expect(checkOf(failing, 'available').status).toBe('ok');
    expect(reports[reports.length - 1]!.summary).toBe('Deployment imagefix/api · revision 3 · READY');
  },
  'crash-loop': (reports) => {
    const failing = reports.find((r) => r.verdict === 'failing')!;
    expect(checkOf(failing, 'pods').message).toMatch(/crash loop/);
    expect(checkOf(failing, 'rollout').details.join('\n')).toMatch(/crash loop: container worker restarted \d+ times?, last exit code 1/);
  },
  'progress-deadline': (reports) => {
    const last = reports[reports.length - 1]!;
    expect(checkOf(last, 'rollout').message).toBe('deployment "slow" exceeded its progress deadline');
    expect(checkOf(last, 'rollout').details.join('\n')).toMatch(/Progressing False ProgressDeadlineExceeded: ReplicaSet "slow-\w+" has timed out progressing\./);
    expect(checkOf(last, 'pods').message).toMatch(/readiness probe failing/);
  },
  'statefulset-rollout': (reports) => {
    const last = reports[reports.length - 1]!;
    expect(checkOf(last, 'revisions').message).toMatch(/^all Pods at revision db-\w+ \(3 of 3\)$/);
    expect(checkOf(last, 'workload').details.join('\n')).toContain('governing Service db (headless)');
    const rolling = reports.find((r) => checkOf(r, 'revisions').message.startsWith('currentRevision'));
    expect(rolling, 'a report shows currentRevision → updateRevision').toBeDefined();
  },
};

describe('kubespy demo: workload scenarios', () => {
  it('every workload scenario has its messages under test', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(WORKLOAD_SCENARIOS.map((s) => s.name).sort());
  });

  it.each(WORKLOAD_SCENARIOS.map((s) => [s.name, s] as const))('%s: the JSON verdict sequence tells the story', async (name, scenario) => {
    const result = await runKubespy(['demo', name, '-o', 'json', '--speed', String(SPEED)], { timeoutMs: 60_000 });
    expect(result.stderr).not.toMatch(/refused|error/i);
    expect(result.code).toBe(0);
    const reports = parseNdjson(result.stdout);
    for (const report of reports) expect(report.target).toEqual({ kind: KIND_OF[scenario.target.kind], namespace: scenario.target.namespace, name: scenario.target.name });
    expect(distinctVerdicts(reports)).toEqual(scenario.verdicts);
    MESSAGES[name]!(reports);
  });
});

warnIfNoKubectl('the kubectl rollout tests of trace-workloads.test.ts');

describe.skipIf(!hasKubectl)('trace deployment and the real kubectl (needs /usr/bin/kubectl)', () => {
  const env = withCluster({ speed: SPEED, systemReady: true });
  let kubectl: Kubectl;
  let store: Store;

  beforeAll(() => {
    store = env.cluster.store;
    kubectl = kubectlIn(env);
  });

  /** The Deployment, its ReplicaSets and Pods as one consistent read of the store. */
  function snapshot(ns: string, name: string) {
    const workload = store.get('deployments.apps', ns, name);
    return {
      workload,
      replicaSets: store.list('replicasets.apps', { namespace: ns }).items,
      pods: store.list('pods', { namespace: ns }).items,
    };
  }

  it('the rollout check agrees with `kubectl rollout status --watch=false` at every moment of a rollout', async () => {
    store.create('namespaces', undefined, namespace('agree'));
    store.create('deployments.apps', 'agree', deployment({ name: 'web', namespace: 'agree', replicas: 3, labels: { app: 'web' }, readinessProbe: true, knobs: { 'sim.kubespy.dev/readiness': 'after:2s' } }));
    const compared = { done: 0, waiting: 0 };
    let patched = false;
    for (let i = 0; i < 60 && !(patched && compared.done >= 2 && compared.waiting >= 3); i += 1) {
      const before = snapshot('agree', 'web');
      const result = await kubectl.run(['rollout', 'status', 'deployment/web', '-n', 'agree', '--watch=false']);
      const after = store.get('deployments.apps', 'agree', 'web');
      // kubectl read the Deployment some time between the two store reads: compare only when it did not change.
      if (after.metadata.resourceVersion === before.workload.metadata.resourceVersion) {
        expect(result.code, result.stderr).toBe(0);
        const rollout = checkOf(analyseDeployment({ namespace: 'agree', name: 'web', now: Date.now(), timeScale: SPEED, events: [], ...before }), 'rollout');
        const said = result.stdout.trim();
        expect(rollout.message).toBe(said);
        expect(rollout.status === 'ok').toBe(said.endsWith('successfully rolled out'));
        if (rollout.status === 'ok') compared.done += 1;
        else compared.waiting += 1;
        if (rollout.status === 'ok' && compared.done >= 1 && !patched) {
          store.patch('deployments.apps', 'agree', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } });
          patched = true;
        }
      }
    }
    expect(patched).toBe(true);
    expect(compared.done).toBeGreaterThanOrEqual(2);
    expect(compared.waiting).toBeGreaterThanOrEqual(1);
  });

  it('follows `kubectl set image` and `kubectl rollout undo` while `kubespy trace deploy` runs', async () => {
    store.create('namespaces', undefined, namespace('undo'));
    const trace = startKubespy(['trace', 'deploy', 'web', '-n', 'undo', '-o', 'json', '--kubeconfig', env.kubeconfigPath]);
    try {
      await trace.waitForReport('absent', (r) => r.verdict === 'absent');
      store.create('deployments.apps', 'undo', deployment({ name: 'web', namespace: 'undo', replicas: 2, labels: { app: 'web' } }));
      await trace.waitForReport('revision 1 ready', (r) => r.verdict === 'ready' && r.summary.includes('revision 1'));

      await kubectl.ok(['set', 'image', 'deployment/web', 'web=nginx:1.28', '-n', 'undo']);
      const v2 = await trace.waitForReport('revision 2 ready', (r) => r.verdict === 'ready' && r.summary.includes('revision 2'));
      expect(checkOf(v2, 'rollout').message).toBe('deployment "web" successfully rolled out');

      await kubectl.ok(['rollout', 'undo', 'deployment/web', '-n', 'undo']);
      const v3 = await trace.waitForReport('revision 3 ready', (r) => r.verdict === 'ready' && r.summary.includes('revision 3'));
      // The undo revives revision 1's ReplicaSet under the new revision number.
      const firstRS = checkOf(v2, 'replicasets').details.find((d) => d.includes('old revision 1'))?.split(/\s+/)[0];
      expect(checkOf(v3, 'replicasets').message).toMatch(/^new web-\w+ \(revision 3\): 2 of 2 ready/);
      if (firstRS) expect(checkOf(v3, 'replicasets').message).toContain(firstRS);
      const sawRollback = trace.reports().some((r) => r.verdict === 'pending' && r.summary.includes('revision 3'));
      expect(sawRollback || distinctVerdicts(trace.reports()).includes('pending')).toBe(true);
    } finally {
      await trace.stop('SIGINT');
    }
  });
});
