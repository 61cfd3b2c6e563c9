/**
 * What every simulated controller is given and how it runs. Controllers mirror the
 * kube-controller-manager / kubelet / scheduler loops closely enough that clients see
 * real-shaped objects and event sequences (kubernetes-facts.md §3–§5).
 *
 * Rules for controllers:
 * - React to store changes through ctx.store.subscribe(); never write from inside the
 *   subscription callback (it runs inside another write): enqueue a key and reconcile later
 *   through a KeyedQueue. QueueLoop wires the two together for a controller's start/stop.
 * - Wait with ctx.clock and scale every simulated duration with ctx.duration(), so the cluster's
 *   speed factor makes a 10 s readiness delay take 1 s at speed 10.
 * - Stamp times with metaTimeNow(ctx.clock) (metav1.Time, whole seconds) or microTime (MicroTime
 *   fields such as Lease renewTime), from ../time.ts: objects carry real, real-shaped timestamps.
 */
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceName, Store, StoreChange } from '../store/types.js';
import { errorMessage, isNotFound } from './pod-template.js';

export interface EventRecorder {
  /**
   * Records a core/v1 Event about `involved` (kubernetes-facts.md §7): a repeat of the same
   * (object, reason, message) increments count and lastTimestamp instead of adding an Event.
   */
  record(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: { component: string; host?: string },
    fieldPath?: string,
  ): void;
}

export interface ControllerContext {
  store: Store;
  clock: Clock;
  /** Speed factor (>= 1 speeds the simulation up). */
  speed: number;
  /** Converts a simulated duration (ms) to the real delay to wait for it. */
  duration(simulatedMs: number): number;
  events: EventRecorder;
  /** Diagnostic log; silent unless the cluster was started with a logger. */
  log(message: string): void;
}

export interface Controller {
  readonly name: string;
  start(ctx: ControllerContext): void;
  stop(): void;
}

/**
 * A de-duplicating work queue: keys enqueued while a reconcile is pending run once. Reconciles
 * run on a later macrotask, outside the write that triggered them. A reconcile that throws is
 * retried after a back-off, as controller-runtime's rate-limited queue does.
 */
export class KeyedQueue {
  private pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private retries = new Map<string, number>();
  private timers = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly reconcile: (key: string) => void,
    private readonly onError: (key: string, error: unknown) => void = () => {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Enqueues key after ms (real milliseconds of the clock). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, ms);
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.reconcile(key);
        this.retries.delete(key);
      } catch (error) {
        const attempt = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, attempt);
        this.onError(key, error);
        this.addAfter(key, Math.min(5 * 2 ** attempt, 1000));
      }
    }
  }
}

/** What a queue-driven controller is made of, besides the wiring QueueLoop supplies. */
export interface QueueControllerSpec {
  name: string;
  /** The start of the line logged when a reconcile throws: `<logLabel> <key>: <error>`. */
  logLabel: string;
  /** How that line words the error (default errorMessage: an API Status's message). */
  describeError?: (error: unknown) => string;
  reconcile(key: string, ctx: ControllerContext, queue: KeyedQueue): void;
  /** Every store change; runs inside the write that made it, so it only enqueues keys. */
  onChange(change: StoreChange, queue: KeyedQueue): void;
  /**
   * Once subscribed at start: rebuild the controller's own indexes from what is stored and enqueue
   * what needs a sync (an informer's initial list).
   */
  resync?(ctx: ControllerContext, queue: KeyedQueue): void;
  /** At stop, once unsubscribed and the queue stopped: drop the controller's own state and timers. */
  reset?(): void;
}

/**
 * The start/stop wiring every queue-driven controller shares (a kube-controller-manager
 * controller's informer handlers feeding its workqueue): start builds one KeyedQueue whose failed
 * reconciles are logged and retried, subscribes `onChange` to the store and runs `resync`; stop
 * unsubscribes, stops the queue (pending keys and timers are dropped) and runs `reset`.
 * `ctx` and `queue` are set while the controller runs, for code that reaches them by closure.
 */
export class QueueLoop {
  ctx: ControllerContext | undefined;
  queue: KeyedQueue | undefined;
  private unsubscribe: (() => void) | undefined;

  controller(spec: QueueControllerSpec): Controller {
    return {
      name: spec.name,
      start: (context) => {
        const describe = spec.describeError ?? errorMessage;
        const queue = new KeyedQueue(
          context.clock,
          (key) => spec.reconcile(key, context, queue),
          (key, error) => context.log(`${spec.logLabel} ${key}: ${describe(error)}`),
        );
        this.ctx = context;
        this.queue = queue;
        this.unsubscribe = context.store.subscribe((change) => spec.onChange(change, queue));
        spec.resync?.(context, queue);
      },
      stop: () => {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        this.queue?.stop();
        spec.reset?.();
        this.queue = undefined;
        this.ctx = undefined;
      },
    };
  }
}

/** 'namespace/name' (or 'name' for cluster-scoped objects), the key controllers queue. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : `${name}`;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Deletes an object that may already be gone: controllers race the garbage collector and users,
 * and a NotFound there means the desired state is reached (the real controllers ignore it too).
 * Returns whether this call deleted it.
 */
export function deleteIfPresent(store: Store, resource: ResourceName, namespace: string | undefined, name: string): boolean {
  try {
    store.delete(resource, namespace, name);
    return true;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return false;
  }
}
