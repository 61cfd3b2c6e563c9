/**
 * The embedded cluster's event recorder: writes core/v1 Events the way client-go's legacy
 * recorder (tools/record) does (kubernetes-facts.md §7): one Event per (object, reason, message),
 * named `<object>.<hex>`, whose repeats bump `count` and `lastTimestamp` on the same Event.
 */
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import type { Store } from '../store/types.js';
import type { EventRecorder } from './runtime.js';

export interface EventRecorderOptions {
  /**
   * Events older than this (clock ms since their last repeat) are deleted, like kube-apiserver's
   * `--event-ttl` (1 h by default: pass the scaled value). Unset: events are kept.
   */
  ttlMs?: number;
  /** Repeats remembered for aggregation; client-go keeps an LRU of 4096. */
  cacheSize?: number;
  /** Receives write failures (e.g. the namespace is gone); recording never throws. */
  log?: (message: string) => void;
}

export interface EventRecorderHandle extends EventRecorder {
  /** Stops the expiry sweep (if any). */
  stop(): void;
}

interface CachedEvent {
  namespace: string;
  name: string;
}

const DEFAULT_CACHE_SIZE = 4096;

export function createEventRecorder(store: Store, clock: Clock, options: EventRecorderOptions = {}): EventRecorderHandle {
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const log = options.log ?? (() => {});
  // Insertion-ordered Map used as an LRU: a hit is re-inserted at the end, the oldest is evicted.
  const cache = new Map<string, CachedEvent>();
  let lastNanos = 0n;
  let sweepTimer: TimerHandle | undefined;
  let stopped = false;

  /**
   * client-go names events `fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())`; nanoseconds from a
   * millisecond clock would collide, so later names within one ms step on by one nanosecond.
   */
  function eventName(involvedName: string): string {
    let nanos = BigInt(clock.now()) * 1_000_000n;
    if (nanos <= lastNanos) nanos = lastNanos + 1n;
    lastNanos = nanos;
    return `${involvedName}.${nanos.toString(16)}`;
  }

  function remember(key: string, value: CachedEvent): void {
    cache.delete(key);
    cache.set(key, value);
    while (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done) break;
      cache.delete(oldest.value);
    }
  }

  function bumpExisting(cached: CachedEvent, now: string): boolean {
    try {
      const updated = store.mutate('events', cached.namespace, cached.name, (event) => {
        const count = typeof event.count === 'number' ? event.count : 1;
        return { ...event, count: count + 1, lastTimestamp: now };
      });
      return updated !== undefined;
    } catch {
      // Gone (expired or deleted by a user): the repeat starts a new Event, as client-go does.
      return false;
    }
  }

  function scheduleSweep(): void {
    const ttl = options.ttlMs;
    if (ttl === undefined || stopped || sweepTimer) return;
    sweepTimer = clock.setTimeout(() => {
      sweepTimer = undefined;
      sweep(ttl);
      scheduleSweep();
    }, Math.max(1, ttl / 10));
  }

  function sweep(ttl: number): void {
    const cutoff = clock.now() - ttl;
    let items: KubeObject[];
    try {
      items = store.list('events').items;
    } catch (error) {
      log(`event expiry: ${String(error)}`);
      return;
    }
    for (const event of items) {
      const last = Date.parse(String(event.lastTimestamp ?? event.metadata.creationTimestamp ?? ''));
      if (!Number.isFinite(last) || last > cutoff) continue;
      try {
        store.delete('events', event.metadata.namespace, event.metadata.name ?? '');
      } catch {
        // Already gone.
      }
    }
  }

  return {
    record(involved, type, reason, message, source, fieldPath) {
      if (stopped) return;
      const meta = involved.metadata;
      const involvedName = meta.name ?? '';
      const namespace = meta.namespace || 'default';
      const now = metaTimeNow(clock);
      const key = JSON.stringify([meta.uid ?? `${namespace}/${involvedName}`, type, reason, message, fieldPath ?? '', source.component, source.host ?? '']);
      const cached = cache.get(key);
      if (cached && bumpExisting(cached, now)) {
        remember(key, cached);
        return;
      }
      const involvedObject: Record<string, unknown> = {
        kind: involved.kind,
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        name: involvedName,
        uid: meta.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: meta.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      };
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: eventName(involvedName), namespace },
        involvedObject,
        reason,
        message,
        type,
        source: source.host ? { component: source.component, host: source.host } : { component: source.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      };
      try {
        const created = store.create('events', namespace, event);
        remember(key, { namespace, name: created.metadata.name ?? '' });
        scheduleSweep();
      } catch (error) {
        log(`event ${reason} for ${involved.kind ?? 'object'} ${namespace}/${involvedName} not recorded: ${String(error)}`);
      }
    },
    stop() {
      stopped = true;
      sweepTimer?.cancel();
      sweepTimer = undefined;
      cache.clear();
    },
  };
}
