/**
 * The embedded cluster's object store: the contract between the store (store/), the HTTP layer
 * (server/) and the simulated controllers (controllers/). It mirrors what kube-apiserver + etcd
 * give their clients (kubernetes-facts.md §1, §8, §9): one global resourceVersion counter
 * incremented on every write, status subresources, generation bumps on spec changes,
 * selector-filtered watches with a bounded history that answers 410 Expired once compacted.
 *
 * Every method that fails throws an ApiError (store/errors.ts) carrying the Status body a real
 * API server would send, so server/ can write it as is.
 */
import type { KubeObject, Status, WireWatchEvent } from '../../lib/kube-object.js';

/** One served resource, as discovery describes it (kubernetes-facts.md §8). */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  /** The single version the store serves this resource at (e.g. 'v1'). */
  version: string;
  kind: string;
  listKind: string;
  /** Plural resource name, e.g. 'deployments'. */
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** Subresources served besides the object itself. */
  subresources: Array<'status' | 'scale'>;
  verbs: string[];
}

/**
 * Resources are named as kubectl prints them: the plural, qualified by its group unless core:
 * 'pods', 'services', 'deployments.apps', 'endpointslices.discovery.k8s.io'.
 */
export type ResourceName = string;

export interface ResourceRegistry {
  /** Every served resource, core first, then groups in registration order. */
  all(): ResourceType[];
  /** By 'plural' (core) or 'plural.group'; undefined when not served. */
  get(resource: ResourceName): ResourceType | undefined;
  /** By group + kind; undefined when not served. */
  byKind(group: string, kind: string): ResourceType | undefined;
  /** Adds a resource (CRDs once Established); replaces one with the same plural+group. */
  register(type: ResourceType): void;
  unregister(resource: ResourceName): void;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ListOptions {
  /** Omitted for cluster-scoped resources or to list across all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** 'status' writes only .status (and metadata); the main resource ignores .status changes. */
  subresource?: 'status' | 'scale';
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Unset or '' or '0': synthetic ADDED for every current match, then changes.
   * Any other value: changes strictly after it; 410 Expired if it is older than the history.
   */
  resourceVersion?: string;
  /** Streaming list: ADDED for each match, then a BOOKMARK annotated k8s.io/initial-events-end. */
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
}

export interface WatchHandle {
  stop(): void;
}

/**
 * Receives a watch's events in order. An ERROR event (e.g. 410 Expired) ends the watch.
 * Called synchronously from inside the write that caused it: do not write to the store from here.
 */
export type WatchListener = (event: WireWatchEvent) => void;

/** What changed, for in-process subscribers (controllers). */
export interface StoreChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  /** The object before the change; undefined for ADDED. */
  previous?: KubeObject;
}

export interface Store {
  readonly registry: ResourceRegistry;

  /** The resourceVersion of the latest write, as a decimal string. */
  currentResourceVersion(): string;

  /** Throws ApiError NotFound (404) when absent. */
  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject;
  tryGet(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined;

  list(resource: ResourceName, options?: ListOptions): ListResult;

  /** Fills uid, creationTimestamp, resourceVersion, generation, generateName; validates (422). */
  create(resource: ResourceName, namespace: string | undefined, object: KubeObject, options?: WriteOptions): KubeObject;

  /** Replaces the object; 409 Conflict when object.metadata.resourceVersion is set and stale. */
  update(resource: ResourceName, namespace: string | undefined, name: string, object: KubeObject, options?: WriteOptions): KubeObject;

  patch(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    options?: PatchOptions,
  ): KubeObject;

  /**
   * Read-modify-write for in-process callers (controllers): mutate receives a deep copy and
   * returns the new object (or undefined to skip the write). Never conflicts.
   */
  mutate(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    mutate: (copy: KubeObject) => KubeObject | undefined,
    options?: WriteOptions,
  ): KubeObject | undefined;

  /**
   * Deletes (or, with finalizers or a grace period, marks deletionTimestamp and returns the
   * object). Pods are deleted gracefully: deletionTimestamp first, the kubelet finishes it.
   */
  delete(resource: ResourceName, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject;

  /** Throws ApiError (410 Expired, 400 bad selector, 404 unknown resource) before any event. */
  watch(resource: ResourceName, options: WatchOptions, listener: WatchListener): WatchHandle;

  /** Every committed change of every resource, in commit order. Returns an unsubscribe. */
  subscribe(listener: (change: StoreChange) => void): () => void;

  /** Drops watch history up to the current resourceVersion: resuming from older RVs gets 410. */
  compact(): void;
}

/** Used by server/ to build error responses from anything a handler throws. */
export interface ApiErrorLike extends Error {
  status: Status;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * Runs on every write after defaulting and before validation, like a mutating admission plugin
 * or a registry strategy (Service ClusterIP/NodePort allocation lives here: a real API server
 * allocates them synchronously at create time). May change `object` in place; throws an ApiError
 * to refuse the write (nothing is stored then).
 */
export type AdmissionHook = (
  operation: AdmissionOperation,
  resource: ResourceType,
  object: KubeObject,
  previous: KubeObject | undefined,
) => void;

export interface StoreOptions {
  /** Stamps creationTimestamp / deletionTimestamp. */
  clock: import('../../lib/clock.js').Clock;
  admission?: AdmissionHook[];
  /** Watch events kept for resuming; older resourceVersions get 410 Expired. Default 10,000. */
  historySize?: number;
}

/*
 * Pure per-kind object rules (src/cluster/objects/) the store calls on every write:
 *   defaultObject(resource: ResourceType, object: KubeObject): void          — fills API defaults in place
 *   validateObject(resource: ResourceType, object: KubeObject, previous?: KubeObject): StatusCause[]
 *                                                                             — [] when valid; field paths as the real server writes them
 * and patch application (src/cluster/patch/):
 *   applyPatch(patchType: PatchType, current: KubeObject, body: unknown, context: PatchContext): KubeObject
 */
export interface PatchContext {
  resource: ResourceType;
  fieldManager?: string;
  force?: boolean;
  /** ISO time for managedFields entries. */
  now: string;
}
