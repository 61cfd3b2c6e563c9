/**
 * The embedded cluster's object store: kube-apiserver's generic registry + etcd + watch cache
 * in one synchronous, in-memory object (contract: types.ts; behaviour: kubernetes-facts.md §1, §9).
 *
 * - One resourceVersion counter shared by every kind, incremented per committed write.
 * - Objects are copied on the way in and out; stored objects are never mutated after commit, so
 *   the history ring can share them.
 * - Watch events and subscriber notifications are delivered synchronously after each commit,
 *   in commit order (writes made by a listener are queued behind the current delivery).
 *   Consequence the HTTP layer relies on: outside a write, every watch has been sent every
 *   change up to currentResourceVersion(), so a periodic BOOKMARK stamped with
 *   currentResourceVersion() (see bookmarkEvent) is always truthful.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject, StatusCause, WireWatchEvent } from '../../lib/kube-object.js';
import { metaTime } from '../time.js';
import { CRD_RESOURCE, crdResourceType, desiredCrdStatus, validateCrd } from './crd.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  continueExpired,
  expired,
  forbiddenReason,
  fromCodedError,
  invalid,
  notFound,
  notFoundPath,
  tooLargeResourceVersion,
} from './errors.js';
import { History, type HistoryEntry } from './history.js';
import { clone, deepEqual, isRecord, toJson } from './json.js';
import { decodeContinue, encodeContinue } from './paging.js';
import { apiVersionOf, createRegistry, qualifiedResource } from './registry.js';
import { exactName, parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  SERVER_OWNED_METADATA,
  deletionGracePeriod,
  generationChanged,
  hasStatusSubresource,
  pendingFinalizers,
  prepareForCreate,
  statusUpdate,
  tracksGeneration,
} from './strategy.js';
import type {
  AdmissionOperation,
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchContext,
  PatchOptions,
  PatchType,
  ResourceName,
  ResourceRegistry,
  ResourceType,
  Store,
  StoreChange,
  StoreOptions,
  WatchHandle,
  WatchListener,
  WatchOptions,
  WriteOptions,
} from './types.js';
import { bookmarkEvent, eventFor, matchesFilter, type ObjectFilter } from './watch.js';

/** The pure object rules (src/cluster/objects/, src/cluster/patch/) the store calls on writes. */
export interface StoreRules {
  defaultObject(resource: ResourceType, object: KubeObject): void;
  validateObject(resource: ResourceType, object: KubeObject, previous?: KubeObject): StatusCause[];
  applyPatch(patchType: PatchType, current: KubeObject, body: unknown, context: PatchContext): KubeObject;
}

export interface InternalStoreOptions extends StoreOptions {
  /** Overrides of the object rules (tests; or before those modules exist). */
  rules?: Partial<StoreRules>;
  /** Defaults to createRegistry(). */
  registry?: ResourceRegistry;
}

const DEFAULT_HISTORY = 10_000;
/** The counter starts here, like a fresh etcd; the first write gets 2. */
const INITIAL_RV = 1;
/** apimachinery's name generator alphabet (no vowels, no confusable digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const fallbackRules: StoreRules = {
  defaultObject: () => {},
  validateObject: () => [],
  applyPatch: () => {
    throw Object.assign(new Error('patch engine is not available'), { code: 415 });
  },
};

interface Watcher {
  resource: ResourceName;
  type: ResourceType;
  filter: ObjectFilter;
  listener: WatchListener;
  /** Changes at or before this RV were covered by the initial events / replay. */
  fromRV: number;
  stopped: boolean;
}

interface Subscriber {
  listener: (change: StoreChange) => void;
  fromRV: number;
  stopped: boolean;
}

interface Pending {
  entry: HistoryEntry;
  type: ResourceType;
}

function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${namespace ?? ''}/${name}` : name;
}

/** Drops what differs between two writes of the same content (RV, managedFields timestamps). */
function comparable(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata };
  delete metadata.resourceVersion;
  if (Array.isArray(metadata.managedFields)) {
    metadata.managedFields = metadata.managedFields.map((entry) => {
      if (!isRecord(entry)) return entry;
      const copy = { ...entry };
      delete copy.time;
      return copy;
    });
  }
  return { ...obj, metadata };
}

/**
 * The change one subscriber receives. Each subscriber still gets private copies of the objects,
 * but they are made on first read: most controllers look at change.resource and return (a Pod
 * write concerns the kubelet, not the Deployment controller), and two copies per
 * subscriber per write were the store's largest cost under churn (docs/performance.md).
 */
function privateChange(entry: HistoryEntry, type: ResourceType): StoreChange {
  const change = { type: entry.type, resource: { ...type } } as StoreChange;
  const lazyCopy = (key: 'object' | 'previous', source: KubeObject) => {
    let copy: KubeObject | undefined;
    Object.defineProperty(change, key, {
      enumerable: true,
      configurable: true,
      get: () => (copy ??= clone(source)),
      set: (value: KubeObject) => {
        copy = value;
      },
    });
  };
  lazyCopy('object', entry.object);
  if (entry.previous) lazyCopy('previous', entry.previous);
  return change;
}

class ObjectStore implements Store {
  readonly registry: ResourceRegistry;
  private rv = INITIAL_RV;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history: History;
  private readonly watchers = new Map<ResourceName, Set<Watcher>>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly pending: Pending[] = [];
  private delivering = false;
  private readonly rules: StoreRules;
  /** CRD name → the resource it registered. */
  private readonly crdResources = new Map<string, ResourceName>();

  constructor(private readonly options: InternalStoreOptions) {
    this.registry = options.registry ?? createRegistry();
    this.history = new History(options.historySize ?? DEFAULT_HISTORY, INITIAL_RV);
    this.rules = { ...fallbackRules, ...(options.rules ?? {}) };
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const type = this.resolve(resource);
    const found = this.bucket(resource).get(objectKey(type, namespace, name));
    if (!found) throw notFound(resource, name);
    return clone(found);
  }

  tryGet(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.resolve(resource);
    const found = this.bucket(resource).get(objectKey(type, namespace, name));
    return found ? clone(found) : undefined;
  }

  list(resource: ResourceName, options: ListOptions = {}): ListResult {
    const type = this.resolve(resource);
    const filter = this.filterFor(type, options);
    const limit = options.limit !== undefined && options.limit > 0 ? Math.floor(options.limit) : undefined;

    let snapshotRV = this.rv;
    let start: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      if (token.rv > this.rv) throw badRequest('invalid continue token: continue key is not valid: resourceVersion is in the future');
      if (token.rv < this.history.oldestResumable()) throw continueExpired();
      snapshotRV = token.rv;
      start = token.start;
    }
    const state = this.stateAt(resource, type, snapshotRV);
    const keys = [...state.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const nsPrefix = type.namespaced && options.namespace ? `${options.namespace}/` : undefined;

    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    let more = false;
    for (const key of keys) {
      if (start !== undefined && key < start) continue;
      if (nsPrefix !== undefined && !key.startsWith(nsPrefix)) continue;
      const obj = state.get(key) as KubeObject;
      if (!matchesFilter(filter, obj)) continue;
      if (limit !== undefined && items.length >= limit) {
        more = true;
        remaining++;
        continue;
      }
      items.push(clone(obj));
      lastKey = key;
    }
    const result: ListResult = { items, resourceVersion: String(snapshotRV) };
    if (more && lastKey !== undefined) {
      result.continue = encodeContinue(snapshotRV, lastKey);
      // Like etcd3's store: the count is only known when no selector filters the rest.
      if (!options.labelSelector && !options.fieldSelector) result.remainingItemCount = remaining;
    }
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  create(resource: ResourceName, namespace: string | undefined, object: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.resolve(resource);
    const obj = this.incoming(object);
    const ns = this.namespaceForWrite(type, namespace, obj);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && !meta.generateName) {
      throw invalid(type.kind, '', [
        { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
      ], type.group);
    }
    if (ns !== undefined) this.checkNamespaceOpen(type, ns, meta.name);
    for (const field of SERVER_OWNED_METADATA) delete meta[field];
    if (ns !== undefined) meta.namespace = ns;
    else delete meta.namespace;
    if (!meta.name) meta.name = this.generateName(type, ns, meta.generateName ?? '');

    prepareForCreate(type, obj);
    this.admit('CREATE', type, obj, undefined);
    const key = objectKey(type, ns, meta.name);
    if (this.bucket(resource).has(key)) throw alreadyExists(resource, meta.name);

    meta.uid = randomUUID();
    meta.creationTimestamp = metaTime(this.options.clock.now());
    if (tracksGeneration(type, this.isCustom(resource))) meta.generation = 1;
    if (options.dryRun) return clone(obj);

    // Stored objects always say what they are, whatever the request body carried.
    const typed: KubeObject = { apiVersion: apiVersionOf(type), kind: type.kind, ...obj };
    typed.apiVersion = apiVersionOf(type);
    typed.kind = type.kind;
    const stored = this.commit(type, key, 'ADDED', typed, undefined);
    this.afterCommit(type, stored);
    return clone(stored);
  }

  update(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    object: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    const type = this.resolve(resource);
    const body = this.incoming(object);
    const current = this.stored(type, resource, namespace, name);
    if (body.metadata.name && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (type.namespaced && body.metadata.namespace && namespace && body.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    this.checkPreconditions(resource, current, body.metadata.uid, body.metadata.resourceVersion);
    return this.writeUpdate(type, resource, current, body, options);
  }

  patch(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    options: PatchOptions = {},
  ): KubeObject {
    const type = this.resolve(resource);
    const key = objectKey(type, namespace, name);
    const current = this.bucket(resource).get(key);
    const context: PatchContext = { resource: type, now: metaTime(this.options.clock.now()) };
    if (options.fieldManager !== undefined) context.fieldManager = options.fieldManager;
    if (options.force !== undefined) context.force = options.force;

    if (!current) {
      // Server-side apply creates what is absent; every other patch needs an object.
      if (patchType !== 'apply' || options.subresource) throw notFound(resource, name);
      const base: KubeObject = { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name } };
      if (type.namespaced && namespace) base.metadata.namespace = namespace;
      const created = this.patched(patchType, base, body, context);
      created.metadata.name = name;
      delete created.metadata.resourceVersion;
      return this.create(resource, namespace, created, options);
    }

    const result = this.patched(patchType, clone(current), body, context);
    // A resourceVersion in the patch body is a precondition (kubectl apply relies on it).
    this.checkPreconditions(resource, current, result.metadata.uid, result.metadata.resourceVersion);
    return this.writeUpdate(type, resource, current, result, options);
  }

  mutate(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    mutate: (copy: KubeObject) => KubeObject | undefined,
    options: WriteOptions = {},
  ): KubeObject | undefined {
    const type = this.resolve(resource);
    const current = this.stored(type, resource, namespace, name);
    const changed = mutate(clone(current));
    if (changed === undefined) return undefined;
    const next = this.incoming(changed);
    // In-process read-modify-write never conflicts: it always starts from the latest object.
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.writeUpdate(type, resource, current, next, options);
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const type = this.resolve(resource);
    const current = this.stored(type, resource, namespace, name);
    const key = objectKey(type, namespace, name);
    const pre = options.preconditions ?? {};
    this.checkPreconditions(resource, current, pre.uid, pre.resourceVersion, true);
    this.admit('DELETE', type, clone(current), clone(current));

    const now = this.options.clock.now();
    const grace = deletionGracePeriod(type, current, options.gracePeriodSeconds);
    const isNamespace = resource === 'namespaces';

    if (current.metadata.deletionTimestamp) {
      // Already terminating: only a shorter grace period changes anything (a kubelet's final
      // grace-0 delete, or `kubectl delete --grace-period=0 --force`).
      const currentGrace = current.metadata.deletionGracePeriodSeconds;
      if (resource === 'pods' && options.gracePeriodSeconds !== undefined && currentGrace !== undefined && grace < currentGrace) {
        const next = clone(current);
        next.metadata.deletionTimestamp = metaTime(now + grace * 1000);
        next.metadata.deletionGracePeriodSeconds = grace;
        if (options.dryRun) return next;
        if (grace === 0 && pendingFinalizers(type, next).length === 0) return clone(this.hardDelete(type, key, next, current));
        return clone(this.commit(type, key, 'MODIFIED', next, current));
      }
      return clone(current);
    }

    const finalizers = [...(current.metadata.finalizers ?? [])];
    // The garbage collector's finalizers, as the registry adds them for these policies.
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');

    const next = clone(current);
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    const graceful = grace > 0 || pendingFinalizers(type, next).length > 0 || isNamespace;
    if (!graceful) {
      if (options.dryRun) return next;
      return clone(this.hardDelete(type, key, next, current));
    }

    next.metadata.deletionTimestamp = metaTime(now + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    if (typeof next.metadata.generation === 'number' && next.metadata.generation > 0) {
      // rest.BeforeDelete bumps generation so controllers notice the pending deletion.
      next.metadata.generation += 1;
    }
    if (isNamespace) {
      next.status = { ...(isRecord(next.status) ? next.status : {}), phase: 'Terminating' };
    }
    if (options.dryRun) return next;
    // A Namespace without finalizers passes through Terminating straight to deletion.
    if (grace === 0 && pendingFinalizers(type, next).length === 0) return clone(this.hardDelete(type, key, next, current));
    return clone(this.commit(type, key, 'MODIFIED', next, current));
  }

  // -------------------------------------------------------------------------------------------
  // Watch, subscribe, compaction

  watch(resource: ResourceName, options: WatchOptions, listener: WatchListener): WatchHandle {
    const type = this.resolve(resource);
    const filter = this.filterFor(type, options);
    const rvOption = options.resourceVersion ?? '';
    const requested = rvOption === '' || rvOption === '0' ? undefined : this.parseRV(rvOption);
    if (requested !== undefined && requested > this.rv) throw tooLargeResourceVersion(requested, this.rv);

    const watcher: Watcher = { resource, type, filter, listener, fromRV: this.rv, stopped: false };
    const send = (event: WireWatchEvent): void => this.send(watcher, event);

    if (options.sendInitialEvents || requested === undefined) {
      // Streaming list (any RV is a "not older than" bound) or RV unset/"0": the current state as ADDED.
      for (const obj of this.sortedMatches(resource, type, filter)) send({ type: 'ADDED', object: clone(obj) });
      if (options.sendInitialEvents && options.allowWatchBookmarks) send(bookmarkEvent(type, String(this.rv), true));
    } else {
      const oldest = this.history.oldestResumable();
      if (requested < oldest) throw expired(requested, oldest);
      for (const entry of this.history.since(requested)) {
        if (entry.resource !== resource) continue;
        const event = eventFor(filter, entry);
        if (event) send(event);
      }
    }

    let set = this.watchers.get(resource);
    if (!set) {
      set = new Set();
      this.watchers.set(resource, set);
    }
    if (!watcher.stopped) set.add(watcher);
    return {
      stop: () => {
        watcher.stopped = true;
        this.watchers.get(resource)?.delete(watcher);
      },
    };
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    const sub: Subscriber = { listener, fromRV: this.rv, stopped: false };
    this.subscribers.add(sub);
    return () => {
      sub.stopped = true;
      this.subscribers.delete(sub);
    };
  }

  compact(): void {
    this.history.compact(this.rv);
  }

  // -------------------------------------------------------------------------------------------
  // Internals: resolution and validation

  private resolve(resource: ResourceName): ResourceType {
    const type = this.registry.get(resource);
    if (!type) throw notFoundPath();
    return type;
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  private stored(type: ResourceType, resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const found = this.bucket(resource).get(objectKey(type, namespace, name));
    if (!found) throw notFound(resource, name);
    return found;
  }

  private isCustom(resource: ResourceName): boolean {
    for (const r of this.crdResources.values()) if (r === resource) return true;
    return false;
  }

  /** A private JSON copy of a caller's object with a metadata object. */
  private incoming(object: KubeObject): KubeObject {
    if (!isRecord(object)) throw badRequest('the request body must be an object');
    const obj = toJson(object);
    if (!isRecord(obj.metadata)) obj.metadata = {};
    return obj;
  }

  private namespaceForWrite(type: ResourceType, namespace: string | undefined, obj: KubeObject): string | undefined {
    if (!type.namespaced) return undefined;
    const fromBody = obj.metadata.namespace;
    if (namespace && fromBody && fromBody !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const ns = namespace || fromBody;
    if (!ns) throw badRequest(`a namespace is required to create ${qualifiedResource(type)}`);
    return ns;
  }

  /** The namespace must exist and not be terminating (NamespaceLifecycle admission). */
  private checkNamespaceOpen(type: ResourceType, namespace: string, name: string | undefined): void {
    const ns = this.bucket('namespaces').get(namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbiddenReason(
        qualifiedResource(type),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private generateName(type: ResourceType, namespace: string | undefined, prefix: string): string {
    const bucket = this.bucket(qualifiedResource(type));
    // Like names.SimpleNameGenerator: the prefix is cut so the name stays a valid 63-char label.
    const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
    for (let attempt = 0; ; attempt++) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
      const name = base + suffix;
      if (!bucket.has(objectKey(type, namespace, name)) || attempt >= 8) return name;
    }
  }

  private checkPreconditions(
    resource: ResourceName,
    current: KubeObject,
    uid: string | undefined,
    resourceVersion: string | undefined,
    explicit = false,
  ): void {
    const name = current.metadata.name ?? '';
    if (uid && uid !== current.metadata.uid) {
      throw conflict(resource, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
    }
    if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
      if (explicit) {
        throw conflict(
          resource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
        );
      }
      throw conflict(resource, name);
    }
  }

  private patched(patchType: PatchType, current: KubeObject, body: unknown, context: PatchContext): KubeObject {
    try {
      return this.incoming(this.rules.applyPatch(patchType, current, body, context));
    } catch (err) {
      throw fromCodedError(err) ?? err;
    }
  }

  /** Defaulting → admission hooks → validation, in the order kube-apiserver runs them. */
  private admit(operation: AdmissionOperation, type: ResourceType, obj: KubeObject, previous: KubeObject | undefined): void {
    if (operation !== 'DELETE') this.rules.defaultObject(type, obj);
    for (const hook of this.options.admission ?? []) hook(operation, type, obj, previous);
    if (operation === 'DELETE') return;
    const causes = [...this.rules.validateObject(type, obj, previous)];
    if (qualifiedResource(type) === CRD_RESOURCE) causes.push(...validateCrd(obj));
    if (previous?.metadata.deletionTimestamp) {
      const before = new Set(previous.metadata.finalizers ?? []);
      const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length > 0) {
        causes.push({
          reason: 'FieldValueForbidden',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(', ')}}`,
          field: 'metadata.finalizers',
        });
      }
    }
    if (causes.length > 0) throw invalid(type.kind, obj.metadata.name ?? '', causes, type.group);
  }

  /** Shared tail of update, patch and mutate: subresource rules, generation, no-op detection. */
  private writeUpdate(
    type: ResourceType,
    resource: ResourceName,
    current: KubeObject,
    body: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    let next: KubeObject;
    if (options.subresource === 'status') {
      if (!hasStatusSubresource(type)) throw notFoundPath();
      next = statusUpdate(type, this.isCustom(resource), current, body);
    } else {
      next = body;
      if (hasStatusSubresource(type)) {
        // The main resource ignores .status when the kind has a status subresource.
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
    }
    next.apiVersion = apiVersionOf(type);
    next.kind = type.kind;
    const meta: Record<string, unknown> & KubeObject['metadata'] = { ...next.metadata };
    for (const field of SERVER_OWNED_METADATA) {
      const value: unknown = current.metadata[field];
      if (value === undefined) delete meta[field];
      else (meta as Record<string, unknown>)[field] = value;
    }
    // A write that omits managedFields keeps the recorded ones (an explicit [] clears them).
    if (meta.managedFields === undefined && current.metadata.managedFields !== undefined) {
      meta.managedFields = clone(current.metadata.managedFields);
    }
    meta.name = current.metadata.name;
    if (type.namespaced) meta.namespace = current.metadata.namespace;
    else delete meta.namespace;
    next.metadata = meta;

    this.admit('UPDATE', type, next, clone(current));
    // Status strategies never bump generation, even when they take a Deployment annotation.
    if (options.subresource !== 'status' && tracksGeneration(type, this.isCustom(resource)) && generationChanged(type, current, next)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    // Real servers skip writes that change nothing: no new resourceVersion, no watch event.
    if (deepEqual(comparable(current), comparable(next))) return clone(current);
    if (options.dryRun) return next;

    const key = objectKey(type, current.metadata.namespace, current.metadata.name ?? '');
    if (next.metadata.deletionTimestamp && pendingFinalizers(type, next).length === 0 && pendingFinalizers(type, current).length > 0) {
      // Removing the last finalizer of a terminating object completes its deletion. Other writes
      // to a terminating object (the kubelet's last status of a gracefully deleted Pod) are kept:
      // only the final grace-0 delete removes it.
      return clone(this.hardDelete(type, key, next, current));
    }
    const stored = this.commit(type, key, 'MODIFIED', next, current);
    this.afterCommit(type, stored);
    return clone(stored);
  }

  // -------------------------------------------------------------------------------------------
  // Internals: commit and delivery

  private commit(
    type: ResourceType,
    key: string,
    change: 'ADDED' | 'MODIFIED' | 'DELETED',
    object: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    const resource = qualifiedResource(type);
    const rv = ++this.rv;
    object.metadata.resourceVersion = String(rv);
    const bucket = this.bucket(resource);
    if (change === 'DELETED') bucket.delete(key);
    else bucket.set(key, object);
    const entry: HistoryEntry = { rv, resource, type: change, object };
    if (previous) entry.previous = previous;
    this.history.push(entry);
    this.pending.push({ entry, type });
    this.drain();
    return object;
  }

  /** Removes the object; `last` is its final state (stamped with the deletion RV), `previous` what was stored. */
  private hardDelete(type: ResourceType, key: string, last: KubeObject, previous: KubeObject): KubeObject {
    if (qualifiedResource(type) === CRD_RESOURCE) this.removeCustomResource(last);
    return this.commit(type, key, 'DELETED', last, previous);
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) this.deliver(next);
    } finally {
      this.delivering = false;
    }
  }

  private deliver({ entry, type }: Pending): void {
    for (const watcher of this.watchers.get(entry.resource) ?? []) {
      if (watcher.stopped || entry.rv <= watcher.fromRV) continue;
      const event = eventFor(watcher.filter, entry);
      if (event) this.send(watcher, event);
    }
    for (const sub of this.subscribers) {
      if (sub.stopped || entry.rv <= sub.fromRV) continue;
      const change = privateChange(entry, type);
      try {
        sub.listener(change);
      } catch {
        // A failing subscriber must not undo or block a committed write; controllers log their own errors.
      }
    }
  }

  private send(watcher: Watcher, event: WireWatchEvent): void {
    if (watcher.stopped) return;
    try {
      watcher.listener(event);
    } catch {
      // A consumer that cannot take events (closed connection) is dropped.
      watcher.stopped = true;
      this.watchers.get(watcher.resource)?.delete(watcher);
      return;
    }
    if (event.type === 'ERROR') {
      watcher.stopped = true;
      this.watchers.get(watcher.resource)?.delete(watcher);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals: lists and watches

  private filterFor(type: ResourceType, options: { namespace?: string; labelSelector?: string; fieldSelector?: string }): ObjectFilter {
    const filter: ObjectFilter = {
      label: parseLabelSelector(options.labelSelector),
      field: parseFieldSelector(options.fieldSelector, type),
    };
    if (type.namespaced && options.namespace) filter.namespace = options.namespace;
    return filter;
  }

  private parseRV(value: string): number {
    if (!/^\d+$/.test(value)) {
      throw badRequest(`resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": invalid syntax`);
    }
    return Number(value);
  }

  /** The resource's objects as they were at `rv`, rolled back from now through the history. */
  private stateAt(resource: ResourceName, type: ResourceType, rv: number): Map<string, KubeObject> {
    const state = new Map(this.bucket(resource));
    if (rv >= this.rv) return state;
    for (const entry of this.history.newestFirst(rv)) {
      if (entry.resource !== resource) continue;
      const key = objectKey(type, entry.object.metadata.namespace, entry.object.metadata.name ?? '');
      if (entry.type === 'ADDED' || !entry.previous) state.delete(key);
      else state.set(key, entry.previous);
    }
    return state;
  }

  private sortedMatches(resource: ResourceName, type: ResourceType, filter: ObjectFilter): KubeObject[] {
    const bucket = this.bucket(resource);
    const name = exactName(filter.field);
    if (name !== undefined && (!type.namespaced || filter.namespace !== undefined)) {
      const one = bucket.get(objectKey(type, filter.namespace, name));
      return one && matchesFilter(filter, one) ? [one] : [];
    }
    return [...bucket.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => obj)
      .filter((obj) => matchesFilter(filter, obj));
  }

  // -------------------------------------------------------------------------------------------
  // Internals: CustomResourceDefinitions

  private afterCommit(type: ResourceType, stored: KubeObject): void {
    if (qualifiedResource(type) === CRD_RESOURCE) this.establishCrd(stored);
  }

  /** The apiextensions controllers' job: serve the CRD's resource and mark it Established. */
  private establishCrd(crd: KubeObject): void {
    const crdName = crd.metadata.name ?? '';
    const resourceType = crdResourceType(crd);
    if (!resourceType) return;
    const resource = qualifiedResource(resourceType);
    const previous = this.crdResources.get(crdName);
    if (previous !== resource) {
      const taken = this.registry.get(resource);
      // Never let a CRD shadow a built-in resource (the naming controller would refuse the names).
      if (taken && !this.isCustom(resource)) return;
      if (previous !== undefined) this.dropCustomResource(previous);
    }
    this.registry.register(resourceType);
    this.crdResources.set(crdName, resource);

    const status = desiredCrdStatus(crd, metaTime(this.options.clock.now()));
    if (!status) return;
    const crdType = this.resolve(CRD_RESOURCE);
    const current = this.bucket(CRD_RESOURCE).get(crdName);
    if (!current) return;
    const body = clone(current);
    body.status = status;
    this.writeUpdate(crdType, CRD_RESOURCE, current, body, { subresource: 'status' });
  }

  /** A CRD is going away: its objects are deleted (with DELETED events) and it stops being served. */
  private removeCustomResource(crd: KubeObject): void {
    const resource = this.crdResources.get(crd.metadata.name ?? '');
    if (resource === undefined) return;
    this.crdResources.delete(crd.metadata.name ?? '');
    this.dropCustomResource(resource);
  }

  private dropCustomResource(resource: ResourceName): void {
    const type = this.registry.get(resource);
    if (type) {
      const bucket = this.bucket(resource);
      for (const [key, obj] of [...bucket.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        this.commit(type, key, 'DELETED', clone(obj), obj);
      }
      // Open watches end the way a client sees a removed resource: the next request is a 404.
      for (const watcher of [...(this.watchers.get(resource) ?? [])]) {
        this.send(watcher, { type: 'ERROR', object: notFoundPath().status });
      }
    }
    this.watchers.delete(resource);
    this.objects.delete(resource);
    for (const [name, r] of this.crdResources) if (r === resource) this.crdResources.delete(name);
    this.registry.unregister(resource);
  }
}

/** Creates a store; `rules` default to no-op defaulting/validation and no patch support. */
export function createStoreWithRules(options: InternalStoreOptions): Store {
  return new ObjectStore(options);
}
