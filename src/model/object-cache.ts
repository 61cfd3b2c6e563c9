/**
 * The objects one watch currently sees, keyed by namespace/name. Pure: fed SourceEvents, it
 * answers what exists now. A SYNC replaces everything (a re-list after 410 Expired), so objects
 * that vanished while the watch was down disappear too.
 */
import type { KubeObject } from '../lib/kube-object.js';
import type { SourceEvent } from './source.js';

export function objectKeyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

export class ObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  /**
   * values() as last built, until the next change. A trace takes a snapshot of every watch per
   * update, most of which did not change (issue 6: per-update cost); an unchanged watch hands out
   * the same array, so consumers may also compare it by identity.
   */
  private list: KubeObject[] | undefined;
  /** True once the first SYNC arrived: before that, "no objects" means "not known yet". */
  synced = false;

  /** Applies an event; returns whether the cached state changed. */
  apply(event: SourceEvent): boolean {
    switch (event.type) {
      case 'SYNC': {
        this.list = undefined;
        this.objects.clear();
        for (const object of event.objects) this.objects.set(objectKeyOf(object), object);
        this.synced = true;
        return true;
      }
      case 'ADDED':
      case 'MODIFIED': {
        const key = objectKeyOf(event.object);
        const previous = this.objects.get(key);
        if (previous && previous.metadata.resourceVersion !== undefined &&
            previous.metadata.resourceVersion === event.object.metadata.resourceVersion) {
          return false;
        }
        this.objects.set(key, event.object);
        this.list = undefined;
        return true;
      }
      case 'DELETED': {
        const deleted = this.objects.delete(objectKeyOf(event.object));
        if (deleted) this.list = undefined;
        return deleted;
      }
      default:
        return false;
    }
  }

  clear(): void {
    this.objects.clear();
    this.list = undefined;
    this.synced = false;
  }

  /**
   * The objects, in the order first seen. The array is shared until the next change and frozen, so a
   * consumer that sorts or filters must copy it (a mutation throws instead of corrupting the cache).
   */
  values(): KubeObject[] {
    this.list ??= Object.freeze([...this.objects.values()]) as KubeObject[];
    return this.list;
  }

  get size(): number {
    return this.objects.size;
  }
}
