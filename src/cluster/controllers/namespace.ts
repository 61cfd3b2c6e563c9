/**
 * The embedded cluster's namespace controller (kube-controller-manager's namespace deleter): a
 * Namespace being deleted is Terminating, everything namespaced in it is deleted, and once nothing
 * is left its `kubernetes` finalizer (spec.finalizers) comes off so the Namespace goes too. Status
 * carries the deleter's conditions, so `kubectl get ns x -o yaml` explains what it waits for.
 * (Refusing new content in a Terminating namespace is the store's job, as it is the API server's.)
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import type { StoreChange } from '../store/types.js';
import { resourceName } from './garbage-collector.js';
import { KeyedQueue, QueueLoop } from './runtime.js';
import type { Controller, ControllerContext } from './runtime.js';

export const NAMESPACE_FINALIZER = 'kubernetes';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** What is left in a namespace: per resource ("pods.") counts, and finalizers holding objects. */
export interface Remaining {
  resources: Map<string, number>;
  finalizers: Map<string, number>;
}

/** The conditions pkg/controller/namespace/deletion writes while it works. */
export function deletionConditions(remaining: Remaining): Condition[] {
  const resources = [...remaining.resources].map(([r, n]) => `${r} has ${n} resource instances`).sort();
  const finalizers = [...remaining.finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    resources.length > 0
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    finalizers.length > 0
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function createNamespaceController(): Controller {
  /** Namespaces being emptied; bounded by the namespaces that exist. */
  const terminating = new Set<string>();

  function onChange(change: StoreChange, q: KeyedQueue): void {
    const object = change.object;
    if (change.resource.group === '' && change.resource.plural === 'namespaces') {
      const name = object.metadata.name ?? '';
      if (change.type === 'DELETED') {
        terminating.delete(name);
        // A namespace removed without waiting for us still must not leave content behind.
        q.add(name);
      } else if (object.metadata.deletionTimestamp) {
        terminating.add(name);
        q.add(name);
      }
      return;
    }
    const namespace = object.metadata.namespace;
    if (namespace && terminating.has(namespace) && change.type !== 'ADDED') q.add(namespace);
  }

  function reconcile(ctx: ControllerContext, name: string): void {
    const namespace = ctx.store.tryGet('namespaces', undefined, name);
    if (namespace && !namespace.metadata.deletionTimestamp) return;
    const remaining = deleteContent(ctx, name);
    if (!namespace) return;
    writeStatus(ctx, namespace, remaining);
    if (remaining.resources.size > 0) return;
    finalize(ctx, namespace);
  }

  /** Deletes every namespaced object in `namespace` and reports what is still there. */
  function deleteContent(ctx: ControllerContext, namespace: string): Remaining {
    const remaining: Remaining = { resources: new Map(), finalizers: new Map() };
    for (const type of ctx.store.registry.all()) {
      if (!type.namespaced || !type.verbs.includes('list')) continue;
      const resource = resourceName(type);
      let items: KubeObject[];
      try {
        items = ctx.store.list(resource, { namespace }).items;
      } catch (error) {
        ctx.log(`namespace: listing ${resource} in ${namespace}: ${String(error)}`);
        continue;
      }
      for (const object of items) {
        let left: KubeObject | undefined = object;
        if (!object.metadata.deletionTimestamp) {
          try {
            ctx.store.delete(resource, namespace, object.metadata.name ?? '', { preconditions: { uid: object.metadata.uid ?? '' } });
          } catch {
            // Gone or replaced meanwhile; the next pass sees what is left.
          }
          left = ctx.store.tryGet(resource, namespace, object.metadata.name ?? '');
        }
        if (!left) continue;
        const key = `${type.plural}.${type.group}`;
        remaining.resources.set(key, (remaining.resources.get(key) ?? 0) + 1);
        for (const f of left.metadata.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
      }
    }
    return remaining;
  }

  function writeStatus(ctx: ControllerContext, namespace: KubeObject, remaining: Remaining): void {
    const now = metaTimeNow(ctx.clock);
    ctx.store.mutate(
      'namespaces',
      undefined,
      namespace.metadata.name ?? '',
      (copy) => {
        if (copy.metadata.uid !== namespace.metadata.uid) return undefined;
        const status = record(copy.status);
        const previous = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
        const conditions = deletionConditions(remaining).map((c) => {
          const old = previous.find((p) => p.type === c.type);
          const unchanged = old && old.status === c.status && old.reason === c.reason && old.message === c.message;
          return { lastTransitionTime: unchanged ? old.lastTransitionTime : now, ...c };
        });
        const next = { ...status, conditions, phase: 'Terminating' };
        if (JSON.stringify(next) === JSON.stringify(status)) return undefined;
        return { ...copy, status: next };
      },
      { subresource: 'status' },
    );
  }

  /** Removes the `kubernetes` finalizer (the real controller PUTs namespaces/finalize). */
  function finalize(ctx: ControllerContext, namespace: KubeObject): void {
    const name = namespace.metadata.name ?? '';
    const updated = ctx.store.mutate('namespaces', undefined, name, (copy) => {
      if (copy.metadata.uid !== namespace.metadata.uid) return undefined;
      const spec = record(copy.spec);
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
      if (!finalizers.includes(NAMESPACE_FINALIZER)) return undefined;
      return { ...copy, spec: { ...spec, finalizers: finalizers.filter((f) => f !== NAMESPACE_FINALIZER) } };
    });
    // A store that keeps a finalizer-free terminating Namespace gets the delete repeated, as the
    // namespace controller does after finalizing.
    const left = updated ?? ctx.store.tryGet('namespaces', undefined, name);
    if (!left || left.metadata.uid !== namespace.metadata.uid) return;
    const specFinalizers = record(left.spec).finalizers;
    const pending = (left.metadata.finalizers ?? []).length + (Array.isArray(specFinalizers) ? specFinalizers.length : 0);
    if (pending === 0 && ctx.store.tryGet('namespaces', undefined, name)) {
      try {
        ctx.store.delete('namespaces', undefined, name, { preconditions: { uid: namespace.metadata.uid ?? '' } });
      } catch {
        // Already gone.
      }
    }
  }

  return new QueueLoop().controller({
    name: 'namespace',
    logLabel: 'namespace:',
    describeError: String,
    reconcile: (key, ctx) => reconcile(ctx, key),
    onChange,
    resync(ctx, q) {
      for (const ns of ctx.store.list('namespaces').items) {
        if (ns.metadata.deletionTimestamp) {
          terminating.add(ns.metadata.name ?? '');
          q.add(ns.metadata.name ?? '');
        }
      }
    },
    reset: () => terminating.clear(),
  });
}
