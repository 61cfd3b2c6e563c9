/**
 * `kubespy status`, `changes` and `record` against the embedded cluster (issue 5): kinds resolved
 * through discovery as kubectl resolves them (CRDs and cluster-scoped kinds included), usage
 * errors with candidates, and the spawned CLI end to end — including a JSON array that stays
 * valid when the command is interrupted with SIGINT.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../src/cluster/index.js';
import { systemClock } from '../src/lib/clock.js';
import type { KubeObject } from '../src/lib/kube-object.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';
const CRD = 'customresourcedefinitions.apiextensions.k8s.io';

let cluster: EmbeddedCluster;
let dir: string;
let kubeconfig: string;

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

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the CLI in-process until `stopWhen` holds for its stdout (or it exits by itself). */
async function cli(args: string[], stopWhen?: (stdout: string) => boolean, config = kubeconfig): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const controller = new AbortController();
  const running = run([...args, '--kubeconfig', config], { stdout, stderr, env: {}, clock: systemClock, signal: controller.signal });
  let exited = false;
  void running.then(() => (exited = true));
  if (stopWhen) {
    await until(() => exited || stopWhen(out), `output of kubespy ${args.join(' ')}`);
    controller.abort();
  }
  const code = await running;
  return { code, stdout: out, stderr: err };
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

beforeAll(async () => {
  // The spawned tests run bin/kubespy.js, which loads the bundle: build it when src/ is newer
  // (`npm test` has just built it, and other test files may be running it meanwhile).
  if (bundleIsStale()) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  cluster = await startEmbeddedCluster({ speed: 20 });
  dir = mkdtempSync(path.join(tmpdir(), 'kubespy-status-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig());
  const store = cluster.store;
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
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
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
      const config = path.join(dir, 'denied.kubeconfig');
      writeFileSync(config, denied.kubeconfig());
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

  it.skipIf(!existsSync(KUBECTL))('resolves a CRD created with kubectl apply (needs /usr/bin/kubectl, skipped without it)', async () => {
    const manifest = path.join(dir, 'crd.json');
    writeFileSync(manifest, JSON.stringify(crd('sprockets', 'Sprocket', 'tools.example.com', 'Namespaced', ['spr'])));
    // Asynchronously: the cluster answering kubectl runs in this process.
    const kubectl = (...args: string[]) =>
      promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'kubectl-cache'), ...args], { encoding: 'utf8' });
    await kubectl('apply', '-f', manifest);
    const widget = path.join(dir, 'sprocket.json');
    writeFileSync(widget, JSON.stringify({ apiVersion: 'tools.example.com/v1', kind: 'Sprocket', metadata: { name: 's1', namespace: 'default' } }));
    // The CRD is served once Established; kubectl apply of a Sprocket fails until then.
    for (let attempt = 0; ; attempt++) {
      try {
        await kubectl('apply', '-f', widget);
        break;
      } catch (error) {
        if (attempt > 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const result = await cli(['status', 'spr', 's1', '-o', 'json'], (out) => out.includes('"ADDED"'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"kind":"Sprocket"');
  }, 60_000);
});

/** Spawns `node bin/kubespy.js`, as a user runs it. */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/kubespy.js'), ...args, '--kubeconfig', kubeconfig], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('status, changes and record end to end', () => {
  const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

  it('status prints the status, then diffs with paths like .status.conditions[type=Ready].status', async () => {
    const cmd = spawnCli(['status', 'po', 'boot-1', '-o', 'plain']);
    await until(() => cmd.stderr().includes('# watching'), 'the watch to start');
    cluster.store.create('pods', 'default', pod('boot-1'));
    await until(() => cmd.stdout().includes('.status.conditions[type=Ready].status'), 'the Pod to become ready');
    cmd.child.kill('SIGINT');
    expect(await cmd.exited).toBe(0);
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
    const current = cluster.store.get('configmaps', 'default', 'settings');
    cluster.store.update('configmaps', 'default', 'settings', { ...current, data: { a: '2' } });
    await until(() => plain.stdout().includes('"MODIFIED"') && all.stdout().includes('"MODIFIED"'), 'the change');
    plain.child.kill('SIGINT');
    all.child.kill('SIGINT');
    expect(await plain.exited).toBe(0);
    expect(await all.exited).toBe(0);
    const modified = (text: string) => JSON.parse(text.trim().split('\n')[1]!) as { type: string; changes: Array<{ path: string }> };
    expect(modified(plain.stdout()).changes).toEqual([{ path: '.data.a', op: 'change', old: '1', new: '2' }]);
    expect(modified(all.stdout()).changes.map((c) => c.path)).toContain('.metadata.resourceVersion');
  }, 30_000);

  it('record writes a JSON array that is still valid after SIGINT', async () => {
    const cmd = spawnCli(['record', 'deploy', 'web']);
    await until(() => cmd.stdout().includes('"kind":"Deployment"'), 'the Deployment');
    const current = cluster.store.get('deployments.apps', 'default', 'web');
    cluster.store.update('deployments.apps', 'default', 'web', { ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    await until(() => cmd.stdout().includes('"touched"'), 'the change');
    cmd.child.kill('SIGINT');
    expect(await cmd.exited).toBe(0);
    const objects = JSON.parse(cmd.stdout()) as KubeObject[];
    expect(objects.length).toBeGreaterThanOrEqual(2);
    expect(objects.every((o) => o.kind === 'Deployment' && o.metadata.name === 'web')).toBe(true);
  }, 30_000);

  it('record --ndjson writes one object per line; an interrupted wait still gives valid JSON', async () => {
    const ndjson = spawnCli(['record', 'cm', 'settings', '--ndjson']);
    const empty = spawnCli(['record', 'cm', 'not-there']);
    await until(() => ndjson.stdout().includes('\n') && empty.stderr().includes('# watching'), 'both to start');
    ndjson.child.kill('SIGINT');
    empty.child.kill('SIGINT');
    expect(await ndjson.exited).toBe(0);
    expect(await empty.exited).toBe(0);
    expect((JSON.parse(ndjson.stdout().split('\n')[0]!) as KubeObject).kind).toBe('ConfigMap');
    expect(JSON.parse(empty.stdout())).toEqual([]);
  }, 30_000);
});
