/**
 * Which cluster to talk to, as whom, and in which namespace — resolved the way kubectl resolves
 * it (client-go clientcmd loading rules), so kubespy behaves like the kubectl beside it:
 *
 *   --kubeconfig FILE  >  $KUBECONFIG (several files, ':'-separated, merged)  >  ~/.kube/config
 *   >  in-cluster service account  >  error.
 *
 * Merging follows clientcmd: for every cluster, user and context name the first file that
 * defines it wins and later files never change it; current-context comes from the first file
 * that sets one; relative paths resolve against the file that holds them. Files listed in
 * $KUBECONFIG that do not exist are skipped, as kubectl does.
 *
 * Credentials are applied by @kubernetes/client-node's authenticators (exec plugins, OIDC,
 * token files, the legacy gcp/azure providers), mirroring KubeConfig.applyToHTTPSOptions. We do
 * not import KubeConfig itself: its module pulls the whole generated API (~0.45 s); the
 * authenticators are imported lazily, only when the selected user needs one.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Authenticator } from '@kubernetes/client-node/dist/auth.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';
import { KubeConfigError } from './errors.js';

export interface LoadClusterConfigOptions {
  /** --kubeconfig: this file only; it must exist. */
  kubeconfig?: string;
  /** --context: overrides current-context. */
  context?: string;
  /** -n/--namespace: overrides the context's namespace. */
  namespace?: string;
  /** Reads KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where the in-cluster service-account files live; tests point this elsewhere. */
  serviceAccountDir?: string;
}

/** The request options applyAuth fills in: TLS material and headers for node:https. */
export interface AuthRequestOptions {
  headers?: Record<string, string | string[] | number | undefined>;
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer | Array<string | Buffer>;
  key?: string | Buffer | Array<string | Buffer>;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ClusterConfig {
  /** API server base URL without a trailing slash, e.g. 'https://127.0.0.1:6443'. */
  server: string;
  contextName: string;
  clusterName: string;
  /** Name of the kubeconfig user entry ('' when the context names none: anonymous). */
  user: string;
  /** flag > context namespace (or the service account's) > 'default'. */
  namespace: string;
  namespaceSource: 'flag' | 'context' | 'service-account' | 'default';
  inCluster: boolean;
  /** The cluster entry says insecure-skip-tls-verify: true. */
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  /** proxy-url from the cluster entry; kube/rest does not support proxies yet. */
  proxyUrl?: string;
  /** Kubeconfig files that were read, in precedence order. */
  files: string[];
  /** Every context name known, for messages. */
  contexts: string[];
  /**
   * Fills TLS options and auth headers for one request. Async because exec plugins and OIDC
   * refreshes run here; rejects with KubeConfigError when credentials cannot be obtained.
   */
  applyAuth(opts: AuthRequestOptions): Promise<void>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type RawEntry = Record<string, unknown>;
interface Named {
  entry: RawEntry;
  file: string;
}
interface Merged {
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext?: { name: string; file: string };
  files: string[];
}

export async function loadClusterConfig(opts: LoadClusterConfigOptions): Promise<ClusterConfig> {
  const files = kubeconfigFiles(opts);
  if (files === 'in-cluster') return inClusterConfig(opts);
  const texts = files.map(readKubeconfigText);
  // A kubeconfig written as JSON (`kubectl config view --flatten -o json`, some tools' output) is
  // YAML too, but JSON.parse reads it without loading the YAML parser (~5 ms of compile and first
  // parse; issue 6). The YAML parser is loaded here, not at module top, and only when some file is
  // not JSON. js-yaml rather than `yaml`: the latter's chunk cost ~20 ms of start-up here.
  const json = texts.map(parseJsonObject);
  const parseYaml: ParseYaml = json.every((doc) => doc !== undefined) ? JSON.parse : await loadYamlParser();
  const merged = mergeFiles(files.map((file, i) => json[i] ?? parseKubeconfig(file, texts[i] as string, parseYaml)), files);
  return await fromMerged(merged, opts);
}

/** The kubeconfig files to read, or 'in-cluster' when none and a service account token exists. */
function kubeconfigFiles(opts: LoadClusterConfigOptions): string[] | 'in-cluster' {
  if (opts.kubeconfig) {
    const file = path.resolve(opts.kubeconfig);
    if (!fs.existsSync(file)) {
      throw new KubeConfigError(
        'kubeconfig.missing-file',
        `The kubeconfig file ${file} given with --kubeconfig does not exist. Check the path, or leave out --kubeconfig to use $KUBECONFIG or ~/.kube/config.`,
        file,
      );
    }
    return [file];
  }
  const fromEnv = opts.env.KUBECONFIG;
  if (fromEnv && fromEnv.trim() !== '') {
    const listed = [...new Set(fromEnv.split(path.delimiter).filter((f) => f !== '').map((f) => path.resolve(f)))];
    const existing = listed.filter((f) => fs.existsSync(f));
    if (existing.length === 0) {
      throw new KubeConfigError(
        'kubeconfig.missing-file',
        `None of the files in $KUBECONFIG exist (${listed.join(', ')}). Fix $KUBECONFIG, or pass --kubeconfig FILE.`,
        listed[0],
      );
    }
    return existing;
  }
  const home = opts.env.HOME;
  if (home) {
    const file = path.join(home, '.kube', 'config');
    if (fs.existsSync(file)) return [file];
  }
  const saDir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (opts.env.KUBERNETES_SERVICE_HOST && fs.existsSync(path.join(saDir, 'token'))) return 'in-cluster';
  throw new KubeConfigError(
    'kubeconfig.none',
    `No kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set, ${home ? path.join(home, '.kube', 'config') : '~/.kube/config'} does not exist, and this is not a pod with a service account. Point kubespy at a cluster with --kubeconfig FILE, or try the embedded one with 'kubespy demo'.`,
  );
}

type ParseYaml = (text: string) => unknown;

/**
 * YAML 1.2's core schema (what client-go's YAML-to-JSON conversion yields for kubeconfigs: no
 * timestamps or binary; `true`, numbers and null as JSON has them).
 */
async function loadYamlParser(): Promise<ParseYaml> {
  const { load, CORE_SCHEMA } = await import('js-yaml');
  return (text) => load(text, { schema: CORE_SCHEMA });
}

/** `docs[i]` is the parsed content of `files[i]`. */
function mergeFiles(docs: RawEntry[], files: string[]): Merged {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), files };
  for (const [i, doc] of docs.entries()) {
    const file = files[i] as string;
    const current = doc['current-context'];
    if (!merged.currentContext && typeof current === 'string' && current !== '') {
      merged.currentContext = { name: current, file };
    }
    addNamed(merged.clusters, doc.clusters, 'clusters', file);
    addNamed(merged.users, doc.users, 'users', file);
    addNamed(merged.contexts, doc.contexts, 'contexts', file);
  }
  return merged;
}

/** The file's content when it is a JSON object, else undefined (the YAML parser decides). */
function parseJsonObject(text: string): RawEntry | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as RawEntry) : undefined;
  } catch {
    // Not strict JSON (a YAML flow mapping, a trailing comma): the YAML parser reads or rejects it.
    return undefined;
  }
}

function readKubeconfigText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new KubeConfigError('kubeconfig.missing-file', `The kubeconfig file ${file} does not exist.`, file);
    }
    throw new KubeConfigError(
      'kubeconfig.invalid',
      `The kubeconfig file ${file} cannot be read (${code ?? 'error'}). Check its permissions.`,
      file,
    );
  }
}

function parseKubeconfig(file: string, text: string, parseYaml: ParseYaml): RawEntry {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // The parser's message quotes the offending line, and some of its reasons quote content (an
    // unknown tag, an unknown alias) — either may be a token or password: report where only.
    const e = err as { mark?: { line: number; column: number } };
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw new KubeConfigError(
      'kubeconfig.bad-yaml',
      `The kubeconfig file ${file} is not valid YAML${where}. Fix the file, or check it with 'kubectl config view --kubeconfig ${file}'.`,
      file,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KubeConfigError(
      'kubeconfig.bad-yaml',
      `The kubeconfig file ${file} does not hold a kubeconfig (expected a mapping with clusters, users and contexts).`,
      file,
    );
  }
  return doc as RawEntry;
}

/** First definition of a name wins (clientcmd merge rule); later ones are ignored. */
function addNamed(into: Map<string, Named>, list: unknown, key: string, file: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    throw new KubeConfigError('kubeconfig.invalid', `In the kubeconfig file ${file}, '${key}' must be a list.`, file);
  }
  list.forEach((item: unknown, i) => {
    const name = typeof item === 'object' && item !== null ? (item as RawEntry).name : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new KubeConfigError('kubeconfig.invalid', `In the kubeconfig file ${file}, ${key}[${i}] has no name.`, file);
    }
    if (!into.has(name)) into.set(name, { entry: item as RawEntry, file });
  });
}

async function fromMerged(merged: Merged, opts: LoadClusterConfigOptions): Promise<ClusterConfig> {
  const contextNames = [...merged.contexts.keys()];
  const known = contextNames.length > 0 ? `Known contexts: ${contextNames.join(', ')}.` : 'The kubeconfig defines no contexts.';
  const fileList = merged.files.join(', ');
  let contextName: string;
  if (opts.context) {
    contextName = opts.context;
    if (!merged.contexts.has(contextName)) {
      throw new KubeConfigError(
        'kubeconfig.unknown-context',
        `The context "${contextName}" given with --context is not defined in ${fileList}. ${known}`,
      );
    }
  } else if (merged.currentContext) {
    contextName = merged.currentContext.name;
    if (!merged.contexts.has(contextName)) {
      throw new KubeConfigError(
        'kubeconfig.unknown-context',
        `The current-context "${contextName}" set in ${merged.currentContext.file} is not defined. ${known} Pick one with --context NAME or 'kubectl config use-context NAME'.`,
        merged.currentContext.file,
      );
    }
  } else {
    throw new KubeConfigError(
      'kubeconfig.no-current-context',
      `No current context is set in ${fileList}. ${known} Pick one with --context NAME or 'kubectl config use-context NAME'.`,
    );
  }

  const ctxNamed = merged.contexts.get(contextName) as Named;
  const ctx = asRecord(ctxNamed.entry.context);
  const clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : '';
  const clusterNamed = merged.clusters.get(clusterName);
  if (!clusterNamed) {
    throw new KubeConfigError(
      'kubeconfig.unknown-cluster',
      `The context "${contextName}" (in ${ctxNamed.file}) refers to cluster "${clusterName}", which is not defined in ${fileList}.`,
      ctxNamed.file,
    );
  }
  const cluster = asRecord(clusterNamed.entry.cluster);
  const server = typeof cluster.server === 'string' ? cluster.server.replace(/\/+$/, '') : '';
  if (!server) {
    throw new KubeConfigError(
      'kubeconfig.invalid',
      `The cluster "${clusterName}" in ${clusterNamed.file} has no server URL.`,
      clusterNamed.file,
    );
  }
  const userName = typeof ctx.user === 'string' ? ctx.user : '';
  let userNamed: Named | undefined;
  if (userName) {
    userNamed = merged.users.get(userName);
    if (!userNamed) {
      throw new KubeConfigError(
        'kubeconfig.unknown-user',
        `The context "${contextName}" (in ${ctxNamed.file}) refers to user "${userName}", which is not defined in ${fileList}.`,
        ctxNamed.file,
      );
    }
  }

  const skipTLS = cluster['insecure-skip-tls-verify'] === true;
  const caFile = resolveIn(clusterNamed.file, cluster['certificate-authority']);
  const ca = caFile
    ? readCredentialFile(caFile, `certificate-authority of cluster "${clusterName}"`, clusterNamed.file)
    : decodeData(cluster['certificate-authority-data']);

  const user = userNamed ? toUser(userName, asRecord(userNamed.entry.user), userNamed.file) : undefined;
  const ctxNamespace = typeof ctx.namespace === 'string' && ctx.namespace !== '' ? ctx.namespace : undefined;
  const tlsServerName = typeof cluster['tls-server-name'] === 'string' ? cluster['tls-server-name'] : undefined;
  const proxyUrl = typeof cluster['proxy-url'] === 'string' ? cluster['proxy-url'] : undefined;
  return {
    server,
    contextName,
    clusterName,
    user: userName,
    ...namespaceOf(opts.namespace, ctxNamespace, 'context'),
    inCluster: false,
    insecureSkipTLSVerify: skipTLS,
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(proxyUrl ? { proxyUrl } : {}),
    files: merged.files,
    contexts: contextNames,
    applyAuth: makeApplyAuth({ skipTLS, ca, tlsServerName, user }),
  };
}

interface LoadedUser {
  user: User;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
}

/** Converts a kubeconfig user entry to client-node's User shape, checking the files it names. */
function toUser(name: string, raw: RawEntry, file: string): LoadedUser {
  const what = `user "${name}"`;
  const certFile = resolveIn(file, raw['client-certificate']);
  const keyFile = resolveIn(file, raw['client-key']);
  const tokenFile = resolveIn(file, raw['token-file']);
  const cert = certFile
    ? readCredentialFile(certFile, `client-certificate of ${what}`, file)
    : decodeData(raw['client-certificate-data']);
  const key = keyFile ? readCredentialFile(keyFile, `client-key of ${what}`, file) : decodeData(raw['client-key-data']);
  let token = typeof raw.token === 'string' && raw.token !== '' ? raw.token : undefined;
  if (!token && tokenFile) token = readCredentialFile(tokenFile, `token-file of ${what}`, file).toString('utf8').trim();
  let exec = asOptionalRecord(raw.exec);
  if (exec && typeof exec.command === 'string' && exec.command.includes('/')) {
    // clientcmd resolves an exec command that contains a path separator against the file's
    // directory; a bare command name is looked up on PATH.
    exec = { ...exec, command: resolveIn(file, exec.command) };
  }
  const user: User = {
    name,
    ...(exec ? { exec } : {}),
    ...(asOptionalRecord(raw['auth-provider']) ? { authProvider: raw['auth-provider'] } : {}),
    ...(typeof raw.username === 'string' ? { username: raw.username } : {}),
    ...(typeof raw.password === 'string' ? { password: raw.password } : {}),
    ...(typeof raw.as === 'string' ? { impersonateUser: raw.as } : {}),
  };
  return { user, ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(token ? { token } : {}) };
}

function inClusterConfig(opts: LoadClusterConfigOptions): ClusterConfig {
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = opts.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = opts.env.KUBERNETES_SERVICE_PORT ?? '443';
  const server = `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  const caPath = path.join(dir, 'ca.crt');
  const ca = fs.existsSync(caPath) ? fs.readFileSync(caPath) : undefined;
  const nsPath = path.join(dir, 'namespace');
  const saNamespace = fs.existsSync(nsPath) ? fs.readFileSync(nsPath, 'utf8').trim() || undefined : undefined;
  // The projected token rotates; client-node's FileAuth re-reads it every minute, like client-go.
  const user: User = { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: path.join(dir, 'token') } } };
  return {
    server,
    contextName: 'in-cluster',
    clusterName: 'in-cluster',
    user: 'in-cluster',
    ...namespaceOf(opts.namespace, saNamespace, 'service-account'),
    inCluster: true,
    insecureSkipTLSVerify: false,
    files: [],
    contexts: [],
    applyAuth: makeApplyAuth({ skipTLS: false, ca, user: { user } }),
  };
}

function namespaceOf(
  flag: string | undefined,
  fromConfig: string | undefined,
  source: 'context' | 'service-account',
): Pick<ClusterConfig, 'namespace' | 'namespaceSource'> {
  if (flag) return { namespace: flag, namespaceSource: 'flag' };
  if (fromConfig) return { namespace: fromConfig, namespaceSource: source };
  return { namespace: 'default', namespaceSource: 'default' };
}

/**
 * Mirrors KubeConfig.applyHTTPSOptions + applyAuthorizationHeader: cluster TLS settings, client
 * certificate, impersonation, then the authenticator (exec / OIDC / token file / gcp / azure),
 * then a static token, which wins as it does in client-node.
 */
function makeApplyAuth(parts: {
  skipTLS: boolean;
  ca?: Buffer | undefined;
  tlsServerName?: string | undefined;
  user?: LoadedUser | undefined;
}): (opts: AuthRequestOptions) => Promise<void> {
  let authenticators: Promise<Authenticator[]> | undefined;
  // The first authenticator call runs alone; calls made meanwhile wait for it. client-node's
  // ExecAuth caches a credential only once its plugin has exited and starts another plugin for
  // every call made before: a trace opens a dozen requests at once, which ran `aws eks get-token`
  // (or a browser login) a dozen times. Later calls run side by side, as before (a credential
  // without an expirationTimestamp is not cached by client-node: each call runs the plugin).
  let firstCall: Promise<unknown> | undefined;
  return async (opts) => {
    opts.headers ??= {};
    opts.rejectUnauthorized = !parts.skipTLS;
    if (parts.tlsServerName) opts.servername = parts.tlsServerName;
    if (parts.ca) opts.ca = parts.ca;
    const u = parts.user;
    if (!u) return;
    if (u.cert) opts.cert = u.cert;
    if (u.key) opts.key = u.key;
    if (u.user.impersonateUser) opts.headers['Impersonate-User'] = u.user.impersonateUser;
    if (u.user.exec || u.user.authProvider) {
      authenticators ??= loadAuthenticators();
      const list = await authenticators;
      const auth = list.find((a) => a.isAuthProvider(u.user));
      if (auth) {
        const call = () => auth.applyAuthentication(u.user, opts as Parameters<Authenticator['applyAuthentication']>[1]);
        let applied: Promise<unknown>;
        if (firstCall === undefined) {
          applied = call();
          firstCall = applied.catch(() => {});
        } else {
          applied = firstCall.then(call);
        }
        try {
          await applied;
        } catch (err) {
          throw authFailure(u.user, err);
        }
      }
    }
    if (u.token) opts.headers.Authorization = `Bearer ${u.token}`;
    if (u.user.username) {
      opts.headers.Authorization = `Basic ${Buffer.from(`${u.user.username}:${u.user.password ?? ''}`).toString('base64')}`;
    }
  };
}

async function loadAuthenticators(): Promise<Authenticator[]> {
  const [exec, file, oidc, gcp, azure] = await Promise.all([
    import('@kubernetes/client-node/dist/exec_auth.js'),
    import('@kubernetes/client-node/dist/file_auth.js'),
    import('@kubernetes/client-node/dist/oidc_auth.js'),
    import('@kubernetes/client-node/dist/gcp_auth.js'),
    import('@kubernetes/client-node/dist/azure_auth.js'),
  ]);
  // Same order as KubeConfig's constructor, so the same authenticator claims a user.
  return [new azure.AzureAuth(), new gcp.GoogleCloudPlatformAuth(), new exec.ExecAuth(), new file.FileAuth(), new oidc.OpenIDConnectAuth()];
}

/** Never includes the plugin's output or error text: either may contain credentials. */
function authFailure(user: User, err: unknown): KubeConfigError {
  const exec = asOptionalRecord(user.exec) ?? asOptionalRecord(asOptionalRecord(asOptionalRecord(user.authProvider)?.config)?.exec);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (exec) {
    const command = typeof exec.command === 'string' ? exec.command : '(none)';
    if (code === 'ENOENT' || code === 'EACCES') {
      const hint = typeof exec.installHint === 'string' ? ` ${exec.installHint.trim()}` : '';
      return new KubeConfigError(
        'kubeconfig.exec-plugin-missing',
        `The kubeconfig user "${user.name}" gets its credentials by running "${command}", which ${code === 'ENOENT' ? 'was not found' : 'cannot be executed'}. Install it or put it on your PATH.${hint}`,
      );
    }
    return new KubeConfigError(
      'kubeconfig.exec-plugin-failed',
      `The credential plugin "${command}" of kubeconfig user "${user.name}" failed or printed no valid ExecCredential. Run it by hand to see why (you may need to log in again with your provider's CLI).`,
    );
  }
  const provider = asOptionalRecord(user.authProvider);
  const name = typeof provider?.name === 'string' ? provider.name : 'auth-provider';
  if (code === 'ENOENT' && provider?.name === 'tokenFile') {
    return new KubeConfigError(
      'kubeconfig.missing-cert-file',
      `The service account token file of user "${user.name}" is missing. Is the token mounted in this pod?`,
    );
  }
  return new KubeConfigError(
    'kubeconfig.auth-provider-failed',
    `The ${name} auth provider of kubeconfig user "${user.name}" could not produce credentials. Log in again with the tool that wrote this kubeconfig.`,
  );
}

function readCredentialFile(file: string, what: string, kubeconfig: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KubeConfigError(
      'kubeconfig.missing-cert-file',
      code === 'ENOENT'
        ? `The ${what} in ${kubeconfig} points to ${file}, which does not exist. Fix the path in the kubeconfig, or regenerate it.`
        : `The ${what} in ${kubeconfig} points to ${file}, which cannot be read (${code ?? 'error'}).`,
      kubeconfig,
    );
  }
}

function resolveIn(kubeconfigFile: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('~/')) return value; // clientcmd does not expand ~ either.
  return path.isAbsolute(value) ? value : path.join(path.dirname(kubeconfigFile), value);
}

function decodeData(value: unknown): Buffer | undefined {
  return typeof value === 'string' && value !== '' ? Buffer.from(value, 'base64') : undefined;
}

function asRecord(value: unknown): RawEntry {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawEntry) : {};
}

function asOptionalRecord(value: unknown): RawEntry | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawEntry) : undefined;
}
