/** The store wired to the real object rules and patch engine (createStore). */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from './index.js';
import { apiError, deployment } from './test-helpers.js';

function newStore() {
  const store = createStore({ clock: new ManualClock() });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  return store;
}

describe('createStore with the real rules', () => {
  it('defaults objects on create', () => {
    const store = newStore();
    const pod = store.create('pods', 'default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect(pod.status).toMatchObject({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod.spec).toMatchObject({ restartPolicy: 'Always', schedulerName: 'default-scheduler' });
    const ns = store.get('namespaces', undefined, 'default');
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
  });

  it('answers 422 with the validation causes', () => {
    const store = newStore();
    const err = apiError(() => store.create('pods', 'default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }));
    expect(err.status.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.status.message).toMatch(/^Pod "p" is invalid: .*spec\.containers\[0\]\.image: Required value/);
  });

  it('applies kubectl-shaped strategic merge patches and bumps generation', () => {
    const store = newStore();
    store.create('deployments.apps', 'default', deployment('web'));
    const patched = store.patch('deployments.apps', 'default', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
    });
    const containers = (patched.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers;
    expect(containers.map((c) => c.image)).toEqual(['nginx:1.27']);
    expect(patched.metadata.generation).toBe(2);
  });

  it('creates with server-side apply and reports apply conflicts as 409', () => {
    const store = newStore();
    const body = { ...deployment('web', 2) };
    const created = store.patch('deployments.apps', 'default', 'web', 'apply', body, { fieldManager: 'alice' });
    expect(created.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'alice', operation: 'Apply' })]);
    const err = apiError(() => store.patch('deployments.apps', 'default', 'web', 'apply', deployment('web', 5), { fieldManager: 'bob' }));
    expect(err.status.code).toBe(409);
    expect(err.status.reason).toBe('Conflict');
    const forced = store.patch('deployments.apps', 'default', 'web', 'apply', deployment('web', 5), { fieldManager: 'bob', force: true });
    expect((forced.spec as { replicas: number }).replicas).toBe(5);
  });

  it('keeps the resourceVersion for a repeated identical apply', () => {
    const store = newStore();
    store.patch('deployments.apps', 'default', 'web', 'apply', deployment('web'), { fieldManager: 'alice' });
    const rv = store.currentResourceVersion();
    const again = store.patch('deployments.apps', 'default', 'web', 'apply', deployment('web'), { fieldManager: 'alice' });
    expect(again.metadata.resourceVersion).toBe(rv);
  });
});
