/**
 * `--replay FILE` (design.md §5): a recording played back as an ObjectSource, so any command
 * runs on it exactly as on a cluster.
 *
 * The replay keeps the recorded world — the last state of every object up to the line being
 * played — and answers each watch the way kube-apiserver's watch cache does: the objects of the
 * request's resource and namespace that match its label and field selectors, then ADDED /
 * MODIFIED / DELETED as objects enter, change in, or leave that set. A watch opened while a live
 * run's list for the same request was still in flight gets its SYNC at that list's SYNC marker,
 * so it sees what the live watch saw, when it saw it.
 *
 * Time is virtual: the replay clock reads the recorded time of the line being played, and timers
 * set on it (a trace's ticks, --timeout) fire in recorded order between lines. `speed` N plays
 * N times faster than recorded; 0 plays as fast as the event loop allows.
 */
import type { Clock, TimerHandle } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import type { ObjectSource, SourceEvent, SourceProblem, WatchRequest } from '../model/source.js';
import { identityOf, requestFilter, requestKey, type RequestFilter } from './filter.js';
import type { ParsedRecording, RecordingLine } from './format.js';

export interface ReplayOptions {
  /** 0: as fast as possible; N: N times faster than recorded. */
  speed: number;
  /** Real time, to pace a replay at speed N (tests pass a fake). */
  wait?: (ms: number) => Promise<void>;
}

export interface Replay {
  source: ObjectSource;
  /** Virtual time: the recorded time of the line being played. */
  clock: Clock;
  /** Resolves once every line has been played (and timers due before the recorded end have run). */
  finished: Promise<void>;
  stop(): void;
}

interface ReplayWatch {
  key: string;
  filter?: RequestFilter;
  onEvent: (event: SourceEvent) => void;
  signal: AbortSignal;
  /** Identities currently in this watch's view; undefined until its SYNC. */
  members?: Set<string>;
}

interface PendingList {
  key: string;
  filter?: RequestFilter;
  limit?: number;
  resolve: (objects: KubeObject[]) => void;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

const defaultWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/**
 * Lets what a played line set in motion finish before the next line: consumers coalesce their
 * updates into one setImmediate (model/service-objects.ts) and answer lists through promises, so
 * a few event-loop turns pass, as the network's delays let them live.
 */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

export function createReplay(recording: ParsedRecording, options: ReplayOptions): Replay {
  const lines = recording.lines;
  const reportMarked = lines.some((line) => line.type === 'REPORT');
  const wait = options.wait ?? defaultWait;
  const startMs = recording.header ? Date.parse(recording.header.time) : (lines[0]?.ms ?? Date.now());
  let now = Number.isNaN(startMs) ? (lines[0]?.ms ?? 0) : startMs;
  let cursor = 0;
  let seq = 0;
  let timers: Timer[] = [];
  let running = false;
  let stopped = false;
  const world = new Map<string, KubeObject>();
  const watches = new Set<ReplayWatch>();
  const lists: PendingList[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms): TimerHandle {
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => { timer.cancelled = true; } };
    },
  };

  const filterFor = (request: WatchRequest): { filter?: RequestFilter; problem?: SourceProblem } => {
    try {
      return { filter: requestFilter(request) };
    } catch (error) {
      return { problem: { kind: 'other', message: `cannot replay this watch: ${error instanceof Error ? error.message : String(error)}` } };
    }
  };

  const view = (filter: RequestFilter | undefined): KubeObject[] => (filter ? [...world.values()].filter((o) => filter.matches(o)) : []);

  /** Whether a marker of this type for this request is still ahead in the recording. */
  const markerAhead = (type: 'SYNC' | 'LIST', key: string): boolean =>
    lines.slice(cursor).some((l) => (l.type === type || l.type === 'PROBLEM') && requestKey(l.request) === key);

  const sync = (watch: ReplayWatch) => {
    const objects = view(watch.filter);
    watch.members = new Set(objects.map(identityOf));
    deliver(watch, { type: 'SYNC', objects });
  };

  const deliver = (watch: ReplayWatch, event: SourceEvent) => {
    if (!watch.signal.aborted && !stopped) watch.onEvent(event);
  };

  const applyObject = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => {
    const id = identityOf(object);
    if (type === 'DELETED') world.delete(id);
    else world.set(id, object);
    for (const watch of watches) {
      if (!watch.members || !watch.filter) continue;
      const before = watch.members.has(id);
      const after = type !== 'DELETED' && watch.filter.matches(object);
      if (after) watch.members.add(id);
      else watch.members.delete(id);
      if (!before && after) deliver(watch, { type: 'ADDED', object });
      else if (before && after) deliver(watch, { type: 'MODIFIED', object });
      else if (before && !after) deliver(watch, { type: 'DELETED', object });
    }
  };

  const play = (line: RecordingLine) => {
    switch (line.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        applyObject(line.type, line.object);
        break;
      case 'SYNC': {
        const key = requestKey(line.request);
        for (const watch of watches) if (watch.key === key) sync(watch);
        break;
      }
      case 'LIST': {
        const key = requestKey(line.request);
        for (const pending of lists.filter((l) => l.key === key)) answer(pending);
        break;
      }
      case 'PROBLEM': {
        const key = requestKey(line.request);
        for (const watch of watches) if (watch.key === key) deliver(watch, { type: 'PROBLEM', problem: line.problem });
        for (const pending of lists.filter((l) => l.key === key)) answer(pending);
        break;
      }
      case 'REPORT':
      case 'END':
        break;
    }
  };

  const answer = (pending: PendingList) => {
    lists.splice(lists.indexOf(pending), 1);
    const objects = view(pending.filter);
    pending.resolve(pending.limit === undefined ? objects : objects.slice(0, pending.limit));
  };

  const nextTimer = (): Timer | undefined => {
    timers = timers.filter((t) => !t.cancelled);
    return timers.reduce<Timer | undefined>((best, t) => (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq) ? t : best), undefined);
  };

  const endMs = (): number => {
    const last = lines[lines.length - 1];
    return last ? last.ms : now;
  };

  async function loop(): Promise<void> {
    await settle();
    while (!stopped) {
      const line = lines[cursor];
      const timer = nextTimer();
      const lineAt = line?.ms ?? Infinity;
      // Timers due after the recording's last line would tick forever: the replay ends there.
      const timerAt = timer && timer.at <= endMs() ? timer.at : Infinity;
      const at = Math.min(lineAt, timerAt);
      if (at === Infinity) break;
      if (options.speed > 0 && at > now) await wait((at - now) / options.speed);
      if (stopped) break;
      now = Math.max(now, at);
      if (timer && timerAt <= lineAt) {
        timer.cancelled = true;
        timer.fn();
      } else {
        if (reportMarked) {
          // Up to the next REPORT marker: what the trace took in as one update live.
          while (cursor < lines.length) {
            const next = lines[cursor++]!;
            now = Math.max(now, next.ms);
            play(next);
            if (next.type === 'REPORT') break;
          }
        } else {
          // No markers (an older recording, or another command's): lines received in the same
          // millisecond arrived together live, so play them in one turn.
          while (cursor < lines.length && lines[cursor]!.ms === lineAt) play(lines[cursor++]!);
        }
      }
      await settle();
    }
    for (const pending of [...lists]) answer(pending);
    finish();
  }

  /** Playing starts with the first watch or list: a command resolves its kinds first. */
  const start = () => {
    if (running) return;
    running = true;
    void loop();
  };

  const source: ObjectSource = {
    watch(request, onEvent, signal) {
      start();
      const { filter, problem } = filterFor(request);
      const watch: ReplayWatch = { key: requestKey(request), filter, onEvent, signal };
      watches.add(watch);
      signal.addEventListener('abort', () => watches.delete(watch), { once: true });
      queueMicrotask(() => {
        if (problem) deliver(watch, { type: 'PROBLEM', problem });
        // Recorded while its list was in flight: the list's marker brings the SYNC.
        else if (!markerAhead('SYNC', watch.key)) sync(watch);
      });
    },
    list(request, signal, limit) {
      start();
      const { filter } = filterFor(request);
      return new Promise((resolve) => {
        const pending: PendingList = { key: requestKey(request), filter, limit, resolve };
        lists.push(pending);
        signal.addEventListener('abort', () => { if (lists.includes(pending)) answer(pending); }, { once: true });
        if (!markerAhead('LIST', pending.key)) queueMicrotask(() => { if (lists.includes(pending)) answer(pending); });
      });
    },
  };

  return {
    source,
    clock,
    finished,
    stop() {
      stopped = true;
      finish();
    },
  };
}
