/**
 * The kubeconfig the embedded cluster hands out: one cluster, one user with a bearer token, one
 * context made current — what kubectl, @kubernetes/client-node and the Python client all read.
 */
import { dump } from 'js-yaml';

export interface KubeconfigOptions {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM of the CA that signed the serving certificate (https servers). */
  caCertPem?: string;
  token: string;
  /** Name of the cluster, user and context; default 'kubespy'. */
  contextName?: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** Skip TLS verification; forced for http:// servers. */
  insecure?: boolean;
}

export function renderKubeconfig(options: KubeconfigOptions): string {
  const name = options.contextName ?? 'kubespy';
  const cluster: Record<string, unknown> = { server: options.server };
  // @kubernetes/client-node refuses plain http unless the cluster is marked insecure
  // (kubectl-wire-notes.md, "Clients other than kubectl"); verification is meaningless without TLS.
  const plainHttp = options.server.startsWith('http://');
  if (options.insecure || plainHttp) {
    cluster['insecure-skip-tls-verify'] = true;
  } else if (options.caCertPem) {
    cluster['certificate-authority-data'] = Buffer.from(options.caCertPem, 'utf8').toString('base64');
  }
  const context: Record<string, unknown> = { cluster: name, user: name };
  if (options.namespace) context['namespace'] = options.namespace;

  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context }],
    'current-context': name,
  };
  return dump(config, { lineWidth: -1 });
}
