import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { ObjectCache } from './object-cache.js';
import type { SourceEvent } from './source.js';

const pod = (name: string, rv: string, namespace = 'default'): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace, resourceVersion: rv },
});

describe('ObjectCache', () => {
  it('is not synced and empty until the first SYNC', () => {
    const cache = new ObjectCache();
    expect(cache.synced).toBe(false);
    cache.apply({ type: 'SYNC', objects: [pod('a', '1')] });
    expect(cache.synced).toBe(true);
    expect(cache.values().map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('applies added, modified and deleted objects', () => {
    const cache = new ObjectCache();
    cache.apply({ type: 'SYNC', objects: [] });
    expect(cache.apply({ type: 'ADDED', object: pod('a', '2') })).toBe(true);
    expect(cache.apply({ type: 'MODIFIED', object: pod('a', '3') })).toBe(true);
    expect(cache.values()[0]?.metadata.resourceVersion).toBe('3');
    expect(cache.apply({ type: 'DELETED', object: pod('a', '4') })).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('reports no change for a repeated resourceVersion or an unknown deletion', () => {
    const cache = new ObjectCache();
    cache.apply({ type: 'ADDED', object: pod('a', '2') });
    expect(cache.apply({ type: 'MODIFIED', object: pod('a', '2') })).toBe(false);
    expect(cache.apply({ type: 'DELETED', object: pod('b', '5') })).toBe(false);
  });

  it('a re-list replaces the state, dropping objects deleted while disconnected', () => {
    const cache = new ObjectCache();
    cache.apply({ type: 'SYNC', objects: [pod('a', '1'), pod('b', '1')] });
    cache.apply({ type: 'SYNC', objects: [pod('b', '9')] });
    expect(cache.values().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(['b@9']);
  });

  it('keeps same-named objects of different namespaces apart', () => {
    const cache = new ObjectCache();
    cache.apply({ type: 'ADDED', object: pod('a', '1', 'x') });
    cache.apply({ type: 'ADDED', object: pod('a', '2', 'y') });
    expect(cache.size).toBe(2);
  });

  it('ignores status events', () => {
    const cache = new ObjectCache();
    expect(cache.apply({ type: 'RECONNECTING', reason: 'EOF' })).toBe(false);
    expect(cache.apply({ type: 'HEALTHY' })).toBe(false);
  });

  it('hands out the same frozen list until something changes', () => {
    const cache = new ObjectCache();
    cache.apply({ type: 'SYNC', objects: [pod('a', '1'), pod('b', '1')] });
    const first = cache.values();
    expect(cache.values()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => first.sort()).toThrow(TypeError);
    // Nothing changed: a repeated resourceVersion, an unknown deletion.
    cache.apply({ type: 'MODIFIED', object: pod('a', '1') });
    cache.apply({ type: 'DELETED', object: pod('c', '2') });
    expect(cache.values()).toBe(first);
    const changes: SourceEvent[] = [
      { type: 'MODIFIED', object: pod('a', '2') },
      { type: 'ADDED', object: pod('c', '3') },
      { type: 'DELETED', object: pod('b', '4') },
      { type: 'SYNC', objects: [pod('a', '5')] },
    ];
    for (const event of changes) {
      const before = cache.values();
      cache.apply(event);
      expect(cache.values()).not.toBe(before);
    }
    expect(cache.values().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(['a@5']);
    cache.clear();
    expect(cache.values()).toEqual([]);
  });
});
