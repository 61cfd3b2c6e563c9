import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { RESOURCES, type ObjectSource, type SourceEvent } from './source.js';
import { WatchSet } from './watch-set.js';

const pod = (name: string, rv: string): KubeObject => ({ kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv } });

/** A source whose watches the test feeds by hand. */
function handSource() {
  const feeds: Array<(event: SourceEvent) => void> = [];
  const source: ObjectSource = {
    watch: (_request, onEvent) => void feeds.push(onEvent),
    list: () => Promise.resolve([]),
  };
  return { source, feed: (event: SourceEvent) => feeds.at(-1)?.(event) };
}

describe('WatchSet', () => {
  it('signals a change for every event that changes what it shows, and none for repeats', () => {
    const { source, feed } = handSource();
    let changes = 0;
    const set = new WatchSet(source, new AbortController().signal, () => (changes += 1));
    set.set('pods', { resource: RESOURCES.pods, namespace: 'default', labelSelector: 'app=web' });
    feed({ type: 'SYNC', objects: [pod('a', '1')] });
    feed({ type: 'MODIFIED', object: pod('a', '2') });
    expect(changes).toBe(2);
    // A repeated resourceVersion and the deletion of an unknown object change nothing.
    feed({ type: 'MODIFIED', object: pod('a', '2') });
    feed({ type: 'DELETED', object: pod('zz', '3') });
    expect(changes).toBe(2);
    expect(set.objects('pods').map((o) => o.metadata.resourceVersion)).toEqual(['2']);
  });

  it('a repeat after a reconnect still signals: the watch is healthy again', () => {
    const { source, feed } = handSource();
    let changes = 0;
    const set = new WatchSet(source, new AbortController().signal, () => (changes += 1));
    set.set('pods', { resource: RESOURCES.pods, namespace: 'default' });
    feed({ type: 'SYNC', objects: [pod('a', '1')] });
    feed({ type: 'RECONNECTING', reason: 'EOF' });
    expect(set.reconnecting()).toBe(true);
    const before = changes;
    feed({ type: 'MODIFIED', object: pod('a', '1') });
    expect(set.reconnecting()).toBe(false);
    expect(changes).toBe(before + 1);
  });
});
