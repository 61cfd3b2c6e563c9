import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import type { ObjectSource, SourceEvent, WatchRequest } from './source.js';
import { followWorkloadObjects, workloadSelectorString, type WorkloadObjects } from './workload-objects.js';

interface FakeWatch {
  request: WatchRequest;
  emit: (event: SourceEvent) => void;
  signal: AbortSignal;
}

/** An ObjectSource that records every watch asked for; tests push events into them. */
function fakeSource(): { source: ObjectSource; watches: FakeWatch[]; active(resource: string): FakeWatch[] } {
  const watches: FakeWatch[] = [];
  return {
    watches,
    active: (resource) => watches.filter((w) => w.request.resource.resource === resource && !w.signal.aborted),
    source: {
      watch(request, onEvent, signal) {
        watches.push({ request, emit: onEvent, signal });
      },
      list: () => Promise.resolve([]),
    },
  };
}

const owner = (kind: string, name: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name, uid, controller: true }];
const deployment = (selector: Record<string, unknown>, uid = 'd1'): KubeObject => ({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid }, spec: { selector } });
const rs = (name: string, ownerUid: string): KubeObject => ({ kind: 'ReplicaSet', metadata: { name, namespace: 'shop', uid: `rs-${name}`, ownerReferences: owner('Deployment', 'web', ownerUid) } });
const podOf = (name: string, rsName: string): KubeObject => ({ kind: 'Pod', metadata: { name, namespace: 'shop', uid: `pod-${name}`, ownerReferences: owner('ReplicaSet', rsName, `rs-${rsName}`) } });

function follow(kind: 'Deployment' | 'StatefulSet' | 'Pod') {
  const fake = fakeSource();
  const controller = new AbortController();
  const updates: WorkloadObjects[] = [];
  const handle = followWorkloadObjects({ source: fake.source, kind, namespace: 'shop', name: 'web', signal: controller.signal, onUpdate: (o) => updates.push(o) });
  const latest = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return updates[updates.length - 1]!;
  };
  return { ...fake, latest, stop: () => { handle.stop(); controller.abort(); } };
}

describe('followWorkloadObjects', () => {
  it('watches a Deployment by name, its ReplicaSets and Pods by its selector, and keeps only what it owns', async () => {
    const f = follow('Deployment');
    expect(f.active('deployments')[0]!.request).toMatchObject({ namespace: 'shop', fieldSelector: 'metadata.name=web' });
    expect(f.active('events')[0]!.request.fieldSelector).toBe('type=Warning');
    expect(f.active('pods')).toHaveLength(0);
    f.active('deployments')[0]!.emit({ type: 'SYNC', objects: [deployment({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] })] });
    expect(f.active('replicasets')[0]!.request.labelSelector).toBe('app=web,tier in (front)');
    expect(f.active('pods')[0]!.request.labelSelector).toBe('app=web,tier in (front)');
    expect((await f.latest()).synced).toBe(false);
    f.active('replicasets')[0]!.emit({ type: 'SYNC', objects: [rs('web-1', 'd1'), rs('other-1', 'someone-else')] });
    f.active('pods')[0]!.emit({ type: 'SYNC', objects: [podOf('web-1-a', 'web-1'), podOf('other-1-a', 'other-1')] });
    f.active('events')[0]!.emit({ type: 'SYNC', objects: [
      { kind: 'Event', metadata: { name: 'e1', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'web-1-a' } },
      { kind: 'Event', metadata: { name: 'e2', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'unrelated' } },
    ] });
    const objects = await f.latest();
    expect(objects.synced).toBe(true);
    expect(objects.replicaSets.map((o) => o.metadata.name)).toEqual(['web-1']);
    expect(objects.pods.map((o) => o.metadata.name)).toEqual(['web-1-a']);
    expect(objects.events.map((o) => o.metadata.name)).toEqual(['e1']);
    f.stop();
  });

  it('restarts the Pod watch when the selector changes; deleted then re-created is followed again', async () => {
    const f = follow('Deployment');
    const watch = f.active('deployments')[0]!;
    watch.emit({ type: 'SYNC', objects: [deployment({ matchLabels: { app: 'web' } })] });
    watch.emit({ type: 'MODIFIED', object: { ...deployment({ matchLabels: { app: 'web2' } }), metadata: { name: 'web', namespace: 'shop', uid: 'd1', resourceVersion: '2' } } });
    expect(f.active('pods').map((w) => w.request.labelSelector)).toEqual(['app=web2']);
    watch.emit({ type: 'DELETED', object: deployment({ matchLabels: { app: 'web2' } }) });
    expect((await f.latest()).deleted).toBe(true);
    watch.emit({ type: 'ADDED', object: deployment({ matchLabels: { app: 'web2' } }, 'd2') });
    const again = await f.latest();
    expect(again.deleted).toBe(false);
    expect(again.workload?.metadata.uid).toBe('d2');
    f.stop();
  });

  it('never watches every Pod: an empty selector watches none', () => {
    const f = follow('Deployment');
    f.active('deployments')[0]!.emit({ type: 'SYNC', objects: [deployment({})] });
    expect(f.watches.filter((w) => w.request.resource.resource === 'pods')).toHaveLength(0);
    f.stop();
  });

  it('a StatefulSet also watches its governing Service by name', () => {
    const f = follow('StatefulSet');
    f.active('statefulsets')[0]!.emit({ type: 'SYNC', objects: [{ kind: 'StatefulSet', metadata: { name: 'web', namespace: 'shop', uid: 's1' }, spec: { selector: { matchLabels: { app: 'db' } }, serviceName: 'db' } }] });
    expect(f.active('services')[0]!.request.fieldSelector).toBe('metadata.name=db');
    expect(f.active('replicasets')).toHaveLength(0);
    f.stop();
  });

  it('a Pod trace watches the Pod by name and every Event of that Pod', () => {
    const f = follow('Pod');
    expect(f.active('pods')[0]!.request.fieldSelector).toBe('metadata.name=web');
    expect(f.active('events')[0]!.request.fieldSelector).toBe('involvedObject.kind=Pod,involvedObject.name=web');
    f.stop();
  });

  it('selector strings follow LabelSelectorAsSelector; malformed ones watch nothing', () => {
    expect(workloadSelectorString(deployment({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }] }))).toBe('a=1,b=2,!c');
    expect(workloadSelectorString(deployment({ matchExpressions: [{ key: 'c', operator: 'Near' }] }))).toBeUndefined();
    expect(workloadSelectorString(undefined)).toBeUndefined();
  });
});
