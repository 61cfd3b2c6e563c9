/**
 * Issue 2 acceptance: `kubespy cluster` as a user runs it — spawned, in the foreground, writing a
 * kubeconfig that kubectl can use, and stopping cleanly on Ctrl-C.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load as parse } from 'js-yaml';
import { hasKubectl, kubectlFor, records, warnIfNoKubectl } from './helpers/kubectl.js';
import { runKubespy, startKubespy } from './helpers/kubespy.js';
import type { Running } from './helpers/process.js';

warnIfNoKubectl('kubectl against `kubespy cluster`');

describe('kubespy cluster', () => {
  let dir: string;
  let cluster: Running;
  let url: string;
  const kubeconfig = () => join(dir, 'kc.yaml');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubespy-cluster-cmd-'));
    cluster = startKubespy(['cluster', '--port', '0', '--kubeconfig-out', kubeconfig(), '--speed', '20'], { cwd: dir });
    const out = await cluster.waitForOutput(/Press Ctrl-C to stop\./);
    url = /listening on (https:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1] ?? '';
  });

  afterAll(async () => {
    await cluster?.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the URL on loopback and how to use the kubeconfig it wrote', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(':0')).toBe(false);
    expect(cluster.stdout()).toContain(`kubeconfig written to ${kubeconfig()}`);
    expect(cluster.stdout()).toContain(`export KUBECONFIG=${kubeconfig()}`);
    expect(cluster.stderr()).toBe('');
  });

  it('writes the kubeconfig readable by its owner only, pointing its current context at the cluster', async () => {
    expect((await stat(kubeconfig())).mode & 0o777).toBe(0o600);
    const config = parse(await readFile(kubeconfig(), 'utf8')) as {
      'current-context': string;
      contexts: Array<{ name: string; context: { cluster: string } }>;
      clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
    };
    const context = config.contexts.find((c) => c.name === config['current-context']);
    const entry = config.clusters.find((c) => c.name === context?.context.cluster);
    expect(entry?.cluster.server).toBe(url);
    expect(entry?.cluster['certificate-authority-data']).toBeTruthy();
  });

  it.skipIf(!hasKubectl)('kubectl get nodes works with that kubeconfig (needs /usr/bin/kubectl)', async () => {
    const kubectl = kubectlFor(kubeconfig(), join(dir, 'kubectl-cache'));
    const nodes = records(await kubectl.ok(['get', 'nodes']));
    expect(nodes.map((n) => `${n['NAME']} ${n['STATUS']}`)).toEqual(['node-1 Ready', 'node-2 Ready', 'node-3 Ready']);
  });

  it('stops on SIGINT (Ctrl-C) with exit code 0 and says so', async () => {
    const result = await cluster.stop('SIGINT');
    expect(result).toMatchObject({ code: 0, signal: null, timedOut: false });
    expect(result.stdout).toMatch(/stopped\n$/);
    expect(result.stderr).toBe('');
  });

  describe('when --port is taken', () => {
    let blocker: Server;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('exits 2 with one message naming the port, no stack trace', async () => {
      const port = (blocker.address() as AddressInfo).port;
      const result = await runKubespy(['cluster', '--port', String(port), '--kubeconfig-out', join(dir, 'unused.yaml')]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
