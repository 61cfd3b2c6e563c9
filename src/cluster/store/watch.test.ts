import { describe, expect, it } from 'vitest';
import { apiError, collect, configMap, newStore } from './test-helpers.js';

describe('watch start', () => {
  it.each([
    { name: 'unset', resourceVersion: undefined },
    { name: 'empty', resourceVersion: '' },
    { name: '"0"', resourceVersion: '0' },
  ])('RV $name: ADDED for current matches, then live changes', ({ resourceVersion }) => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('b'));
    store.create('configmaps', 'default', configMap('a'));
    const w = collect(store, 'configmaps', resourceVersion === undefined ? {} : { resourceVersion });
    expect(w.brief()).toEqual(['ADDED a@4', 'ADDED b@3']);
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, data: { x: '1' } }));
    expect(w.brief().slice(2)).toEqual(['MODIFIED a@5']);
  });

  it('RV N replays the history after N, then goes live', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a')); // 3
    const from = store.currentResourceVersion();
    store.create('configmaps', 'default', configMap('b')); // 4
    store.create('pods', 'default', { metadata: { name: 'p' }, spec: {} }); // 5: other kind, not replayed
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, data: { x: '1' } })); // 6
    store.delete('configmaps', 'default', 'b'); // 7
    const w = collect(store, 'configmaps', { resourceVersion: from });
    expect(w.brief()).toEqual(['ADDED b@4', 'MODIFIED a@6', 'DELETED b@7']);
    store.create('configmaps', 'default', configMap('c'));
    expect(w.brief().at(-1)).toBe('ADDED c@8');
  });

  it('answers 410 Expired for an RV older than the history', () => {
    const { store } = newStore({ historySize: 3 });
    for (const n of ['a', 'b', 'c', 'd']) store.create('configmaps', 'default', configMap(n)); // RVs 3..6
    // The ring holds RVs 4, 5, 6: resuming from 3 still works, from 2 it does not.
    expect(collect(store, 'configmaps', { resourceVersion: '3' }).brief()).toEqual(['ADDED b@4', 'ADDED c@5', 'ADDED d@6']);
    const err = apiError(() => store.watch('configmaps', { resourceVersion: '2' }, () => {}));
    expect(err.status).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 2 (3)' });
  });

  it('answers 504 for an RV ahead of the store', () => {
    const { store } = newStore();
    const err = apiError(() => store.watch('configmaps', { resourceVersion: '100' }, () => {}));
    expect(err.status).toMatchObject({
      code: 504,
      reason: 'Timeout',
      message: 'Timeout: Too large resource version: 100, current: 2',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] },
    });
  });

  it('rejects a malformed RV and bad selectors before any event', () => {
    const { store } = newStore();
    expect(apiError(() => store.watch('configmaps', { resourceVersion: 'abc' }, () => {})).status.code).toBe(400);
    expect(apiError(() => store.watch('configmaps', { labelSelector: '!!' }, () => {})).status.code).toBe(400);
    expect(apiError(() => store.watch('nothing', {}, () => {})).status.code).toBe(404);
  });

  it('compaction expires every older RV', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a'));
    store.compact();
    const current = store.currentResourceVersion();
    expect(collect(store, 'configmaps', { resourceVersion: current }).events).toEqual([]);
    const err = apiError(() => store.watch('configmaps', { resourceVersion: '2' }, () => {}));
    expect(err.status.message).toBe(`too old resource version: 2 (${current})`);
    store.create('configmaps', 'default', configMap('b'));
    expect(collect(store, 'configmaps', { resourceVersion: current }).brief()).toEqual(['ADDED b@4']);
  });
});

describe('filtered watches', () => {
  it('synthesise ADDED / DELETED when objects enter or leave the selection', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a', {}, { app: 'web' })); // 3
    const w = collect(store, 'configmaps', { labelSelector: 'app=web', resourceVersion: store.currentResourceVersion() });
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, data: { v: '1' } })); // 4 MODIFIED
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, labels: { app: 'db' } } })); // 5 leaves
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, data: { v: '2' } })); // 6 unseen
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, labels: { app: 'web' } } })); // 7 enters
    store.create('configmaps', 'default', configMap('other', {}, { app: 'db' })); // 8 unseen
    store.delete('configmaps', 'default', 'a'); // 9
    expect(w.brief()).toEqual(['MODIFIED a@4', 'DELETED a@5', 'ADDED a@7', 'DELETED a@9']);
    // Leaving the selection: the previous content, stamped with the new RV.
    const left = w.events[1];
    expect(left?.type === 'DELETED' && left.object.metadata.labels).toEqual({ app: 'web' });
    expect(left?.type === 'DELETED' && left.object.data).toEqual({ v: '1' });
  });

  it('filter on namespace and fields, also when replaying history', () => {
    const { store } = newStore();
    store.create('namespaces', undefined, { metadata: { name: 'other' } });
    const from = store.currentResourceVersion();
    store.create('configmaps', 'default', configMap('a'));
    store.create('configmaps', 'other', configMap('a'));
    store.create('configmaps', 'other', configMap('b'));
    const byNs = collect(store, 'configmaps', { namespace: 'other', resourceVersion: from });
    const byName = collect(store, 'configmaps', { fieldSelector: 'metadata.name=a', resourceVersion: from });
    expect(byNs.brief()).toEqual(['ADDED a@5', 'ADDED b@6']);
    expect(byName.events.map((e) => (e.type === 'ERROR' ? '' : `${e.object.metadata.namespace}/${e.object.metadata.name}`))).toEqual([
      'default/a',
      'other/a',
    ]);
  });

  it('stop() ends delivery', () => {
    const { store } = newStore();
    const w = collect(store, 'configmaps');
    store.create('configmaps', 'default', configMap('a'));
    w.handle.stop();
    store.create('configmaps', 'default', configMap('b'));
    expect(w.brief()).toEqual(['ADDED a@3']);
  });

  it('drops a watcher whose listener throws, without failing the write', () => {
    const { store } = newStore();
    let calls = 0;
    store.watch('configmaps', {}, () => {
      calls++;
      throw new Error('connection closed');
    });
    store.create('configmaps', 'default', configMap('a'));
    store.create('configmaps', 'default', configMap('b'));
    expect(calls).toBe(1);
    expect(store.tryGet('configmaps', 'default', 'b')).toBeDefined();
  });
});

describe('streaming lists (sendInitialEvents)', () => {
  it('sends ADDED for each match, then the initial-events-end bookmark at the snapshot RV', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a', {}, { app: 'web' }));
    store.create('configmaps', 'default', configMap('b', {}, { app: 'db' }));
    const w = collect(store, 'configmaps', { sendInitialEvents: true, allowWatchBookmarks: true, labelSelector: 'app=web', resourceVersion: '' });
    expect(w.events).toEqual([
      expect.objectContaining({ type: 'ADDED' }),
      {
        type: 'BOOKMARK',
        object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '4', annotations: { 'k8s.io/initial-events-end': 'true' } } },
      },
    ]);
    store.create('configmaps', 'default', configMap('c', {}, { app: 'web' }));
    expect(w.brief().at(-1)).toBe('ADDED c@5');
  });

  it('treats the RV as a lower bound (no 410 for old ones) and sends no bookmark unless allowed', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a'));
    store.compact();
    const w = collect(store, 'configmaps', { sendInitialEvents: true, resourceVersion: '1' });
    expect(w.brief()).toEqual(['ADDED a@3']);
  });
});
