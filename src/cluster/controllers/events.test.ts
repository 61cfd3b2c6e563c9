import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { createStore } from '../store/index.js';
import { createEventRecorder } from './events.js';

function setup(options: { ttlMs?: number; cacheSize?: number } = {}) {
  const clock = new ManualClock();
  const store = createStore({ clock });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  store.create('namespaces', undefined, { metadata: { name: 'shop' } });
  const recorder = createEventRecorder(store, clock, options);
  const pod = store.create('pods', 'shop', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1' },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
  });
  return { clock, store, recorder, pod };
}

const events = (store: ReturnType<typeof setup>['store']) => store.list('events').items;

describe('createEventRecorder', () => {
  it('writes a core/v1 Event shaped like client-go’s', () => {
    const { store, recorder, pod } = setup();
    recorder.record(pod, 'Normal', 'Pulling', 'Pulling image "nginx:1.27"', { component: 'kubelet', host: 'node-1' }, 'spec.containers{web}');
    const [event] = events(store);
    expect(event?.metadata.name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'shop' },
      involvedObject: {
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pod.metadata.resourceVersion,
        fieldPath: 'spec.containers{web}',
      },
      reason: 'Pulling',
      message: 'Pulling image "nginx:1.27"',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      count: 1,
      eventTime: null,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
    });
  });

  it('puts events about cluster-scoped objects in default', () => {
    const { store, recorder } = setup();
    const node = store.create('nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    recorder.record(node, 'Normal', 'RegisteredNode', 'Node node-1 event: Registered Node node-1 in Controller', { component: 'node-controller' });
    const [event] = events(store);
    expect(event?.metadata.namespace).toBe('default');
    expect(event?.involvedObject).not.toHaveProperty('namespace');
    expect(event?.source).toEqual({ component: 'node-controller' });
    expect(event?.reportingInstance).toBe('');
  });

  it('aggregates repeats into count and lastTimestamp with a MODIFIED', () => {
    const { clock, store, recorder, pod } = setup();
    const seen: string[] = [];
    store.subscribe((c) => {
      if (c.resource.plural === 'events') seen.push(c.type);
    });
    const message = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
    recorder.record(pod, 'Warning', 'Unhealthy', message, { component: 'kubelet', host: 'node-1' }, 'spec.containers{web}');
    clock.advance(10_000);
    recorder.record(pod, 'Warning', 'Unhealthy', message, { component: 'kubelet', host: 'node-1' }, 'spec.containers{web}');
    clock.advance(10_000);
    recorder.record(pod, 'Warning', 'Unhealthy', message, { component: 'kubelet', host: 'node-1' }, 'spec.containers{web}');
    const all = events(store);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 3, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:20Z' });
    expect(seen).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
  });

  it.each([
    ['another message', { message: 'other' }],
    ['another reason', { reason: 'Other' }],
    ['another field path', { fieldPath: 'spec.containers{sidecar}' }],
  ])('keeps events apart by %s', (_name, differs) => {
    const { store, recorder, pod } = setup();
    const base = { reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: 'spec.containers{web}' };
    const other = { ...base, ...differs };
    recorder.record(pod, 'Warning', base.reason, base.message, { component: 'kubelet' }, base.fieldPath);
    recorder.record(pod, 'Warning', other.reason, other.message, { component: 'kubelet' }, other.fieldPath);
    expect(events(store)).toHaveLength(2);
    expect(new Set(events(store).map((e) => e.metadata.name)).size).toBe(2);
  });

  it('starts a new Event when the aggregated one was deleted, and forgets beyond its cache size', () => {
    const { store, recorder, pod } = setup({ cacheSize: 1 });
    const src = { component: 'kubelet' };
    recorder.record(pod, 'Normal', 'A', 'a', src);
    const first = events(store)[0] as KubeObject;
    store.delete('events', 'shop', first.metadata.name ?? '');
    recorder.record(pod, 'Normal', 'A', 'a', src);
    expect(events(store).map((e) => e.count)).toEqual([1]);
    recorder.record(pod, 'Normal', 'B', 'b', src);
    // "A" was evicted by "B": its repeat is a new Event.
    recorder.record(pod, 'Normal', 'A', 'a', src);
    expect(events(store).filter((e) => e.reason === 'A')).toHaveLength(2);
  });

  it('never throws, e.g. when the namespace is gone', () => {
    const { recorder } = setup();
    const ghost: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'nowhere', uid: 'u' } };
    expect(() => recorder.record(ghost, 'Normal', 'Scheduled', 'x', { component: 'default-scheduler' })).not.toThrow();
  });

  it('expires events after the TTL since their last repeat', () => {
    const { clock, store, recorder, pod } = setup({ ttlMs: 60_000 });
    recorder.record(pod, 'Normal', 'Old', 'old', { component: 'kubelet' });
    clock.advance(30_000);
    recorder.record(pod, 'Normal', 'Young', 'young', { component: 'kubelet' });
    clock.advance(36_000);
    expect(events(store).map((e) => e.reason)).toEqual(['Young']);
    clock.advance(60_000);
    expect(events(store)).toEqual([]);
    recorder.stop();
  });
});
