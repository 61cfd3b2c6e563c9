import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { startEmbeddedCluster } from '../index.js';
import { isApiError } from '../store/errors.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { createEventRecorder } from './events.js';
import {
  createResourceQuotaAdmission,
  createResourceQuotaController,
  formatQuantity,
  missingConstraints,
  podCompute,
} from './resourcequota.js';

function pod(name: string, containers: Array<Record<string, unknown>> = [{ name: 'nginx', image: 'nginx:1.27' }], extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers, ...extra } };
}

function quota(hard: Record<string, string | number>, name = 'compute'): KubeObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard } };
}

function quotaStore(): Store {
  const clock = new ManualClock();
  const store: Store = createStore({ clock, admission: [createResourceQuotaAdmission(() => store)] });
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  return store;
}

/** The Status a refused create carries (message, reason, code). */
function refusal(fn: () => unknown): { code: number; reason?: string; message?: string; details?: unknown } | undefined {
  try {
    fn();
  } catch (error) {
    if (isApiError(error)) return { code: error.status.code ?? 0, reason: error.status.reason, message: error.status.message, details: error.status.details };
    throw error;
  }
  return undefined;
}

const sized = (name: string, requests: Record<string, string>, limits: Record<string, string> = requests) => ({
  name,
  image: 'nginx:1.27',
  resources: { requests, limits },
});

describe('quota arithmetic', () => {
  it.each([
    ['requests.cpu', 500, '500m'],
    ['requests.cpu', 2000, '2'],
    ['cpu', 1500, '1500m'],
    ['requests.memory', 256 * 2 ** 20, '256Mi'],
    ['limits.memory', 2 ** 30, '1Gi'],
    ['limits.memory', 1_000_000_000, '1G'],
    ['requests.memory', 0, '0'],
    ['pods', 3, '3'],
  ])('formatQuantity(%s, %s) = %s', (resource, value, want) => expect(formatQuantity(resource, value)).toBe(want));

  it('charges the sum of containers, at least the largest init container', () => {
    const p = pod('p', [sized('a', { cpu: '100m', memory: '64Mi' }), sized('b', { cpu: '200m', memory: '64Mi' })], {
      initContainers: [sized('init', { cpu: '1', memory: '32Mi' })],
    });
    expect(podCompute(p, 'requests.cpu')).toBe(1000);
    expect(podCompute(p, 'requests.memory')).toBe(128 * 2 ** 20);
    // Limits stand in for requests a container leaves out, as API defaulting does.
    expect(podCompute(pod('q', [{ name: 'c', resources: { limits: { cpu: '250m' } } }]), 'requests.cpu')).toBe(250);
  });

  it.each([
    { name: 'no cpu/memory quota', hard: ['pods'], containers: [{ name: 'nginx' }], want: undefined },
    { name: 'request stated', hard: ['requests.cpu'], containers: [sized('nginx', { cpu: '1' })], want: undefined },
    {
      name: 'missing requests and limits',
      hard: ['requests.cpu', 'limits.memory', 'pods'],
      containers: [{ name: 'nginx' }, sized('sidecar', { cpu: '1' }, {})],
      want: 'must specify limits.memory for: nginx,sidecar; requests.cpu for: nginx',
    },
  ])('missingConstraints: $name', ({ hard, containers, want }) => {
    expect(missingConstraints(pod('p', containers), hard)).toBe(want);
  });
});

describe('quota admission', () => {
  it('refuses the Pod beyond pods=2 with the real Forbidden message', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ pods: '2' }));
    store.create('pods', 'shop', pod('web-1'));
    store.create('pods', 'shop', pod('web-2'));
    const refused = refusal(() => store.create('pods', 'shop', pod('web-7d9c6f5b8-x2k9p')));
    expect(refused).toEqual({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "web-7d9c6f5b8-x2k9p" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2',
      details: { name: 'web-7d9c6f5b8-x2k9p', kind: 'pods' },
    });
    expect(store.tryGet('pods', 'shop', 'web-7d9c6f5b8-x2k9p')).toBeUndefined();
  });

  it('names the generated name of a generateName create', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ pods: 0 }));
    const refused = refusal(() => store.create('pods', 'shop', { ...pod(''), metadata: { generateName: 'web-7d9c6f5b8-' } }));
    expect(refused?.message).toMatch(/^pods "web-7d9c6f5b8-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0$/);
  });

  it('does not count terminal Pods', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ pods: '1' }));
    store.create('pods', 'shop', pod('done'));
    store.mutate('pods', 'shop', 'done', (copy) => ({ ...copy, status: { phase: 'Succeeded' } }), { subresource: 'status' });
    expect(refusal(() => store.create('pods', 'shop', pod('next')))).toBeUndefined();
  });

  it('lists only the exceeded compute resources, in order', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi' }));
    store.create('pods', 'shop', pod('a', [sized('nginx', { cpu: '600m', memory: '256Mi' }, { cpu: '1', memory: '512Mi' })]));
    const refused = refusal(() => store.create('pods', 'shop', pod('b', [sized('nginx', { cpu: '500m', memory: '256Mi' }, { cpu: '1', memory: '512Mi' })])));
    expect(refused?.message).toBe('pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1');
  });

  it('requires containers to state what a cpu/memory quota limits', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ 'requests.cpu': '1', 'limits.cpu': '1' }));
    expect(refusal(() => store.create('pods', 'shop', pod('a')))?.message).toBe(
      'pods "a" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; requests.cpu for: nginx',
    );
  });

  it('counts objects with count/<resource>.<group>', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', quota({ 'count/deployments.apps': '1' }, 'objects'));
    const deployment = (name: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    store.create('deployments.apps', 'shop', deployment('a'));
    expect(refusal(() => store.create('deployments.apps', 'shop', deployment('b')))?.message).toBe(
      'deployments.apps "b" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
    );
    // Pods are not limited by it.
    expect(refusal(() => store.create('pods', 'shop', pod('p')))).toBeUndefined();
  });

  it('ignores scoped quotas', () => {
    const store = quotaStore();
    store.create('resourcequotas', 'shop', { ...quota({ pods: '0' }), spec: { hard: { pods: '0' }, scopes: ['BestEffort'] } });
    expect(refusal(() => store.create('pods', 'shop', pod('p')))).toBeUndefined();
  });
});

describe('quota controller', () => {
  it('keeps status.hard and status.used current', async () => {
    const clock = new ManualClock();
    const store = createStore({ clock });
    store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const controller = createResourceQuotaController();
    controller.start({ store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} });
    const settle = async () => {
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      store.create('resourcequotas', 'shop', quota({ pods: '5', 'requests.memory': '1Gi', 'count/configmaps': '3', 'example.com/gpu': '1' }));
      await settle();
      expect(store.get('resourcequotas', 'shop', 'compute').status).toEqual({
        hard: { pods: '5', 'requests.memory': '1Gi', 'count/configmaps': '3', 'example.com/gpu': '1' },
        used: { pods: '0', 'requests.memory': '0', 'count/configmaps': '0' },
      });
      store.create('pods', 'shop', pod('a', [sized('nginx', { memory: '128Mi' })]));
      store.create('pods', 'shop', pod('b', [sized('nginx', { memory: '128Mi' })]));
      store.create('configmaps', 'shop', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      await settle();
      expect(store.get('resourcequotas', 'shop', 'compute').status).toMatchObject({ used: { pods: '2', 'requests.memory': '256Mi', 'count/configmaps': '1' } });
      store.delete('pods', 'shop', 'a');
      await settle();
      expect(store.get('resourcequotas', 'shop', 'compute').status).toMatchObject({ used: { pods: '1', 'requests.memory': '128Mi' } });
    } finally {
      controller.stop();
    }
  });
});

describe('quota through the embedded cluster', () => {
  it('a Deployment of 3 under pods=2 gets ReplicaFailure FailedCreate with the quota message and 2 Pods', async () => {
    const cluster = await startEmbeddedCluster({ speed: 50 });
    try {
      const { store } = cluster;
      store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
      store.create('resourcequotas', 'shop', quota({ pods: '2' }));
      store.create('deployments.apps', 'shop', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
        },
      });
      const message = /^pods "web-[bcdf4-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2$/;
      const failure = await waitFor(() => {
        const conditions = (store.get('deployments.apps', 'shop', 'web').status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions;
        return conditions?.find((c) => c.type === 'ReplicaFailure');
      });
      expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
      expect(failure.message).toMatch(message);
      const rs = store.list('replicasets.apps', { namespace: 'shop' }).items[0] as KubeObject;
      expect((rs.status as { conditions?: unknown[] }).conditions).toContainEqual(expect.objectContaining({ type: 'ReplicaFailure', reason: 'FailedCreate' }));
      const events = store.list('events', { namespace: 'shop' }).items.filter((e) => e.reason === 'FailedCreate');
      expect(String(events[0]?.message)).toMatch(/^Error creating: pods "web-[bcdf4-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute/);
      expect(store.list('pods', { namespace: 'shop' }).items).toHaveLength(2);
      await waitFor(() => (store.get('resourcequotas', 'shop', 'compute').status as { used?: { pods?: string } }).used?.pods === '2' || undefined);
    } finally {
      await cluster.close();
    }
  }, 30_000);
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
