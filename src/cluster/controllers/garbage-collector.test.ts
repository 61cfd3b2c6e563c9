import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject, OwnerReference } from '../../lib/kube-object.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';
import { createGarbageCollectorController } from './garbage-collector.js';
import type { ControllerContext } from './runtime.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const clock = new ManualClock();
  const store = createStore({ clock });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
  const gc = createGarbageCollectorController();
  gc.start(ctx);
  const log: string[] = [];
  store.subscribe((c) => {
    if (c.type === 'DELETED') log.push(`deleted ${c.resource.plural}/${c.object.metadata.name ?? ''}`);
  });
  return {
    store,
    log,
    async settle() {
      for (let i = 0; i < 30; i++) await tick();
    },
    configMap(name: string, owners: OwnerReference[] = [], finalizers?: string[]) {
      return store.create('configmaps', 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, ...(owners.length ? { ownerReferences: owners } : {}), ...(finalizers ? { finalizers } : {}) },
        data: {},
      });
    },
    exists(resource: string, name: string) {
      return store.tryGet(resource, 'default', name) !== undefined;
    },
    stop: () => gc.stop(),
  };
}

const ref = (owner: KubeObject, blockOwnerDeletion = true): OwnerReference => ({
  apiVersion: owner.apiVersion ?? 'v1',
  kind: owner.kind ?? 'ConfigMap',
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion,
});

describe('garbage collector', () => {
  it.each([
    {
      policy: 'Background' as const,
      expectDependents: false,
      expectOrder: (log: string[]) => expect(log[0]).toBe('deleted configmaps/owner'),
    },
    {
      policy: 'Foreground' as const,
      expectDependents: false,
      expectOrder: (log: string[]) => expect(log[log.length - 1]).toBe('deleted configmaps/owner'),
    },
    {
      policy: 'Orphan' as const,
      expectDependents: true,
      expectOrder: (log: string[]) => expect(log).toEqual(['deleted configmaps/owner']),
    },
  ])('propagationPolicy $policy', async ({ policy, expectDependents, expectOrder }) => {
    const t = setup();
    const owner = t.configMap('owner');
    t.configMap('child-a', [ref(owner)]);
    t.configMap('child-b', [ref(owner)]);
    await t.settle();
    t.store.delete('configmaps', 'default', 'owner', { propagationPolicy: policy });
    await t.settle();
    expect(t.exists('configmaps', 'owner')).toBe(false);
    expect(t.exists('configmaps', 'child-a')).toBe(expectDependents);
    expect(t.exists('configmaps', 'child-b')).toBe(expectDependents);
    if (expectDependents) {
      expect(t.store.get('configmaps', 'default', 'child-a').metadata.ownerReferences).toBeUndefined();
    }
    expectOrder(t.log);
    t.stop();
  });

  it('foreground deletion waits for blocking dependents that have finalizers', async () => {
    const t = setup();
    const owner = t.configMap('owner');
    t.configMap('held', [ref(owner)], ['example.com/hold']);
    t.configMap('loose', [ref(owner, false)], ['example.com/hold']);
    await t.settle();
    t.store.delete('configmaps', 'default', 'owner', { propagationPolicy: 'Foreground' });
    await t.settle();
    const waiting = t.store.get('configmaps', 'default', 'owner');
    expect(waiting.metadata.deletionTimestamp).toBeDefined();
    expect(waiting.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(t.store.get('configmaps', 'default', 'held').metadata.deletionTimestamp).toBeDefined();
    // Only the dependent with blockOwnerDeletion holds the owner back.
    t.store.mutate('configmaps', 'default', 'held', (cm) => ({ ...cm, metadata: { ...cm.metadata, finalizers: [] } }));
    await t.settle();
    expect(t.exists('configmaps', 'owner')).toBe(false);
    expect(t.exists('configmaps', 'loose')).toBe(true);
    t.stop();
  });

  it('a dependent with another live owner only loses the dangling reference', async () => {
    const t = setup();
    const a = t.configMap('owner-a');
    const b = t.configMap('owner-b');
    t.configMap('shared', [ref(a), { ...ref(b), controller: false }]);
    await t.settle();
    t.store.delete('configmaps', 'default', 'owner-a');
    await t.settle();
    expect(t.store.get('configmaps', 'default', 'shared').metadata.ownerReferences?.map((r) => r.name)).toEqual(['owner-b']);
    t.stop();
  });

  it('deletes dependents whose owner never existed (wrong uid)', async () => {
    const t = setup();
    const owner = t.configMap('owner');
    t.configMap('orphaned', [{ ...ref(owner), uid: '00000000-0000-0000-0000-000000000000' }]);
    t.configMap('fine', [ref(owner)]);
    await t.settle();
    expect(t.exists('configmaps', 'orphaned')).toBe(false);
    expect(t.exists('configmaps', 'fine')).toBe(true);
    t.stop();
  });

  it('collects dependents of custom resources, and dependents across kinds', async () => {
    const t = setup();
    t.store.create('customresourcedefinitions.apiextensions.k8s.io', undefined, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    await t.settle();
    const widget = t.store.create('widgets.example.com', 'default', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    t.configMap('widget-config', [ref(widget)]);
    const child = t.store.create('widgets.example.com', 'default', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w-child', ownerReferences: [ref(widget)] },
    });
    expect(child.metadata.ownerReferences?.[0]?.kind).toBe('Widget');
    await t.settle();
    expect(t.exists('configmaps', 'widget-config')).toBe(true);
    t.store.delete('widgets.example.com', 'default', 'w');
    await t.settle();
    expect(t.exists('configmaps', 'widget-config')).toBe(false);
    expect(t.exists('widgets.example.com', 'w-child')).toBe(false);
    t.stop();
  });

  it('builds its graph from objects stored before it started', async () => {
    const clock = new ManualClock();
    const store = createStore({ clock });
    store.create('namespaces', undefined, { metadata: { name: 'default' } });
    const owner = store.create('configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    store.create('configmaps', 'default', { metadata: { name: 'child', ownerReferences: [ref(owner)] } });
    const gc = createGarbageCollectorController();
    gc.start({ store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} });
    store.delete('configmaps', 'default', 'owner');
    for (let i = 0; i < 30; i++) await tick();
    expect(store.tryGet('configmaps', 'default', 'child')).toBeUndefined();
    gc.stop();
  });
});
