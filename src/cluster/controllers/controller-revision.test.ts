import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { createStore } from '../store/index.js';
import { ensureRevision, ownedRevisions, REVISIONS, revisionNumber, truncateRevisions, type RevisionOwnerKind } from './controller-revision.js';

const KIND: RevisionOwnerKind = { kind: 'StatefulSet', hashLabel: 'controller.kubernetes.io/hash' };
const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } });

function setup(revisionHistoryLimit?: number) {
  const store = createStore({ clock: new ManualClock() });
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const owner: KubeObject = store.create('statefulsets.apps', 'default', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, serviceName: 'web', template: template('v1'), ...(revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit }) },
  });
  const ensure = (hash: string, image: string) => ensureRevision(store, owner, KIND, ownedRevisions(store, owner), template(image), hash);
  return { store, owner, ensure };
}

describe('controller revisions', () => {
  it('creates <owner>-<hash> with the template, hash label and controller ref, numbered after the newest', () => {
    const { ensure } = setup();
    const first = ensure('aaa', 'v1');
    expect(first.metadata.name).toBe('web-aaa');
    expect(first.metadata.labels).toEqual({ app: 'web', 'controller.kubernetes.io/hash': 'aaa' });
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    expect(first.data).toEqual({ spec: { template: { ...template('v1'), $patch: 'replace' } } });
    expect(revisionNumber(first)).toBe(1);
    expect(revisionNumber(ensure('bbb', 'v2'))).toBe(2);
    // The same template again is left alone; going back to the first renumbers it (rollback).
    expect(revisionNumber(ensure('bbb', 'v2'))).toBe(2);
    expect(revisionNumber(ensure('aaa', 'v1'))).toBe(3);
  });

  it('deletes the oldest unused revisions beyond revisionHistoryLimit', () => {
    const { store, owner, ensure } = setup(1);
    for (const [i, hash] of ['a', 'b', 'c', 'd'].entries()) ensure(hash, `v${i}`);
    truncateRevisions(store, owner, ownedRevisions(store, owner).filter((r) => r.metadata.name !== 'web-d'));
    expect(store.list(REVISIONS, { namespace: 'default' }).items.map((r) => r.metadata.name).sort()).toEqual(['web-c', 'web-d']);
  });
});
