import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClusterConfig, type AuthRequestOptions } from './config.js';
import { KubeConfigError } from './errors.js';

/** Planted in every fixture: no error message may ever contain it. */
const SECRET = 'sekret-token-3f9c2a';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubespy-config-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
function dir(): string {
  const d = path.join(root, `d${n++}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
}
function write(d: string, name: string, text: string, mode?: number): string {
  const p = path.join(d, name);
  fs.writeFileSync(p, text, mode === undefined ? undefined : { mode });
  return p;
}

/** A kubeconfig in YAML from a compact description. */
function kubeconfig(c: {
  current?: string;
  clusters?: Record<string, Record<string, unknown>>;
  users?: Record<string, Record<string, unknown>>;
  contexts?: Record<string, { cluster: string; user?: string; namespace?: string }>;
}): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    ...(c.current ? { 'current-context': c.current } : {}),
    clusters: Object.entries(c.clusters ?? {}).map(([name, cluster]) => ({ name, cluster })),
    users: Object.entries(c.users ?? {}).map(([name, user]) => ({ name, user })),
    contexts: Object.entries(c.contexts ?? {}).map(([name, context]) => ({ name, context })),
  };
  return JSON.stringify(doc, null, 2); // JSON is YAML.
}

async function auth(cfg: Awaited<ReturnType<typeof loadClusterConfig>>): Promise<AuthRequestOptions> {
  const opts: AuthRequestOptions = { headers: {} };
  await cfg.applyAuth(opts);
  return opts;
}

async function loadError(p: Promise<unknown>): Promise<KubeConfigError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KubeConfigError);
    const e = err as KubeConfigError;
    expect(e.message).not.toContain(SECRET);
    return e;
  }
  throw new Error('expected a KubeConfigError');
}

describe('loadClusterConfig: merging several KUBECONFIG files', () => {
  const a = dir();
  const b = dir();
  const fileA = write(
    a,
    'config',
    kubeconfig({
      current: 'alpha',
      clusters: { c1: { server: 'https://a.example:6443/' } },
      users: { u1: { token: SECRET } },
      contexts: { alpha: { cluster: 'c1', user: 'u1', namespace: 'team-a' }, shared: { cluster: 'c1', user: 'u1' } },
    }),
  );
  write(b, 'client.crt', 'CERT-PEM');
  write(b, 'client.key', 'KEY-PEM');
  const fileB = write(
    b,
    'config',
    kubeconfig({
      current: 'beta',
      clusters: { c1: { server: 'https://ignored.example' }, c2: { server: 'http://b.example:8080', 'insecure-skip-tls-verify': true } },
      users: { u2: { 'client-certificate': 'client.crt', 'client-key': 'client.key' } },
      contexts: { beta: { cluster: 'c2', user: 'u2' }, shared: { cluster: 'c2', user: 'u2' } },
    }),
  );
  const env = { KUBECONFIG: [fileA, path.join(root, 'missing-config'), fileB].join(path.delimiter) };

  it('takes current-context from the first file and the first definition of every name', async () => {
    const cfg = await loadClusterConfig({ env });
    expect(cfg).toMatchObject({
      contextName: 'alpha',
      clusterName: 'c1',
      server: 'https://a.example:6443',
      user: 'u1',
      namespace: 'team-a',
      namespaceSource: 'context',
      insecureSkipTLSVerify: false,
      files: [fileA, fileB],
    });
    expect(cfg.contexts).toEqual(['alpha', 'shared', 'beta']);
    const opts = await auth(cfg);
    expect(opts.headers?.Authorization).toBe(`Bearer ${SECRET}`);
    expect(opts.rejectUnauthorized).toBe(true);
  });

  it('a context defined in two files comes from the first', async () => {
    const cfg = await loadClusterConfig({ env, context: 'shared' });
    expect(cfg).toMatchObject({ clusterName: 'c1', user: 'u1', namespace: 'default', namespaceSource: 'default' });
  });

  it('--context picks a context from a later file; its relative paths resolve against that file', async () => {
    const cfg = await loadClusterConfig({ env, context: 'beta' });
    expect(cfg).toMatchObject({ server: 'http://b.example:8080', clusterName: 'c2', insecureSkipTLSVerify: true });
    const opts = await auth(cfg);
    expect(String(opts.cert)).toBe('CERT-PEM');
    expect(String(opts.key)).toBe('KEY-PEM');
    expect(opts.rejectUnauthorized).toBe(false);
    expect(opts.headers?.Authorization).toBeUndefined();
  });

  it('current-context comes from the first file that sets one', async () => {
    const d = dir();
    const noCurrent = write(d, 'a', kubeconfig({ clusters: { c: { server: 'https://x' } }, contexts: { x: { cluster: 'c' } } }));
    const withCurrent = write(d, 'b', kubeconfig({ current: 'x', clusters: {}, contexts: {} }));
    const cfg = await loadClusterConfig({ env: { KUBECONFIG: `${noCurrent}${path.delimiter}${withCurrent}` } });
    expect(cfg.contextName).toBe('x');
  });

  it('reads JSON, YAML and a JSON-looking YAML flow mapping alike, merged in order', async () => {
    const d = dir();
    const yaml = write(d, 'yaml', 'apiVersion: v1\nkind: Config\ncurrent-context: y\ncontexts:\n- name: y\n  context: {cluster: c}\n');
    const flow = write(d, 'flow', '{clusters: [{name: c, cluster: {server: "https://flow.example"}}]}\n');
    const json = write(d, 'json', kubeconfig({ clusters: { c: { server: 'https://ignored.example' } }, contexts: { j: { cluster: 'c' } } }));
    const cfg = await loadClusterConfig({ env: { KUBECONFIG: [json, yaml, flow].join(path.delimiter) } });
    expect(cfg).toMatchObject({ contextName: 'y', server: 'https://ignored.example' });
    const fromFlow = await loadClusterConfig({ env: { KUBECONFIG: [yaml, flow].join(path.delimiter) } });
    expect(fromFlow.server).toBe('https://flow.example');
    expect(fromFlow.contexts).toEqual(['y']);
  });

  it('--kubeconfig wins over $KUBECONFIG, and $KUBECONFIG over ~/.kube/config', async () => {
    const home = dir();
    fs.mkdirSync(path.join(home, '.kube'));
    write(
      path.join(home, '.kube'),
      'config',
      kubeconfig({ current: 'home', clusters: { h: { server: 'https://home' } }, contexts: { home: { cluster: 'h' } } }),
    );
    expect((await loadClusterConfig({ env: { HOME: home } })).contextName).toBe('home');
    expect((await loadClusterConfig({ env: { HOME: home, KUBECONFIG: fileB } })).contextName).toBe('beta');
    expect((await loadClusterConfig({ env: { HOME: home, KUBECONFIG: fileB }, kubeconfig: fileA })).contextName).toBe('alpha');
  });
});

describe('loadClusterConfig: namespace precedence', () => {
  const d = dir();
  const file = write(
    d,
    'config',
    kubeconfig({
      current: 'with-ns',
      clusters: { c: { server: 'https://c' } },
      contexts: { 'with-ns': { cluster: 'c', namespace: 'from-context' }, 'no-ns': { cluster: 'c' } },
    }),
  );
  it.each([
    { name: 'flag beats the context', context: 'with-ns', flag: 'from-flag', want: 'from-flag', source: 'flag' },
    { name: 'context namespace', context: 'with-ns', flag: undefined, want: 'from-context', source: 'context' },
    { name: 'default when the context has none', context: 'no-ns', flag: undefined, want: 'default', source: 'default' },
    { name: 'flag with a context without one', context: 'no-ns', flag: 'x', want: 'x', source: 'flag' },
  ])('$name', async ({ context, flag, want, source }) => {
    const cfg = await loadClusterConfig({ env: {}, kubeconfig: file, context, ...(flag ? { namespace: flag } : {}) });
    expect(cfg.namespace).toBe(want);
    expect(cfg.namespaceSource).toBe(source);
    // An anonymous user: no credentials, still the cluster's TLS settings.
    expect((await auth(cfg)).headers).toEqual({});
  });
});

describe('loadClusterConfig: credentials', () => {
  it('basic auth, impersonation and certificate-authority-data', async () => {
    const d = dir();
    const file = write(
      d,
      'config',
      kubeconfig({
        current: 'x',
        clusters: { c: { server: 'https://c', 'certificate-authority-data': Buffer.from('CA-PEM').toString('base64'), 'tls-server-name': 'api.internal' } },
        users: { u: { username: 'alice', password: SECRET, as: 'bob' } },
        contexts: { x: { cluster: 'c', user: 'u' } },
      }),
    );
    const opts = await auth(await loadClusterConfig({ env: {}, kubeconfig: file }));
    expect(String(opts.ca)).toBe('CA-PEM');
    expect(opts.servername).toBe('api.internal');
    expect(opts.headers?.['Impersonate-User']).toBe('bob');
    expect(opts.headers?.Authorization).toBe(`Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`);
  });

  it('token-file is read relative to the kubeconfig', async () => {
    const d = dir();
    write(d, 'token', `${SECRET}\n`);
    const file = write(
      d,
      'config',
      kubeconfig({ current: 'x', clusters: { c: { server: 'https://c' } }, users: { u: { 'token-file': 'token' } }, contexts: { x: { cluster: 'c', user: 'u' } } }),
    );
    expect((await auth(await loadClusterConfig({ env: {}, kubeconfig: file }))).headers?.Authorization).toBe(`Bearer ${SECRET}`);
  });

  /**
   * A kubeconfig whose user runs an exec plugin printing SECRET as its token; `before` is plugin
   * code run first, `status` extra ExecCredential status fields (a JS expression).
   */
  function execPluginConfig(d: string, o: { before?: string; status?: string } = {}): string {
    const plugin = write(
      d,
      'plugin.mjs',
      `#!/usr/bin/env node\n${o.before ?? ''}process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'${SECRET}'${o.status ? `,${o.status}` : ''}}}));\n`,
      0o755,
    );
    return write(
      d,
      'config',
      kubeconfig({
        current: 'x',
        clusters: { c: { server: 'https://c' } },
        users: { u: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: [] } } },
        contexts: { x: { cluster: 'c', user: 'u' } },
      }),
    );
  }

  it('runs an exec plugin and uses the token it prints', async () => {
    const file = execPluginConfig(dir());
    expect((await auth(await loadClusterConfig({ env: {}, kubeconfig: file }))).headers?.Authorization).toBe(`Bearer ${SECRET}`);
  });

  it('runs an exec plugin once for requests that ask for credentials at the same time', async () => {
    // A trace starts a dozen requests together; client-node caches a credential that carries an
    // expirationTimestamp only once the plugin has exited, so unserialised each request ran its
    // own plugin (a browser login each).
    const d = dir();
    const runs = path.join(d, 'runs');
    const file = execPluginConfig(d, {
      before: `import fs from 'node:fs';\nfs.appendFileSync(${JSON.stringify(runs)}, 'run\\n');\n`,
      status: 'expirationTimestamp:new Date(Date.now()+3600e3).toISOString()',
    });
    const config = await loadClusterConfig({ env: {}, kubeconfig: file });
    const all = await Promise.all(Array.from({ length: 8 }, () => auth(config)));
    for (const opts of all) expect(opts.headers?.Authorization).toBe(`Bearer ${SECRET}`);
    expect(fs.readFileSync(runs, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('uses the in-cluster service account when there is no kubeconfig', async () => {
    const sa = dir();
    write(sa, 'token', SECRET);
    write(sa, 'ca.crt', 'SA-CA');
    write(sa, 'namespace', 'kube-apps\n');
    const env = { HOME: path.join(root, 'no-home'), KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const cfg = await loadClusterConfig({ env, serviceAccountDir: sa });
    expect(cfg).toMatchObject({ inCluster: true, server: 'https://10.96.0.1:443', namespace: 'kube-apps', namespaceSource: 'service-account' });
    const opts = await auth(cfg);
    expect(opts.headers?.Authorization).toBe(`Bearer ${SECRET}`);
    expect(String(opts.ca)).toBe('SA-CA');
    expect((await loadClusterConfig({ env, serviceAccountDir: sa, namespace: 'mine' })).namespace).toBe('mine');
  });
});

describe('loadClusterConfig: errors say what to do and never leak secrets', () => {
  const d = dir();
  const good = {
    clusters: { c: { server: 'https://c' } },
    users: { u: { token: SECRET } },
  };
  const noCurrent = write(d, 'no-current', kubeconfig({ ...good, contexts: { one: { cluster: 'c', user: 'u' }, two: { cluster: 'c', user: 'u' } } }));
  const badYaml = write(d, 'bad-yaml', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${SECRET}: {oops\n`);
  // js-yaml's reason quotes an unknown tag or alias: a password typed after '!' or '*' must not be echoed.
  const badTag = write(d, 'bad-tag', `apiVersion: v1\nusers:\n- name: u\n  user:\n    password: !${SECRET}\n`);
  const badAlias = write(d, 'bad-alias', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: *${SECRET}\n`);
  const missingCert = write(
    d,
    'missing-cert',
    kubeconfig({
      current: 'x',
      clusters: { c: { server: 'https://c' } },
      users: { u: { 'client-certificate': 'nope.crt', 'client-key-data': Buffer.from(SECRET).toString('base64') } },
      contexts: { x: { cluster: 'c', user: 'u' } },
    }),
  );
  const missingCa = write(
    d,
    'missing-ca',
    kubeconfig({ current: 'x', clusters: { c: { server: 'https://c', 'certificate-authority': '/nonexistent/ca.crt' } }, users: good.users, contexts: { x: { cluster: 'c', user: 'u' } } }),
  );
  const unknownCluster = write(d, 'unknown-cluster', kubeconfig({ ...good, current: 'x', contexts: { x: { cluster: 'gone', user: 'u' } } }));
  const danglingCurrent = write(d, 'dangling', kubeconfig({ ...good, current: 'gone', contexts: { one: { cluster: 'c', user: 'u' } } }));
  const failing = write(d, 'failing.mjs', `#!/usr/bin/env node\nprocess.stderr.write('token ${SECRET} rejected');\nprocess.stdout.write('${SECRET}');\nprocess.exit(1);\n`, 0o755);
  const garbage = write(d, 'garbage.mjs', `#!/usr/bin/env node\nprocess.stdout.write('not json ${SECRET}');\n`, 0o755);
  const withExec = (command: string, extra: Record<string, unknown> = {}) =>
    write(
      d,
      `exec-${path.basename(command)}`,
      kubeconfig({
        current: 'x',
        clusters: { c: { server: 'https://c' } },
        users: { u: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command, env: [{ name: 'SECRET', value: SECRET }], ...extra } } },
        contexts: { x: { cluster: 'c', user: 'u' } },
      }),
    );

  const cases: {
    name: string;
    load: () => Promise<unknown>;
    code: string;
    mentions: string[];
  }[] = [
    {
      name: 'missing --kubeconfig file',
      load: () => loadClusterConfig({ env: {}, kubeconfig: path.join(d, 'nope') }),
      code: 'kubeconfig.missing-file',
      mentions: [path.join(d, 'nope'), '--kubeconfig'],
    },
    {
      name: 'every $KUBECONFIG file missing',
      load: () => loadClusterConfig({ env: { KUBECONFIG: `${path.join(d, 'x1')}${path.delimiter}${path.join(d, 'x2')}` } }),
      code: 'kubeconfig.missing-file',
      mentions: ['x1', 'x2', '$KUBECONFIG'],
    },
    { name: 'bad YAML', load: () => loadClusterConfig({ env: {}, kubeconfig: badYaml }), code: 'kubeconfig.bad-yaml', mentions: [badYaml, 'line 5'] },
    { name: 'bad YAML: a secret as an unknown tag', load: () => loadClusterConfig({ env: {}, kubeconfig: badTag }), code: 'kubeconfig.bad-yaml', mentions: [badTag, 'not valid YAML'] },
    { name: 'bad YAML: a secret as an unknown alias', load: () => loadClusterConfig({ env: {}, kubeconfig: badAlias }), code: 'kubeconfig.bad-yaml', mentions: [badAlias, 'not valid YAML'] },
    {
      name: 'unknown --context',
      load: () => loadClusterConfig({ env: {}, kubeconfig: noCurrent, context: 'three' }),
      code: 'kubeconfig.unknown-context',
      mentions: ['"three"', 'one, two'],
    },
    {
      name: 'current-context names no context',
      load: () => loadClusterConfig({ env: {}, kubeconfig: danglingCurrent }),
      code: 'kubeconfig.unknown-context',
      mentions: ['"gone"', 'one', '--context'],
    },
    {
      name: 'no current context',
      load: () => loadClusterConfig({ env: {}, kubeconfig: noCurrent }),
      code: 'kubeconfig.no-current-context',
      mentions: ['one, two', '--context', 'use-context'],
    },
    { name: 'unknown cluster', load: () => loadClusterConfig({ env: {}, kubeconfig: unknownCluster }), code: 'kubeconfig.unknown-cluster', mentions: ['"gone"'] },
    {
      name: 'missing client certificate file',
      load: () => loadClusterConfig({ env: {}, kubeconfig: missingCert }),
      code: 'kubeconfig.missing-cert-file',
      mentions: [path.join(d, 'nope.crt'), 'client-certificate', 'user "u"'],
    },
    {
      name: 'missing CA file',
      load: () => loadClusterConfig({ env: {}, kubeconfig: missingCa }),
      code: 'kubeconfig.missing-cert-file',
      mentions: ['/nonexistent/ca.crt', 'certificate-authority'],
    },
    {
      name: 'no kubeconfig anywhere',
      load: () => loadClusterConfig({ env: { HOME: path.join(d, 'no-home') }, serviceAccountDir: path.join(d, 'no-sa') }),
      code: 'kubeconfig.none',
      mentions: ['--kubeconfig', 'kubespy demo'],
    },
    {
      name: 'exec plugin not installed',
      load: async () => auth(await loadClusterConfig({ env: {}, kubeconfig: withExec('kubespy-no-such-plugin', { installHint: 'Install it with brew.' }) })),
      code: 'kubeconfig.exec-plugin-missing',
      mentions: ['kubespy-no-such-plugin', 'PATH', 'Install it with brew.'],
    },
    {
      name: 'exec plugin fails',
      load: async () => auth(await loadClusterConfig({ env: {}, kubeconfig: withExec(failing) })),
      code: 'kubeconfig.exec-plugin-failed',
      mentions: [failing, 'user "u"'],
    },
    {
      name: 'exec plugin prints garbage',
      load: async () => auth(await loadClusterConfig({ env: {}, kubeconfig: withExec(garbage) })),
      code: 'kubeconfig.exec-plugin-failed',
      mentions: [garbage],
    },
  ];

  it.each(cases)('$name', async ({ load, code, mentions }) => {
    const err = await loadError(load());
    expect(err.code).toBe(code);
    for (const m of mentions) expect(err.message).toContain(m);
    expect(err.message).not.toMatch(/\n/);
  });
});
