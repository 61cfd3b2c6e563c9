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
  /** True once the first SYNC arrived: before that, "no objects" means "not known yet". */
  synced = false;

  /** Applies an event; returns whether the cached state changed. */
  apply(event: SourceEvent): boolean {
    switch (event.type) {
      case 'SYNC': {
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
        return true;
      }
      case 'DELETED':
        return this.objects.delete(objectKeyOf(event.object));
      default:
        return false;
    }
  }

  clear(): void {
    this.objects.clear();
    this.synced = false;
  }

  values(): KubeObject[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }
}
