/**
 * ControllerRevisions as the DaemonSet and StatefulSet controllers keep them
 * (pkg/controller/history/controller_history.go and the two controllers' snapshot code),
 * kubernetes-facts.md §5: `<owner>-<hash>` holds the Pod template as
 * data.spec.template with `$patch: replace`, numbered one past the newest revision the owner has;
 * going back to an earlier template renumbers that revision instead of creating a twin; unused
 * revisions beyond spec.revisionHistoryLimit (default 10) are deleted, oldest first.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { Store } from '../store/types.js';
import { byCreation, clone, controllerRef, num, obj, ownerReference, stringMap, type JsonObject } from './pod-template.js';
import { deleteIfPresent } from './runtime.js';

export const REVISIONS = 'controllerrevisions.apps';

export function revisionNumber(revision: KubeObject): number {
  return num(revision, 'revision') ?? 0;
}

/** The revisions `owner` controls, in store order. */
export function ownedRevisions(store: Store, owner: KubeObject): KubeObject[] {
  return store.list(REVISIONS, { namespace: owner.metadata.namespace }).items.filter((r) => controllerRef(r)?.uid === owner.metadata.uid);
}

/** Who keeps the revisions: the owner's kind and the hash label its controller sets on them. */
export interface RevisionOwnerKind {
  kind: 'DaemonSet' | 'StatefulSet';
  /** controller-revision-hash for DaemonSets; controller.kubernetes.io/hash for StatefulSets (history.NewControllerRevision). */
  hashLabel: string;
}

/**
 * The revision `<owner>-<hash>` for `template`: created when missing, or renumbered past the newest
 * of `owned` when an earlier template came back (a rollback).
 */
export function ensureRevision(
  store: Store,
  owner: KubeObject,
  ownerKind: RevisionOwnerKind,
  owned: KubeObject[],
  template: unknown,
  hash: string,
): KubeObject {
  const namespace = owner.metadata.namespace;
  const name = `${owner.metadata.name}-${hash}`;
  const maxRevision = Math.max(0, ...owned.map(revisionNumber));
  const existing = owned.find((r) => r.metadata.name === name);
  if (existing) {
    if (revisionNumber(existing) >= maxRevision) return existing;
    return store.mutate(REVISIONS, namespace, name, (copy) => ({ ...copy, revision: maxRevision + 1 })) ?? existing;
  }
  return store.create(REVISIONS, namespace, {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace,
      labels: { ...stringMap(obj(template, 'metadata')?.labels), [ownerKind.hashLabel]: hash },
      ownerReferences: [ownerReference(owner, 'apps/v1', ownerKind.kind)],
    },
    data: { spec: { template: { ...clone(template as JsonObject), $patch: 'replace' } } },
    revision: maxRevision + 1,
  });
}

/** Deletes the oldest of `unused` beyond the owner's spec.revisionHistoryLimit (default 10). */
export function truncateRevisions(store: Store, owner: KubeObject, unused: KubeObject[]): void {
  const limit = num(owner, 'spec', 'revisionHistoryLimit') ?? 10;
  // history.SortControllerRevisions: by revision, equal revisions by creation time, then name.
  const oldestFirst = [...unused].sort((a, b) => revisionNumber(a) - revisionNumber(b) || byCreation(a, b));
  for (const r of oldestFirst.slice(0, Math.max(0, oldestFirst.length - limit))) {
    deleteIfPresent(store, REVISIONS, owner.metadata.namespace, r.metadata.name ?? '');
  }
}
