/**
 * Issue 7, security: credentials never leave kubespy, TLS is verified, Secrets stay secret.
 * - A bearer token, a client key, a password and an exec plugin's credential are planted in
 *   kubeconfigs; everything kubespy writes (stdout, stderr, --debug request logs, --record files,
 *   error messages) is scanned for them.
 * - TLS verification is on unless the kubeconfig turns it off: a wrong CA fails with a clear
 *   message (exit 3); insecure-skip-tls-verify: true connects.
 * - Secret values are redacted in recordings and diffs unless --show-secrets.
 * - The embedded cluster listens on loopback only, and says so.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../src/cluster/server/index.js';
import { createStore } from '../src/cluster/store/index.js';
import { generateServingCertificates } from '../src/cluster/tls.js';
import { systemClock } from '../src/lib/clock.js';
import { withCluster } from './helpers/cluster.js';
import { kubeconfigWithUser, runInProcess, stackTraceIn, type Outcome } from './helpers/in-process.js';

const SECRET_VALUE = 'planted-secret-value-5d1f0c';
const PASSWORD = 'planted-password-81b2e7';

describe('security', () => {
  const fixture = withCluster({ speed: 20 });
  let dir: string;
  /** Every credential planted so far, and every form it could leak in. */
  const planted: string[] = [];
  const plant = (...values: string[]) => {
    for (const value of values) planted.push(value, Buffer.from(value).toString('base64'));
  };
  /** Files kubespy wrote (--record), scanned along with its output. */
  const written: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubespy-security-'));
    const store = fixture.cluster.store;
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sec' } });
    store.create('secrets', 'sec', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'sec' },
      data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
    });
    plant(fixture.cluster.token, PASSWORD, `u:${PASSWORD}`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name);
    await writeFile(path, text, { mode });
    return path;
  };
  const kubeconfig = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
    kubeconfigWithUser(fixture.cluster.url, cluster['certificate-authority-data'] ? undefined : fixture.cluster.caCertPem, user, cluster);

  /** A trace that talks to the cluster for a moment, with request logs and a recording. */
  async function traceWith(config: string, name: string, extra: string[] = []): Promise<Outcome> {
    const recording = join(dir, `${name}.ndjson`);
    written.push(recording);
    return runInProcess(['trace', 'svc', 'web', '--kubeconfig', await file(`${name}.yaml`, config), '--timeout', '1s', '-o', 'json', '--debug', '--record', recording, ...extra]);
  }

  async function expectNothingPlanted(outcome: Outcome): Promise<void> {
    const files = await Promise.all(written.map((path) => readFile(path, 'utf8').catch(() => '')));
    for (const text of [outcome.stdout, outcome.stderr, ...files]) {
      for (const secret of planted) expect(text.includes(secret) ? secret : undefined).toBeUndefined();
    }
  }

  it('a bearer token and a client key: never in output, --debug logs or recordings; Authorization redacted', async () => {
    const certs = await generateServingCertificates(['127.0.0.1']);
    // The PEM body, line by line: any run of it in the output is a leak.
    plant(...certs.keyPem.split('\n').filter((line) => line.length > 40));
    plant(certs.keyPem);
    const outcome = await traceWith(
      kubeconfig({ token: fixture.cluster.token, 'client-certificate-data': Buffer.from(certs.certPem).toString('base64'), 'client-key-data': Buffer.from(certs.keyPem).toString('base64') }),
      'token',
    );
    expect(outcome.code).toBe(1); // --timeout: the Service never appears, the cluster answered
    expect(outcome.stderr).toMatch(/\[debug\] --> GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/sec\/services\?/);
    expect(outcome.stderr).toMatch(/Authorization: Bearer <redacted>/);
    await expectNothingPlanted(outcome);
  });

  it('an exec plugin’s credential: never in output, logs or recordings', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: fixture.cluster.token } });
    const plugin = await file('plugin.sh', `#!/bin/sh\ncat <<'EOF'\n${credential}\nEOF\n`, 0o700);
    plant(credential);
    const outcome = await traceWith(kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }), 'exec');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/Authorization: Bearer <redacted>/);
    await expectNothingPlanted(outcome);
  });

  it('a password the cluster rejects (401): exit 3, and neither the password nor its Basic header is printed', async () => {
    const outcome = await traceWith(kubeconfig({ username: 'u', password: PASSWORD }), 'password');
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/Authorization: Basic <redacted>/);
    expect(outcome.stderr).toMatch(/^kubespy: .*(401|rejected|credentials)/m);
    await expectNothingPlanted(outcome);
  });

  it('a CA that did not sign the server’s certificate: exit 3 with a clear message', async () => {
    const other = await generateServingCertificates(['127.0.0.1']);
    const outcome = await runInProcess([
      'trace', 'svc', 'web', '--timeout', '1s',
      '--kubeconfig', await file('wrong-ca.yaml', kubeconfig({ token: fixture.cluster.token }, { 'certificate-authority-data': Buffer.from(other.caCertPem).toString('base64') })),
    ]);
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/^kubespy: Cannot verify the TLS certificate of https:\/\/127\.0\.0\.1:\d+/);
    expect(stackTraceIn(outcome.stderr)).toBe(false);
    await expectNothingPlanted(outcome);
  });

  it('insecure-skip-tls-verify: true in the kubeconfig (and only then) connects without the CA', async () => {
    const config = JSON.parse(kubeconfig({ token: fixture.cluster.token })) as { clusters: Array<{ cluster: Record<string, unknown> }> };
    delete config.clusters[0]!.cluster['certificate-authority-data'];
    const withoutCa = await runInProcess(['trace', 'svc', 'web', '--timeout', '1s', '--kubeconfig', await file('no-ca.yaml', JSON.stringify(config))]);
    expect(withoutCa.code).toBe(3);
    expect(withoutCa.stderr).toMatch(/Cannot verify the TLS certificate/);
    config.clusters[0]!.cluster['insecure-skip-tls-verify'] = true;
    const insecure = await runInProcess(['trace', 'svc', 'web', '--timeout', '1s', '-o', 'json', '--kubeconfig', await file('insecure.yaml', JSON.stringify(config))]);
    expect(insecure.code).toBe(1);
    expect(insecure.stdout).toMatch(/"verdict":"absent"/);
  });

  describe('Secret values', () => {
    const encoded = Buffer.from(SECRET_VALUE).toString('base64');
    const watch = async (command: string, extra: string[] = []) => {
      const recording = join(dir, `${command}-${extra.length}.ndjson`);
      const outcome = await runInProcess([command, 'secret', 'db', '--kubeconfig', await file('secrets.yaml', kubeconfig({ token: fixture.cluster.token })), '--record', recording, ...extra], {
        stopWhen: /REDACTED|UkVEQUNURUQ|cGxhbnRlZC1zZWNyZXQ/,
        deadlineMs: 5_000,
      });
      return { outcome, recording: await readFile(recording, 'utf8') };
    };

    for (const command of ['changes', 'record']) {
      it(`kubespy ${command}: redacted on screen and in --record, shown with --show-secrets`, async () => {
        const hidden = await watch(command);
        expect(hidden.outcome.code).toBe(0);
        for (const text of [hidden.outcome.stdout, hidden.recording]) {
          expect(text).not.toContain(SECRET_VALUE);
          expect(text).not.toContain(encoded);
        }
        expect(hidden.outcome.stdout + hidden.recording).toMatch(/REDACTED|UkVEQUNURUQ=/);
        const shown = await watch(command, ['--show-secrets']);
        expect(shown.outcome.stdout + shown.recording).toContain(encoded);
      });
    }
  });

  describe('the embedded cluster', () => {
    it('refuses to listen beyond loopback', async () => {
      const store = createStore({ clock: systemClock });
      for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
        await expect(startApiServer({ store, host, token: 't', tls: false })).rejects.toThrow(/only listens on loopback/);
      }
    });

    it('kubespy cluster says it listens on loopback only, and does not print its token', async () => {
      const out = join(dir, 'cluster.kubeconfig');
      const outcome = await runInProcess(['cluster', '--port', '0', '--kubeconfig-out', out], { stopWhen: /loopback only/, deadlineMs: 20_000 });
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+ \(loopback only/);
      const token = /token: (\S+)/.exec(await readFile(out, 'utf8'))?.[1];
      expect(token).toBeDefined();
      expect(outcome.stdout + outcome.stderr).not.toContain(token!);
    });
  });
});
