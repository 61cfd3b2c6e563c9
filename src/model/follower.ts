/**
 * What every object follower (service-objects.ts, workload-objects.ts) shares: a WatchSet whose
 * events may change what the trace sees, coalesced into updates (one per chunk of a watch stream,
 * at most two per turn of the event loop: changed() below), and the
 * bookkeeping read from it when a snapshot is taken (which watches settled, which cannot deliver,
 * which Warning Events concern the traced objects).
 */
import { whenBatchEnds } from '../lib/batch.js';
import type { KubeObject } from '../lib/kube-object.js';
import type { ObjectSource, SourceProblem } from './source.js';
import { WatchSet } from './watch-set.js';

export interface FollowerOptions<T> {
  source: ObjectSource;
  signal: AbortSignal;
  /**
   * Runs on every watch event, before an update is scheduled: re-points the watches that follow
   * another object (the Pod watch follows the Service's or workload's selector).
   */
  onEvent: () => void;
  /** What the trace sees now; called once per coalesced update. */
  snapshot: () => T;
  onUpdate: (snapshot: T) => void;
}

export interface Follower {
  readonly watches: WatchSet;
  /** Schedules an update; any number of calls before it runs give one update. */
  changed(): void;
  /** stop() was called or the signal aborted: late async work must not report any more. */
  readonly stopped: boolean;
  /**
   * The watch has delivered its first full state or said why it cannot, or is not running (an
   * object it would follow is not known yet): until then an empty list means "not known yet".
   */
  settled(name: string): boolean;
  /** Why the named watches cannot deliver, by watch name (only those that cannot). */
  problems(names: readonly string[]): Record<string, SourceProblem>;
  stop(): void;
}

export function startFollower<T>(options: FollowerOptions<T>): Follower {
  const { signal } = options;
  let scheduled = false;
  let stopped = false;

  const emit = () => {
    scheduled = false;
    if (stopped || signal.aborted) return;
    options.onUpdate(options.snapshot());
  };
  // One update per burst: events handed over together (the lines of one chunk of a watch stream,
  // lib/batch.ts) give one update, run as soon as they have been handled (issue 6: latency).
  // Should several chunks arrive in one turn of the event loop, only the first gets an update of
  // its own; later changes in that turn are coalesced into one update after the turn's I/O
  // (setImmediate), as are changes made outside a batch (a re-list delivers hundreds of objects
  // at once), so a busy stream costs at most two analyses per turn, not one per chunk.
  let updatedThisTurn = false;
  const endTurn = () => {
    updatedThisTurn = false;
  };
  const changed = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    if (updatedThisTurn) {
      setImmediate(emit);
      return;
    }
    updatedThisTurn = true;
    setImmediate(endTurn);
    whenBatchEnds(emit);
  };
  const watches = new WatchSet(options.source, signal, () => {
    options.onEvent();
    changed();
  });

  return {
    watches,
    changed,
    get stopped() {
      return stopped || signal.aborted;
    },
    settled(name) {
      return !watches.has(name) || watches.synced(name) || watches.problem(name) !== undefined;
    },
    problems(names) {
      const problems: Record<string, SourceProblem> = {};
      for (const name of names) {
        const problem = watches.problem(name);
        if (problem) problems[name] = problem;
      }
      return problems;
    },
    stop() {
      stopped = true;
      watches.stopAll();
    },
  };
}

/**
 * The Events whose involvedObject is one of `involved` ("Kind/name" keys). A Warning Event watch
 * covers the whole namespace (an Event field selector cannot OR several involved objects), so the
 * follower keeps only those about the traced objects.
 */
export function eventsInvolving(events: readonly KubeObject[], involved: ReadonlySet<string>): KubeObject[] {
  return events.filter((event) => {
    const ref = event.involvedObject as { kind?: string; name?: string } | undefined;
    return ref !== undefined && involved.has(`${ref.kind}/${ref.name}`);
  });
}

/**
 * eventsInvolving for a model's snapshots: the same frozen list while neither the Events (the
 * watch's list is the same array until the watch changes) nor the involved objects changed, so
 * what the analysers derive from it is cached by the list (issue 6: per-update cost).
 */
export function eventsInvolvingCached(): (events: readonly KubeObject[], involved: ReadonlySet<string>) => readonly KubeObject[] {
  let last: { events: readonly KubeObject[]; key: string; result: readonly KubeObject[] } | undefined;
  return (events, involved) => {
    const key = [...involved].join('\n');
    if (last !== undefined && last.events === events && last.key === key) return last.result;
    const result = Object.freeze(eventsInvolving(events, involved));
    last = { events, key, result };
    return result;
  };
}
