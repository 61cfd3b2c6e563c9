/**
 * A named group of watches whose requests can change while a trace runs (the Pod watch follows
 * the Service's selector). Each named watch feeds its own ObjectCache; a watch restarted with a
 * new request starts from an empty, unsynced cache so stale objects never linger.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { ObjectCache } from './object-cache.js';
import type { ObjectSource, SourceEvent, SourceProblem, WatchRequest } from './source.js';

interface ActiveWatch {
  key: string;
  cache: ObjectCache;
  controller: AbortController;
  problem?: SourceProblem;
  reconnecting: boolean;
}

function requestKey(request: WatchRequest): string {
  const r = request.resource;
  return [r.group, r.version, r.resource, request.namespace ?? '', request.labelSelector ?? '', request.fieldSelector ?? ''].join('|');
}

export class WatchSet {
  private readonly watches = new Map<string, ActiveWatch>();

  constructor(
    private readonly source: ObjectSource,
    private readonly signal: AbortSignal,
    /** Called after every event that may have changed what the set shows. */
    private readonly onChange: () => void,
  ) {
    // One listener for the whole set: a trace restarts watches often (the Pod watch follows the
    // selector), and a listener per watch would pile up on the long-lived parent signal.
    signal.addEventListener('abort', () => this.stopAll(), { once: true });
  }

  /** Starts, keeps (same request) or restarts (new request) the watch called name; undefined stops it. */
  set(name: string, request: WatchRequest | undefined): void {
    const current = this.watches.get(name);
    const key = request ? requestKey(request) : undefined;
    if (current && current.key === key) return;
    if (current) {
      current.controller.abort();
      this.watches.delete(name);
    }
    if (!request || !key || this.signal.aborted) {
      if (current) this.onChange();
      return;
    }
    const controller = new AbortController();
    const watch: ActiveWatch = { key, cache: new ObjectCache(), controller, reconnecting: false };
    this.watches.set(name, watch);
    this.source.watch(request, (event) => this.handle(watch, event), controller.signal);
    if (current) this.onChange();
  }

  private handle(watch: ActiveWatch, event: SourceEvent): void {
    if (watch.controller.signal.aborted) return;
    switch (event.type) {
      case 'PROBLEM':
        watch.problem = event.problem;
        break;
      case 'RECONNECTING':
        watch.reconnecting = true;
        break;
      case 'HEALTHY':
        watch.problem = undefined;
        watch.reconnecting = false;
        break;
      default: {
        // Objects arriving mean the watch works, whatever it reported before.
        const recovered = watch.problem !== undefined || watch.reconnecting;
        watch.problem = undefined;
        watch.reconnecting = false;
        // A repeat of what the cache holds (same resourceVersion, or the deletion of an object
        // it never had) changes nothing the trace shows: no update, no re-analysis.
        if (!watch.cache.apply(event) && !recovered) return;
      }
    }
    this.onChange();
  }

  has(name: string): boolean {
    return this.watches.has(name);
  }

  objects(name: string): KubeObject[] {
    return this.watches.get(name)?.cache.values() ?? [];
  }

  /** Whether the named watch has delivered its first full state. */
  synced(name: string): boolean {
    return this.watches.get(name)?.cache.synced ?? false;
  }

  problem(name: string): SourceProblem | undefined {
    return this.watches.get(name)?.problem;
  }

  /** True while any watch is reconnecting after a dropped connection. */
  reconnecting(): boolean {
    for (const watch of this.watches.values()) if (watch.reconnecting) return true;
    return false;
  }

  stopAll(): void {
    for (const watch of this.watches.values()) watch.controller.abort();
    this.watches.clear();
  }
}
