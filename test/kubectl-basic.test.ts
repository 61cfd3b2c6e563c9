/**
 * The real kubectl against the embedded API server (over https, with the CA the server hands
 * out): discovery, OpenAPI download for create/apply, client- and server-side apply, patches,
 * Tables, watch and delete. The kubectl here is a dispatcher that picks kubectl 1.<minor> from
 * GET /version, so this also checks the version we report.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKubeconfig } from '../src/cluster/kubeconfig.js';
import { startApiServer, type ApiServer } from '../src/cluster/server/index.js';
import { createStore } from '../src/cluster/store/index.js';
import type { Store } from '../src/cluster/store/types.js';
import { systemClock } from '../src/lib/clock.js';
import { hasKubectl, kubectlFor, warnIfNoKubectl, type Kubectl } from './helpers/kubectl.js';

warnIfNoKubectl('the kubectl tests');

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: web
data:
  color: blue
`;

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
`;

describe.skipIf(!hasKubectl)('real kubectl against the embedded API server', () => {
  let dir: string;
  let store: Store;
  let server: ApiServer;
  // Runs kubectl asynchronously: the server lives in this process and must keep serving.
  let cli: Kubectl;
  const kubectl = (args: string[]) => cli.run(args);
  const ok = (args: string[]) => cli.ok(args);

  async function manifest(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubespy-kubectl-'));
    store = createStore({ clock: systemClock });
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    server = await startApiServer({ store, token: 'kubectl-test-token', forbid: [{ verb: 'list', resource: 'secrets' }] });
    await writeFile(join(dir, 'kubeconfig'), renderKubeconfig({ server: server.url, caCertPem: server.caCertPem!, token: 'kubectl-test-token' }));
    cli = kubectlFor(join(dir, 'kubeconfig'), join(dir, 'cache'));
  });

  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kubectl version reports the server as v1.32.0', async () => {
    const out = await ok(['version', '-o', 'json']);
    const version = JSON.parse(out) as { serverVersion: { gitVersion: string; minor: string } };
    expect(version.serverVersion).toMatchObject({ gitVersion: 'v1.32.0', minor: '32' });
  });

  it('kubectl api-resources lists built-in resources from discovery', async () => {
    const out = await ok(['api-resources', '--no-headers']);
    const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName.get('namespaces')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
  });

  it('kubectl get ns prints the namespace table', async () => {
    const out = await ok(['get', 'ns']);
    const lines = out.trim().split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(lines[1]).toMatch(/^default\s+Active\s+\d+s$/);
  });

  it('kubectl create -f creates a ConfigMap and a Deployment (OpenAPI v3 download works)', async () => {
    const cm = await manifest('cm.yaml', CONFIGMAP);
    const dep = await manifest('deploy.yaml', deployment('nginx:1.27'));
    expect(await ok(['create', '-f', cm])).toBe('configmap/settings created\n');
    expect(await ok(['create', '-f', dep])).toBe('deployment.apps/web created\n');
    expect(store.get('deployments.apps', 'default', 'web').metadata.generation).toBe(1);
  });

  it('kubectl apply -f twice: the second apply is a strategic merge patch of the changed image', async () => {
    const path = await manifest('deploy.yaml', deployment('nginx:1.27'));
    const first = await ok(['apply', '-f', path]);
    expect(first).toBe('deployment.apps/web configured\n');
    await manifest('deploy.yaml', deployment('nginx:1.28'));
    const second = await kubectl(['apply', '-f', path, '-v=8']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Content-Type: application/strategic-merge-patch+json');
    expect(second.stdout).toBe('deployment.apps/web configured\n');
    const containers = (store.get('deployments.apps', 'default', 'web')['spec'] as { template: { spec: { containers: Array<{ name: string; image: string }> } } }).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['nginx=nginx:1.28', 'sidecar=busybox:1.36']);
  });

  it('kubectl apply --server-side updates through an apply patch', async () => {
    const path = await manifest('cm.yaml', CONFIGMAP.replace('color: blue', 'color: green'));
    const out = await ok(['apply', '--server-side', '--force-conflicts', '-f', path]);
    expect(out).toBe('configmap/settings serverside-applied\n');
    expect(store.get('configmaps', 'default', 'settings')['data']).toEqual({ color: 'green' });
  });

  it('kubectl get deploy -o json returns the stored object', async () => {
    const out = await ok(['get', 'deploy', 'web', '-o', 'json']);
    const obj = JSON.parse(out) as { kind: string; metadata: { name: string; generation: number }; spec: { replicas: number } };
    expect(obj.kind).toBe('Deployment');
    expect(obj.metadata.name).toBe('web');
    expect(obj.spec.replicas).toBe(2);
    // create (1), first apply adds the last-applied annotation (2: Deployment annotation changes
    // bump generation, as the registry's PrepareForUpdate does), second apply changes the image (3).
    expect(obj.metadata.generation).toBe(3);
  });

  it('kubectl label and kubectl patch (merge and json)', async () => {
    expect(await ok(['label', 'configmap', 'settings', 'tier=front'])).toBe('configmap/settings labeled\n');
    expect(await ok(['patch', 'configmap', 'settings', '--type=merge', '-p', '{"data":{"size":"L"}}'])).toBe('configmap/settings patched\n');
    expect(await ok(['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]'])).toBe('deployment.apps/web patched\n');
    const cm = store.get('configmaps', 'default', 'settings');
    expect(cm.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(cm['data']).toEqual({ color: 'green', size: 'L' });
    expect((store.get('deployments.apps', 'default', 'web')['spec'] as { replicas: number }).replicas).toBe(3);
  });

  it('kubectl scale writes spec.replicas through the scale subresource', async () => {
    const out = await kubectl(['scale', 'deploy', 'web', '--replicas=4', '-v=6']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('deployment.apps/web scaled\n');
    expect(out.stderr).toMatch(/PATCH https:\/\/127\.0\.0\.1:\d+\/apis\/apps\/v1\/namespaces\/default\/deployments\/web\/scale/);
    expect((store.get('deployments.apps', 'default', 'web')['spec'] as { replicas: number }).replicas).toBe(4);
  });

  it('kubectl get pods prints the server-side Table columns', async () => {
    store.create('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-a' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const out = await ok(['get', 'pods']);
    const lines = out.trim().split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines[1]?.slice(0, 4)).toEqual(['pod-a', '0/1', 'Pending', '0']);
    const wide = await ok(['get', 'pods', '-o', 'wide']);
    expect(wide.split('\n')[0]?.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const deploy = await ok(['get', 'deploy']);
    expect(deploy.split('\n')[0]?.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  });

  it('kubectl get -w prints the list, then changes, and exits 0 when the stream ends', async () => {
    const watching = kubectl(['get', 'configmaps', '-w', '--request-timeout=4s', '--output-watch-events']);
    // Let kubectl list and start its watch before the change it should see.
    await new Promise((r) => setTimeout(r, 1500));
    store.create('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { a: '1' } });
    const result = await watching;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
    expect(lines.some((l) => l[0] === 'ADDED' && l[1] === 'settings')).toBe(true);
    expect(lines.some((l) => l[0] === 'ADDED' && l[1] === 'late')).toBe(true);
  });

  it('kubectl get --raw watch with timeoutSeconds streams NDJSON and ends', async () => {
    const out = await ok(['get', '--raw', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1']);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED late', 'ADDED settings']);
  });

  it('kubectl delete removes objects and waits for them to be gone', async () => {
    expect(await ok(['delete', 'configmap', 'settings'])).toBe('configmap "settings" deleted\n');
    expect(await ok(['delete', 'deploy', 'web'])).toBe('deployment.apps "web" deleted\n');
    expect(store.tryGet('configmaps', 'default', 'settings')).toBeUndefined();
    const missing = await kubectl(['get', 'configmap', 'settings']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });

  it('kubectl shows the server’s 403 message and resolves unknown types through discovery', async () => {
    const denied = await kubectl(['get', 'secrets']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'Error from server (Forbidden): secrets is forbidden: User "kubespy-user" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    const unknown = await kubectl(['get', 'widgets']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`the server doesn't have a resource type "widgets"`);
  });
});

describe.skipIf(!hasKubectl)('real kubectl against a plain-http embedded API server', () => {
  it('works when anonymous requests are allowed (kubectl sends tokens only over TLS)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubespy-kubectl-http-'));
    const store = createStore({ clock: systemClock });
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const server = await startApiServer({ store, token: 'http-token', tls: false, allowAnonymous: true });
    try {
      await writeFile(join(dir, 'kubeconfig'), renderKubeconfig({ server: server.url, token: 'http-token' }));
      const out = await kubectlFor(join(dir, 'kubeconfig'), join(dir, 'cache')).ok(['get', 'ns', '-o', 'name']);
      expect(out).toBe('namespace/default\n');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
