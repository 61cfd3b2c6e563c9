/**
 * The bounded window of past changes that watches resume from (the apiserver's watch cache /
 * etcd's uncompacted revisions). Watching from a resourceVersion older than the window answers
 * 410 Expired, exactly as a real server does after compaction (kubernetes-facts.md §1).
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceName } from './types.js';

export interface HistoryEntry {
  rv: number;
  resource: ResourceName;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The stored object after the change (for DELETED: its last state stamped with the deletion RV). */
  object: KubeObject;
  /** The stored object before the change; undefined for ADDED. */
  previous?: KubeObject;
}

/** A ring buffer of entries in commit (= resourceVersion) order. Entries are never mutated. */
export class History {
  private readonly ring: Array<HistoryEntry | undefined>;
  private start = 0;
  private size = 0;
  /** Changes at or before this RV are gone: a watch may resume from it, not from anything older. */
  private floor: number;

  constructor(
    readonly capacity: number,
    initialRV: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`history size must be a positive integer, got ${capacity}`);
    this.ring = new Array<HistoryEntry | undefined>(capacity);
    this.floor = initialRV;
  }

  push(entry: HistoryEntry): void {
    if (this.size === this.capacity) {
      const evicted = this.ring[this.start];
      if (evicted) this.floor = evicted.rv;
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.ring[(this.start + this.size) % this.capacity] = entry;
      this.size++;
    }
  }

  /** The oldest resourceVersion a watch or continue token may still start from. */
  oldestResumable(): number {
    return this.floor;
  }

  /** Entries with rv > afterRV, oldest first. */
  *since(afterRV: number): Generator<HistoryEntry> {
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.start + i) % this.capacity];
      if (e && e.rv > afterRV) yield e;
    }
  }

  /** Entries with rv > afterRV, newest first (to roll state back to afterRV). */
  *newestFirst(afterRV: number): Generator<HistoryEntry> {
    for (let i = this.size - 1; i >= 0; i--) {
      const e = this.ring[(this.start + i) % this.capacity];
      if (!e || e.rv <= afterRV) return;
      yield e;
    }
  }

  /** Forgets everything up to `rv` (etcd compaction). */
  compact(rv: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.floor = Math.max(this.floor, rv);
  }
}
