/**
 * Issue 2 acceptance: `kubespy trace svc x`, spawned as users run it, against every way the
 * connection can go wrong. Each case: the exit code of design.md §3, one clear message on stderr,
 * no stack trace, and the kubeconfig's token never printed.
 */
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { renderKubeconfig } from '../src/cluster/kubeconfig.js';
import { withCluster } from './helpers/cluster.js';
import { runKubespy } from './helpers/kubespy.js';
import type { Finished } from './helpers/process.js';

/** Planted in every kubeconfig these tests write: it must never reach the user's screen. */
const PLANTED = 'planted-token-7c1e9a4f2b';

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What every failure must look like: the exit code, one `kubespy:` message (plus a hint line at most), no stack. */
function expectOneMessage(result: Finished, exitCode: number, message: RegExp, secrets: string[] = [PLANTED]): void {
  expect(result.timedOut).toBe(false);
  const lines = result.stderr.trimEnd().split('\n');
  expect({ code: result.code, first: lines[0] }).toEqual({ code: exitCode, first: expect.stringMatching(message) });
  expect(lines[0]).toMatch(/^kubespy: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
}

describe('kubespy trace: broken kubeconfigs and bad arguments', () => {
  // No cluster is contacted in these cases; the fixture gives a temp dir and a CA to point at.
  const fixture = withCluster({ speed: 20 });
  const kubeconfig = (server: string) => renderKubeconfig({ server, caCertPem: fixture.cluster.caCertPem, token: PLANTED });
  const trace = (...args: string[]) => runKubespy(['trace', 'svc', 'x', ...args]);

  it('a --kubeconfig file that does not exist: exit 3', async () => {
    const result = await trace('--kubeconfig', `${fixture.dir}/missing.yaml`);
    expectOneMessage(result, 3, /kubeconfig file .*missing\.yaml .*does not exist/);
  });

  it('a kubeconfig that is not valid YAML: exit 3, and its contents are not echoed', async () => {
    const path = await fixture.file('malformed.yaml', `apiVersion: v1\nusers:\n- name: u\n  user: {token: ${PLANTED}\n clusters: [\n`);
    expectOneMessage(await trace('--kubeconfig', path), 3, /is not valid YAML/);
  });

  it('an unknown --context: exit 3, naming the contexts that exist', async () => {
    const path = await fixture.file('good.yaml', kubeconfig(fixture.cluster.url));
    expectOneMessage(await trace('--kubeconfig', path, '--context', 'nope'), 3, /context "nope".*not defined.*Known contexts: kubespy/);
  });

  it('an unknown kind: exit 2 with the kinds kubespy traces', async () => {
    const path = await fixture.file('good.yaml', kubeconfig(fixture.cluster.url));
    const result = await runKubespy(['trace', 'widget', 'x', '--kubeconfig', path]);
    expectOneMessage(result, 2, /cannot trace "widget"/);
    expect(result.stderr).toContain('Traceable kinds: service');
  });

  it.each([
    ['too many slashes', 'a/b/c'],
    ['not a DNS name', 'Bad_Name'],
  ])('a malformed name (%s): exit 2', async (_case, name) => {
    const path = await fixture.file('good.yaml', kubeconfig(fixture.cluster.url));
    const result = await runKubespy(['trace', 'svc', name, '--kubeconfig', path]);
    expectOneMessage(result, 2, new RegExp(`malformed name "${name}"`));
  });

  // Regression: with every watch backing off on unref'd timers, Node once emptied its event loop
  // and exited 0 silently; the CLI now probes the server first and keeps the process alive.
  it('a server that refuses connections: exit 3', async () => {
    const path = await fixture.file('closed.yaml', kubeconfig(`https://127.0.0.1:${await closedPort()}`));
    expectOneMessage(await trace('--kubeconfig', path, '--until', 'ready', '--timeout', '5s'), 3, /127\.0\.0\.1.*(refused|reach)/i);
  });

  it('a token the cluster rejects (401): exit 3', async () => {
    const path = await fixture.file('wrong-token.yaml', kubeconfig(fixture.cluster.url));
    const result = await trace('--kubeconfig', path, '--until', 'ready', '--timeout', '5s');
    expectOneMessage(result, 3, /401|credentials/);
    // No frame on stdout, only the message on stderr. (The watches start while the probe is on its
    // way; that nothing is shown before it passes is tested in src/cli/probe.test.ts.)
    expect(result.stdout).toBe('');
  });

  it('a token the cluster rejects (401): whatever happens, the token is never printed', async () => {
    const path = await fixture.file('wrong-token.yaml', kubeconfig(fixture.cluster.url));
    const result = await trace('--kubeconfig', path, '--until', 'ready', '--timeout', '5s', '--debug');
    expect(result.timedOut).toBe(false);
    expect(result.stdout + result.stderr).not.toContain(PLANTED);
    expect(result.stderr).toContain('Authorization: Bearer <redacted>');
  });
});

describe('kubespy trace: access forbidden by RBAC (403)', () => {
  const fixture = withCluster({ speed: 20, forbid: [{ verb: '*', resource: 'services', namespace: 'denied' }] });

  // trace carries on per check rather than failing: the Service check says what is denied, the
  // other watches keep running, and --timeout ends the trace (exit 1).
  it('the Service check names the denied request; --timeout ends the trace with exit 1', async () => {
    const path = await fixture.file('kubeconfig.yaml', fixture.cluster.kubeconfig());
    const result = await runKubespy(['trace', 'svc', 'x', '-n', 'denied', '--kubeconfig', path, '-o', 'json', '--until', 'ready', '--timeout', '2s']);
    expectOneMessage(result, 1, /timed out after 2\.0 s waiting for verdict ready; last verdict: absent/, [fixture.cluster.token]);
    const last = JSON.parse(result.stdout.trimEnd().split('\n').at(-1)!) as { verdict: string; checks: Array<{ id: string; status: string; message: string }> };
    expect(last.verdict).toBe('absent');
    expect(last.checks.find((c) => c.id === 'service')).toEqual(
      expect.objectContaining({
        status: 'skip',
        message: expect.stringContaining(
          'cannot list/watch services in namespace denied: forbidden (services is forbidden: User "kubespy-user" cannot list resource "services" in API group "" in the namespace "denied")',
        ),
      }),
    );
  });
});
