/**
 * Times as a real kube-apiserver serialises them (time.ts): every metav1.Time the embedded cluster
 * writes — through its store and its controllers — has whole seconds; MicroTime fields (Lease
 * renewTime/acquireTime, eventTime) have six fraction digits.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { startEmbeddedCluster, type EmbeddedCluster } from './index.js';
import { deployment } from './store/test-helpers.js';

const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const MICRO_TIME_FIELDS = new Set(['renewTime', 'acquireTime', 'eventTime']);

let cluster: EmbeddedCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function api(method: string, path: string, body?: unknown): Promise<KubeObject & { items?: KubeObject[] }> {
  const res = await fetch(cluster!.url + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as KubeObject & { items?: KubeObject[] };
}

/** Every timestamp-looking string in `value` (annotations aside: their formats are their own), by field name. */
function timestamps(value: unknown, key = '', out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) out.push([key, value]);
  else if (Array.isArray(value)) for (const v of value) timestamps(v, key, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'annotations') timestamps(v, k, out);
  }
  return out;
}

describe('timestamps written by the embedded cluster', () => {
  it('are whole seconds for metav1.Time and six fraction digits for MicroTime', async () => {
    cluster = await startEmbeddedCluster({ speed: 50, tls: false });
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2));
    const pods = await vi.waitFor(
      async () => {
        const list = (await api('GET', '/api/v1/namespaces/default/pods')).items ?? [];
        const running = list.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
        expect(running).toHaveLength(2);
        return running;
      },
      { timeout: 10_000, interval: 20 },
    );
    // A graceful delete stamps deletionTimestamp (now + grace); the reply carries it (the kubelet
    // may finish the Pod off before the lists below).
    const deleting = await api('DELETE', `/api/v1/namespaces/default/pods/${pods[0]!.metadata.name}`);

    const lists = await Promise.all(
      [
        '/api/v1/namespaces/default/pods',
        '/apis/apps/v1/namespaces/default/replicasets',
        '/apis/apps/v1/namespaces/default/deployments',
        '/api/v1/namespaces/default/events',
        '/api/v1/nodes',
        '/api/v1/namespaces',
        '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
      ].map(async (path) => (await api('GET', path)).items ?? []),
    );
    const found = [deleting, ...lists.flat()].flatMap((o) => timestamps(o));
    const keys = new Set(found.map(([k]) => k));
    // The walk saw every kind of time the brief names, not just creationTimestamp.
    for (const k of ['creationTimestamp', 'deletionTimestamp', 'lastTransitionTime', 'lastUpdateTime', 'startedAt', 'startTime', 'firstTimestamp', 'lastTimestamp', 'lastHeartbeatTime', 'renewTime']) {
      expect(keys, k).toContain(k);
    }
    for (const [key, value] of found) {
      expect(value, key).toMatch(MICRO_TIME_FIELDS.has(key) ? MICROS : SECONDS);
    }
  });
});
