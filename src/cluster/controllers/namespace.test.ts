import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';
import { createGarbageCollectorController } from './garbage-collector.js';
import { createNamespaceController, deletionConditions } from './namespace.js';
import type { Controller, ControllerContext } from './runtime.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const clock = new ManualClock();
  const store = createStore({ clock });
  for (const name of ['default', 'shop']) store.create('namespaces', undefined, { metadata: { name } });
  const ctx: ControllerContext = { store, clock, speed: 1, duration: (ms) => ms, events: createEventRecorder(store, clock), log: () => {} };
  const controllers: Controller[] = [createNamespaceController(), createGarbageCollectorController()];
  for (const c of controllers) c.start(ctx);
  return {
    store,
    async settle() {
      for (let i = 0; i < 30; i++) await tick();
    },
    stop() {
      for (const c of controllers) c.stop();
    },
  };
}

type Cond = { type: string; status: string; reason: string; message: string };

describe('deletionConditions', () => {
  it('words remaining content as the namespace deleter does', () => {
    const conditions = deletionConditions({
      resources: new Map([
        ['pods.', 2],
        ['widgets.example.com', 1],
      ]),
      finalizers: new Map([['example.com/hold', 1]]),
    });
    expect(conditions.find((c) => c.type === 'NamespaceContentRemaining')).toEqual({
      type: 'NamespaceContentRemaining',
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances',
    });
    expect(conditions.find((c) => c.type === 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
  });
});

describe('namespace controller', () => {
  it('empties a deleted namespace, reports what holds it, then lets it go', async () => {
    const t = setup();
    t.store.create('configmaps', 'shop', { metadata: { name: 'a' }, data: {} });
    t.store.create('configmaps', 'shop', { metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: {} });
    t.store.create('pods', 'shop', { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } });
    t.store.create('configmaps', 'default', { metadata: { name: 'elsewhere' }, data: {} });

    t.store.delete('namespaces', undefined, 'shop');
    await t.settle();
    const ns = t.store.get('namespaces', undefined, 'shop');
    const status = ns.status as { phase: string; conditions: Cond[] };
    expect(status.phase).toBe('Terminating');
    expect(status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
      ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain'],
      ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain'],
    ]);
    expect(status.conditions[3]?.message).toBe('Some resources are remaining: configmaps. has 1 resource instances');
    expect(t.store.list('configmaps', { namespace: 'shop' }).items.map((c) => c.metadata.name)).toEqual(['held']);
    expect(t.store.list('pods', { namespace: 'shop' }).items).toEqual([]);
    expect(t.store.tryGet('configmaps', 'default', 'elsewhere')).toBeDefined();
    // The store refuses new content meanwhile, as the API server's NamespaceLifecycle admission does.
    expect(() => t.store.create('configmaps', 'shop', { metadata: { name: 'late' }, data: {} })).toThrow(
      'unable to create new content in namespace shop because it is being terminated',
    );

    t.store.mutate('configmaps', 'shop', 'held', (cm) => ({ ...cm, metadata: { ...cm.metadata, finalizers: [] } }));
    await t.settle();
    expect(t.store.tryGet('namespaces', undefined, 'shop')).toBeUndefined();
    t.stop();
  });

  it('removes an empty namespace at once', async () => {
    const t = setup();
    t.store.delete('namespaces', undefined, 'shop');
    await t.settle();
    expect(t.store.tryGet('namespaces', undefined, 'shop')).toBeUndefined();
    t.stop();
  });
});
