/**
 * Shared fixture for the controller unit tests: a store on a ManualClock, a ControllerContext at
 * speed 1 that records every Event, the controllers started on it, and `settle()` to let their
 * queued reconciles run until the store stops changing. Test-only; nothing in the cluster imports it.
 */
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import { createStore } from '../store/index.js';
import type { AdmissionHook, Store } from '../store/types.js';
import type { Controller, ControllerContext } from './runtime.js';

/** One EventRecorder.record() call, flattened for assertions. */
export interface RecordedEvent {
  kind?: string;
  name?: string;
  type: string;
  reason: string;
  message: string;
  component: string;
}

export interface HarnessOptions {
  /** Admission hooks; a function gets the store lazily, for hooks that read it (service allocator). */
  admission?: AdmissionHook[] | ((store: () => Store) => AdmissionHook[]);
  /** The namespace created before the controllers start; default 'default'. */
  namespace?: string;
  /** Objects to create before the controllers start (nodes, …). */
  seed?: (store: Store) => void;
  /** Event-loop turns settle() may wait at most; default 500. */
  maxTurns?: number;
}

export interface Harness {
  store: Store;
  clock: ManualClock;
  events: RecordedEvent[];
  /** Resolves once the resource version stays the same for three event-loop turns. */
  settle(): Promise<void>;
  stop(): void;
}

export function controllerHarness(controllers: Controller[], options: HarnessOptions = {}): Harness {
  const clock = new ManualClock();
  const hooks = options.admission;
  const store: Store = createStore({ clock, admission: typeof hooks === 'function' ? hooks(() => store) : (hooks ?? []) });
  const events: RecordedEvent[] = [];
  const ctx: ControllerContext = {
    store,
    clock,
    speed: 1,
    duration: (ms) => ms,
    events: {
      record(involved, type, reason, message, source) {
        events.push({ kind: involved.kind, name: involved.metadata.name, type, reason, message, component: source.component });
      },
    },
    log: () => {},
  };
  store.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace ?? 'default' } });
  options.seed?.(store);
  for (const c of controllers) c.start(ctx);
  const maxTurns = options.maxTurns ?? 500;
  const settle = async () => {
    let last = '';
    for (let stable = 0, i = 0; stable < 3 && i < maxTurns; i++) {
      await new Promise((r) => setImmediate(r));
      const rv = store.currentResourceVersion();
      stable = rv === last ? stable + 1 : 0;
      last = rv;
    }
  };
  return { store, clock, events, settle, stop: () => controllers.forEach((c) => c.stop()) };
}

/** The kubelet's part in these tests: the Pod becomes Running and Ready now, at `podIP`. */
export function markPodReady(store: Store, clock: ManualClock, pod: KubeObject, podIP: string): void {
  store.mutate(
    'pods',
    pod.metadata.namespace,
    pod.metadata.name ?? '',
    (copy) => {
      copy.status = {
        phase: 'Running',
        podIP,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: metaTimeNow(clock) }],
      };
      return copy;
    },
    { subresource: 'status' },
  );
}
