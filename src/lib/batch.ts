/**
 * Batches of input: work that each piece of a burst may ask for (re-analysing a trace after a
 * watch event) runs once, as soon as the burst at hand has been handled.
 *
 * The I/O edge that hands input over runs its handling in `batch()` (rest.ts: every line of one
 * chunk of a watch stream); `whenBatchEnds(fn)` called inside it runs `fn` when the outermost batch
 * ends — synchronously, before the event loop moves on. Outside any batch (a LIST answer, a
 * replayed recording, a timer) `fn` runs with setImmediate, after the I/O of the current turn.
 *
 * Why not always setImmediate: the rest of the turn — Node's HTTP/2 and TLS bookkeeping after the
 * chunk — took ~0.1 ms before the update ran, a sixth of kubespy's share of a watch event's
 * latency here (issue 6, measured with per-stage stamps over 150 Service updates: ~600 → ~500 µs
 * from the chunk's arrival to the line written). A microtask does not help: microtasks run only
 * once the native callback that delivered the chunk returns, after that same bookkeeping.
 */

let depth = 0;
let pending: Array<() => void> = [];

/** Runs `work` as a batch; what whenBatchEnds queued in it runs when the outermost batch ends. */
export function batch<T>(work: () => T): T {
  depth += 1;
  try {
    return work();
  } finally {
    depth -= 1;
    if (depth === 0 && pending.length > 0) runPending();
  }
}

/** Runs `fn` when the current batch ends, or with setImmediate outside a batch. */
export function whenBatchEnds(fn: () => void): void {
  if (depth > 0) pending.push(fn);
  else setImmediate(fn);
}

function runPending(): void {
  const run = pending;
  pending = [];
  for (const fn of run) {
    try {
      fn();
    } catch (err) {
      // A failure of the deferred work is its own, not the batch's input's (a watch stream must
      // not read an analyser's bug as a broken connection): it surfaces as it would from
      // setImmediate, as an uncaught exception.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
