import { describe, expect, it } from 'vitest';
import { load as parse } from 'js-yaml';
import { renderKubeconfig } from './kubeconfig.js';

interface Config {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: Record<string, unknown> }>;
  'current-context': string;
}

describe('renderKubeconfig', () => {
  it('writes an https cluster with its CA, a token user and a current context', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
    const config = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caCertPem: ca, token: 't0k' })) as Config;
    expect(config.clusters).toEqual([
      { name: 'kubespy', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(ca).toString('base64') } },
    ]);
    expect(config.users).toEqual([{ name: 'kubespy', user: { token: 't0k' } }]);
    expect(config.contexts).toEqual([{ name: 'kubespy', context: { cluster: 'kubespy', user: 'kubespy' } }]);
    expect(config['current-context']).toBe('kubespy');
  });

  it('marks plain http clusters insecure-skip-tls-verify (client-node refuses http otherwise)', () => {
    const config = parse(renderKubeconfig({ server: 'http://127.0.0.1:8080', token: 't' })) as Config;
    expect(config.clusters[0]?.cluster).toEqual({ server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true });
  });

  it('uses the given context name and namespace', () => {
    const config = parse(
      renderKubeconfig({ server: 'https://127.0.0.1:1', caCertPem: 'x', token: 't', contextName: 'demo', namespace: 'shop' }),
    ) as Config;
    expect(config.contexts).toEqual([{ name: 'demo', context: { cluster: 'demo', user: 'demo', namespace: 'shop' } }]);
    expect(config['current-context']).toBe('demo');
  });

  it('skips verification when asked even with a CA', () => {
    const config = parse(renderKubeconfig({ server: 'https://127.0.0.1:1', caCertPem: 'x', token: 't', insecure: true })) as Config;
    expect(config.clusters[0]?.cluster).toEqual({ server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true });
  });
});
