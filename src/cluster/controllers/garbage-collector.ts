/**
 * The embedded cluster's garbage collector (kube-controller-manager's garbagecollector): follows
 * metadata.ownerReferences of every served resource, custom resources included.
 *
 * - Background (the default): once an owner is gone from the store, its dependents are deleted;
 *   a dependent that still has another live owner only loses the dangling reference.
 * - Foreground: the owner waits with deletionTimestamp and the `foregroundDeletion` finalizer; its
 *   dependents are deleted, and the finalizer comes off once no dependent with
 *   blockOwnerDeletion=true is left.
 * - Orphan: the owner waits with the `orphan` finalizer; its dependents lose their reference to
 *   it, then the finalizer comes off.
 *
 * Owners are indexed by uid, as the real graph builder does: an ownerReference names a uid, and an
 * owner recreated under the same name is a different owner.
 */
import type { KubeObject, OwnerReference } from '../../lib/kube-object.js';
import type { ResourceType, StoreChange } from '../store/types.js';
import { KeyedQueue, QueueLoop } from './runtime.js';
import type { Controller, ControllerContext } from './runtime.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

interface Identity {
  resource: string;
  namespace: string | undefined;
  name: string;
  uid: string;
}

export function resourceName(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** Events name their object but are never its dependents; indexing them would only cost memory. */
const SKIPPED = new Set(['events', 'events.events.k8s.io']);

function identityKey(id: Pick<Identity, 'resource' | 'namespace' | 'name'>): string {
  return `${id.resource}|${id.namespace ?? ''}|${id.name}`;
}

function parseIdentityKey(key: string): Pick<Identity, 'resource' | 'namespace' | 'name'> {
  const [resource = '', namespace = '', ...rest] = key.split('|');
  return { resource, namespace: namespace || undefined, name: rest.join('|') };
}

export function createGarbageCollectorController(): Controller {
  /** Every live object (uid → identity): an owner exists iff its uid is here. */
  const objects = new Map<string, Identity>();
  /** Owner uid → dependents (identity key → identity). */
  const dependents = new Map<string, Map<string, Identity>>();
  /** Owner references per dependent uid, to unindex on change. */
  const ownersOf = new Map<string, string[]>();

  function index(type: ResourceType, object: KubeObject): Identity | undefined {
    const uid = object.metadata.uid;
    if (!uid) return undefined;
    const id: Identity = { resource: resourceName(type), namespace: object.metadata.namespace, name: object.metadata.name ?? '', uid };
    objects.set(uid, id);
    unindexOwners(uid, id);
    const owners = (object.metadata.ownerReferences ?? []).map((r) => r.uid).filter(Boolean);
    if (owners.length > 0) {
      ownersOf.set(uid, owners);
      for (const owner of owners) {
        const set = dependents.get(owner) ?? new Map<string, Identity>();
        set.set(identityKey(id), id);
        dependents.set(owner, set);
      }
    }
    return id;
  }

  function unindexOwners(uid: string, id: Identity): void {
    for (const owner of ownersOf.get(uid) ?? []) {
      const set = dependents.get(owner);
      if (!set) continue;
      const entry = set.get(identityKey(id));
      if (entry && entry.uid === uid) set.delete(identityKey(id));
      if (set.size === 0) dependents.delete(owner);
    }
    ownersOf.delete(uid);
  }

  function onChange(change: StoreChange, q: KeyedQueue): void {
    const resource = resourceName(change.resource);
    if (SKIPPED.has(resource)) return;
    const object = change.object;
    const uid = object.metadata.uid;
    if (!uid) return;
    if (change.type === 'DELETED') {
      const id = objects.get(uid);
      objects.delete(uid);
      if (id) unindexOwners(uid, id);
      // Its dependents lose an owner; owners waiting in foreground may now be free to go.
      if (dependents.has(uid)) q.add(`gone:${uid}`);
      for (const owner of (object.metadata.ownerReferences ?? []).map((r) => r.uid)) {
        const ownerId = objects.get(owner);
        if (ownerId) q.add(`owner:${identityKey(ownerId)}`);
      }
      return;
    }
    const id = index(change.resource, object);
    if (!id) return;
    if (object.metadata.deletionTimestamp) {
      const finalizers = object.metadata.finalizers ?? [];
      if (finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER)) q.add(`owner:${identityKey(id)}`);
    }
    // A dependent whose owners are all absent (created too late, or with a made-up uid) is
    // garbage too; checked later so an owner created in the same burst has its chance.
    if ((object.metadata.ownerReferences ?? []).some((r) => !objects.has(r.uid))) q.add(`dependent:${identityKey(id)}`);
  }

  function reconcile(ctx: ControllerContext, key: string): void {
    if (key.startsWith('gone:')) collectDependentsOf(ctx, key.slice('gone:'.length));
    else if (key.startsWith('owner:')) processDeletingOwner(ctx, parseIdentityKey(key.slice('owner:'.length)));
    else if (key.startsWith('dependent:')) checkDependent(ctx, parseIdentityKey(key.slice('dependent:'.length)));
  }

  /** Background: the owner is gone; delete dependents that have no other live owner. */
  function collectDependentsOf(ctx: ControllerContext, ownerUid: string): void {
    if (objects.has(ownerUid)) return;
    const set = dependents.get(ownerUid);
    if (!set) return;
    for (const dep of [...set.values()]) checkDependent(ctx, dep);
  }

  function checkDependent(ctx: ControllerContext, id: Pick<Identity, 'resource' | 'namespace' | 'name'>): void {
    const object = ctx.store.tryGet(id.resource, id.namespace, id.name);
    if (!object) return;
    const refs = object.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const dangling = refs.filter((r) => !ownerExists(ctx, object, r));
    if (dangling.length === 0) return;
    if (dangling.length < refs.length) {
      // Other owners remain: drop only the dangling references (garbagecollector attemptToDeleteItem).
      const goneUids = new Set(dangling.map((r) => r.uid));
      removeOwnerRefs(ctx, id, object.metadata.uid, goneUids);
      return;
    }
    if (object.metadata.deletionTimestamp) return;
    // Dependents of a foreground-deleted owner are themselves deleted in the foreground when they
    // have dependents, so the whole tree goes before the owner does.
    deleteObject(ctx, id, object, 'Background');
  }

  function ownerExists(ctx: ControllerContext, dependent: KubeObject, ref: OwnerReference): boolean {
    const known = objects.get(ref.uid);
    if (known) return true;
    // Not indexed (yet): look the owner up by its reference, as the real collector does.
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    const type = ctx.store.registry.byKind(group, ref.kind);
    if (!type) return false;
    const owner = ctx.store.tryGet(resourceName(type), type.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    return owner?.metadata.uid === ref.uid;
  }

  function removeOwnerRefs(
    ctx: ControllerContext,
    id: Pick<Identity, 'resource' | 'namespace' | 'name'>,
    uid: string | undefined,
    ownerUids: Set<string>,
  ): void {
    ctx.store.mutate(id.resource, id.namespace, id.name, (copy) => {
      if (uid && copy.metadata.uid !== uid) return undefined;
      const refs = copy.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => !ownerUids.has(r.uid));
      if (kept.length === refs.length) return undefined;
      const metadata = { ...copy.metadata };
      if (kept.length > 0) metadata.ownerReferences = kept;
      else delete metadata.ownerReferences;
      return { ...copy, metadata };
    });
  }

  function deleteObject(
    ctx: ControllerContext,
    id: Pick<Identity, 'resource' | 'namespace' | 'name'>,
    object: KubeObject,
    policy: 'Background' | 'Foreground',
  ): void {
    try {
      ctx.store.delete(id.resource, id.namespace, id.name, {
        propagationPolicy: policy,
        preconditions: object.metadata.uid ? { uid: object.metadata.uid } : undefined,
      });
    } catch (error) {
      // Already gone, or replaced by a new object of the same name (uid precondition).
      if (!isGoneOrReplaced(error)) throw error;
    }
  }

  /** An owner waiting with the foregroundDeletion or orphan finalizer. */
  function processDeletingOwner(ctx: ControllerContext, id: Pick<Identity, 'resource' | 'namespace' | 'name'>): void {
    const owner = ctx.store.tryGet(id.resource, id.namespace, id.name);
    if (!owner || !owner.metadata.deletionTimestamp || !owner.metadata.uid) return;
    const uid = owner.metadata.uid;
    const finalizers = owner.metadata.finalizers ?? [];
    const deps = [...(dependents.get(uid)?.values() ?? [])];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const dep of deps) removeOwnerRefs(ctx, dep, dep.uid, new Set([uid]));
      removeFinalizer(ctx, id, uid, ORPHAN_FINALIZER);
      return;
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return;
    let blocking = 0;
    for (const dep of deps) {
      const object = ctx.store.tryGet(dep.resource, dep.namespace, dep.name);
      if (!object || object.metadata.uid !== dep.uid) continue;
      const ref = (object.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
      if (!ref) continue;
      if (ref.blockOwnerDeletion === true) blocking++;
      if (object.metadata.deletionTimestamp) continue;
      const others = (object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid && ownerExists(ctx, object, r));
      if (others.length > 0) {
        removeOwnerRefs(ctx, dep, dep.uid, new Set([uid]));
        if (ref.blockOwnerDeletion === true) blocking--;
        continue;
      }
      deleteObject(ctx, dep, object, dependents.has(dep.uid) ? 'Foreground' : 'Background');
    }
    // The dependents' DELETED events requeue this owner; it goes once nothing blocks it.
    if (blocking === 0) removeFinalizer(ctx, id, uid, FOREGROUND_FINALIZER);
  }

  function removeFinalizer(ctx: ControllerContext, id: Pick<Identity, 'resource' | 'namespace' | 'name'>, uid: string, finalizer: string): void {
    ctx.store.mutate(id.resource, id.namespace, id.name, (copy) => {
      if (copy.metadata.uid !== uid) return undefined;
      const finalizers = copy.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      return { ...copy, metadata: { ...copy.metadata, finalizers: finalizers.filter((f) => f !== finalizer) } };
    });
  }

  return new QueueLoop().controller({
    name: 'garbage-collector',
    logLabel: 'garbage-collector:',
    describeError: String,
    reconcile: (key, ctx) => reconcile(ctx, key),
    onChange,
    resync(ctx, q) {
      // Build the graph from what is stored already, then settle anything left dangling.
      const seen: Array<[ResourceType, KubeObject]> = [];
      for (const type of ctx.store.registry.all()) {
        const resource = resourceName(type);
        if (SKIPPED.has(resource) || !type.verbs.includes('list')) continue;
        for (const object of ctx.store.list(resource).items) {
          index(type, object);
          seen.push([type, object]);
        }
      }
      for (const [type, object] of seen) onChange({ type: 'MODIFIED', resource: type, object }, q);
    },
    reset() {
      objects.clear();
      dependents.clear();
      ownersOf.clear();
    },
  });
}

function isGoneOrReplaced(error: unknown): boolean {
  if (!(error instanceof Error) || !('status' in error)) return false;
  const code = (error as { status?: { code?: number } }).status?.code;
  return code === 404 || code === 409;
}

/** The same factory under the name src/cluster/index.ts first imported. */
export const createGarbageCollector = createGarbageCollectorController;
