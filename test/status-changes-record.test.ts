/**
 * `kubespy status`, `changes` and `record` against the embedded cluster (issue 5): kinds resolved
 * through discovery as kubectl resolves them (CRDs and cluster-scoped kinds included), usage
 * errors with candidates, and the spawned CLI end to end — including a JSON array that stays
 * valid when the command is interrupted with SIGINT.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster } from '../src/cluster/index.js';
import type { KubeObject } from '../src/lib/kube-object.js';
import { runCli, until } from './helpers/cli.js';
import { eventually, withCluster } from './helpers/cluster.js';
import { hasKubectl, kubectlIn } from './helpers/kubectl.js';
import { startKubespy } from './helpers/kubespy.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CRD = 'customresourcedefinitions.apiextensions.k8s.io';

function crd(plural: string, kind: string, group: string, scope: 'Namespaced' | 'Cluster', shortNames: string[] = []): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, shortNames },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

/** Runs the CLI in-process until `stopWhen` holds for its stdout (or it exits by itself). */
function cli(args: string[], stopWhen?: (stdout: string) => boolean, config = fixture.kubeconfigPath) {
  return runCli([...args, '--kubeconfig', config], { stopWhen });
}

function bundleIsStale(): boolean {
  const bundle = path.join(ROOT, 'dist/kubespy.mjs');
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  const newer = (dirPath: string): boolean =>
    readdirSync(dirPath, { withFileTypes: true }).some((entry) => {
      const full = path.join(dirPath, entry.name);
      return entry.isDirectory() ? newer(full) : statSync(full).mtimeMs > built;
    });
  return newer(path.join(ROOT, 'src'));
}

// The spawned tests run bin/kubespy.js, which loads the bundle: build it when src/ is newer
// (`npm test` has just built it, and other test files may be running it meanwhile).
beforeAll(() => {
  if (bundleIsStale()) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}, 60_000);

const fixture = withCluster({ speed: 20 });

beforeAll(() => {
  const store = fixture.cluster.store;
  store.create(CRD, undefined, crd('widgets', 'Widget', 'example.com', 'Namespaced', ['wd']));
  store.create(CRD, undefined, crd('gadgets', 'Gadget', 'example.com', 'Cluster'));
  store.create(CRD, undefined, crd('things', 'Thing', 'a.example.com', 'Namespaced'));
  store.create(CRD, undefined, crd('things', 'Thing', 'b.example.com', 'Namespaced'));
  store.create('widgets.example.com', 'default', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } });
  store.create('gadgets.example.com', undefined, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' } });
  store.create('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  store.create('deployments.apps', 'default', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  });
});

describe('kind resolution, as kubectl resolves names', () => {
  it.each([
    ['a short name', ['cm', 'settings'], 'ConfigMap'],
    ['a Kind in any case', ['CONFIGMAP', 'default/settings'], 'ConfigMap'],
    ['KIND/NAME', ['configmaps/settings'], 'ConfigMap'],
    ['kind.group', ['deployments.apps', 'web'], 'Deployment'],
    ['kind.version.group', ['deployment.v1.apps', 'web'], 'Deployment'],
    ['an APIVERSION', ['apps/v1', 'Deployment', 'web'], 'Deployment'],
    ['a cluster-scoped kind', ['node', 'node-1'], 'Node'],
    ['Namespace', ['ns', 'default'], 'Namespace'],
    ['a CRD by short name', ['wd', 'w1'], 'Widget'],
    ['a CRD by plural.group', ['widgets.example.com', 'w1'], 'Widget'],
    ['a cluster-scoped CRD', ['Gadget', 'g1'], 'Gadget'],
  ])('%s', async (_name, args, kind) => {
    const result = await cli(['status', ...args, '-o', 'json'], (out) => out.includes('"ADDED"'));
    expect(result.code).toBe(0);
    const first = JSON.parse(result.stdout.split('\n')[0]!) as { type: string; object: { kind: string } };
    expect(first).toMatchObject({ type: 'ADDED', object: { kind } });
  });

  it('exits 2 with suggestions for an unknown kind', async () => {
    const result = await cli(['status', 'deploymnt', 'web']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean deployments.apps?');
  });

  it('exits 2 listing the candidates for an ambiguous kind', async () => {
    const result = await cli(['changes', 'thing', 't1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('things.a.example.com, things.b.example.com');
  });

  it('exits 3 naming what is forbidden when RBAC denies the watch', async () => {
    const denied = await startEmbeddedCluster({ speed: 20, forbid: [{ verb: 'list', resource: 'configmaps' }] });
    try {
      const config = await fixture.file('denied.kubeconfig', denied.kubeconfig());
      const result = await cli(['status', 'cm', 'settings'], undefined, config);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/cannot list\/watch configmaps in namespace default: forbidden/);
    } finally {
      await denied.close();
    }
  });

  it('exits 2 on malformed arguments', async () => {
    const result = await cli(['record', 'pod']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing NAME');
  });

  it.skipIf(!hasKubectl)('resolves a CRD created with kubectl apply (needs /usr/bin/kubectl, skipped without it)', async () => {
    const manifest = await fixture.file('crd.json', JSON.stringify(crd('sprockets', 'Sprocket', 'tools.example.com', 'Namespaced', ['spr'])));
    // Asynchronously: the cluster answering kubectl runs in this process.
    const kubectl = kubectlIn(fixture);
    await kubectl.ok(['apply', '-f', manifest]);
    const widget = await fixture.file('sprocket.json', JSON.stringify({ apiVersion: 'tools.example.com/v1', kind: 'Sprocket', metadata: { name: 's1', namespace: 'default' } }));
    // The CRD is served once Established; kubectl apply of a Sprocket fails until then.
    await eventually(() => kubectl.ok(['apply', '-f', widget]), { timeoutMs: 10_000 });
    const result = await cli(['status', 'spr', 's1', '-o', 'json'], (out) => out.includes('"ADDED"'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"kind":"Sprocket"');
  }, 60_000);
});

/** `node bin/kubespy.js ARGS --kubeconfig …`, as a user runs it. */
function spawnCli(args: string[]) {
  return startKubespy([...args, '--kubeconfig', fixture.kubeconfigPath]);
}

describe('status, changes and record end to end', () => {
  const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

  it('status prints the status, then diffs with paths like .status.conditions[type=Ready].status', async () => {
    const cmd = spawnCli(['status', 'po', 'boot-1', '-o', 'plain']);
    await until(() => cmd.stderr().includes('# watching'), 'the watch to start');
    fixture.cluster.store.create('pods', 'default', pod('boot-1'));
    await until(() => cmd.stdout().includes('.status.conditions[type=Ready].status'), 'the Pod to become ready');
    expect((await cmd.stop('SIGINT')).code).toBe(0);
    const out = cmd.stdout();
    expect(out).toMatch(/ADDED {2}Pod default\/boot-1/);
    expect(out).toMatch(/MODIFIED {2}Pod default\/boot-1/);
    expect(out).toContain('~ .status.conditions[type=Ready].status: "False" → "True"');
    expect(out).not.toContain('\u001b[');
  }, 30_000);

  it('changes -o json: one line per change, without resourceVersion unless --all', async () => {
    const plain = spawnCli(['changes', 'cm', 'settings', '-o', 'json']);
    const all = spawnCli(['changes', 'cm', 'settings', '-o', 'json', '--all']);
    await until(() => plain.stdout().includes('"ADDED"') && all.stdout().includes('"ADDED"'), 'the ConfigMap');
    const current = fixture.cluster.store.get('configmaps', 'default', 'settings');
    fixture.cluster.store.update('configmaps', 'default', 'settings', { ...current, data: { a: '2' } });
    await until(() => plain.stdout().includes('"MODIFIED"') && all.stdout().includes('"MODIFIED"'), 'the change');
    const [plainExit, allExit] = await Promise.all([plain.stop('SIGINT'), all.stop('SIGINT')]);
    expect(plainExit.code).toBe(0);
    expect(allExit.code).toBe(0);
    const modified = (text: string) => JSON.parse(text.trim().split('\n')[1]!) as { type: string; changes: Array<{ path: string }> };
    expect(modified(plain.stdout()).changes).toEqual([{ path: '.data.a', op: 'change', old: '1', new: '2' }]);
    expect(modified(all.stdout()).changes.map((c) => c.path)).toContain('.metadata.resourceVersion');
  }, 30_000);

  it('record writes a JSON array that is still valid after SIGINT', async () => {
    const cmd = spawnCli(['record', 'deploy', 'web']);
    await until(() => cmd.stdout().includes('"kind":"Deployment"'), 'the Deployment');
    const current = fixture.cluster.store.get('deployments.apps', 'default', 'web');
    fixture.cluster.store.update('deployments.apps', 'default', 'web', { ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    await until(() => cmd.stdout().includes('"touched"'), 'the change');
    expect((await cmd.stop('SIGINT')).code).toBe(0);
    const objects = JSON.parse(cmd.stdout()) as KubeObject[];
    expect(objects.length).toBeGreaterThanOrEqual(2);
    expect(objects.every((o) => o.kind === 'Deployment' && o.metadata.name === 'web')).toBe(true);
  }, 30_000);

  it('record --ndjson writes one object per line; an interrupted wait still gives valid JSON', async () => {
    const ndjson = spawnCli(['record', 'cm', 'settings', '--ndjson']);
    const empty = spawnCli(['record', 'cm', 'not-there']);
    await until(() => ndjson.stdout().includes('\n') && empty.stderr().includes('# watching'), 'both to start');
    const [ndjsonExit, emptyExit] = await Promise.all([ndjson.stop('SIGINT'), empty.stop('SIGINT')]);
    expect(ndjsonExit.code).toBe(0);
    expect(emptyExit.code).toBe(0);
    expect((JSON.parse(ndjson.stdout().split('\n')[0]!) as KubeObject).kind).toBe('ConfigMap');
    expect(JSON.parse(empty.stdout())).toEqual([]);
  }, 30_000);
});
