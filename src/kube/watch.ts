/**
 * The list+watch loop, modelled on client-go's Reflector (kubernetes-facts.md §1 "Reconnect
 * behaviour"): it resumes from the last resourceVersion, re-lists on 410, asks for bookmarks,
 * backs off with jitter, detects a stalled stream, and reports every failure as a typed event.
 *
 *   LIST (limit=500, continue)  ─►  SYNC
 *     └► WATCH ?resourceVersion=RV&allowWatchBookmarks=true&timeoutSeconds=300..600
 *          clean EOF             → watch again at once from the last RV (bookmarks included)
 *          410 Expired/Gone, 504 ResourceVersionTooLarge → ERROR, then LIST again (relisted)
 *          network, 5xx, 429, 401/403/404, stall, empty early close
 *                                → ERROR + RECONNECTING, back off, watch again (LIST if needed)
 *          unparsable line       → ERROR, and the stream carries on
 *
 * Aborting `signal` ends the loop; no event is delivered after that.
 */
import { systemClock, type Clock } from '../lib/clock.js';
import type { KubeObject, Status } from '../lib/kube-object.js';
import { ApiError, ConnectionError, KubeError, StreamError } from './errors.js';
import type { Query, RestClient } from './rest.js';

export type ListWatchEvent =
  /**
   * The full state after a LIST. On a relist consumers replace their cache; the DELETED events
   * for objects that vanished between the two lists are emitted just before it.
   */
  | { type: 'SYNC'; objects: KubeObject[]; resourceVersion: string; relisted: boolean }
  /**
   * `synthetic` marks a DELETED made up after a relist for an object that vanished while we
   * were not watching (client-go's DeletedFinalStateUnknown): `object` is its last known state.
   */
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; synthetic?: boolean }
  | { type: 'BOOKMARK'; resourceVersion: string }
  /** Every failure, typed. `retryInMs` is set when the loop will retry after that delay. */
  | { type: 'ERROR'; error: KubeError; retryInMs?: number }
  | { type: 'RECONNECTING'; attempt: number; delayMs: number; reason: string }
  /** A watch stream is open: the first time, and again after any failure. */
  | { type: 'CONNECTED' };

export interface ListWatchOptions {
  rest: Pick<RestClient, 'getJSON' | 'stream'>;
  /** Collection path, e.g. from pathFor(resource) or pathFor(resource, namespace). */
  path: string;
  /**
   * Inserted as /namespaces/NS before the resource segment when `path` has no namespace yet;
   * leave unset for cluster-scoped kinds or all namespaces.
   */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
  /** For back-off, stall timers and "healthy for 2 min" (ManualClock in tests). */
  clock?: Clock;
  onEvent: (event: ListWatchEvent) => void;
  /** No bytes for this long means the stream is stalled (default 90 s; bookmarks come ~1/min). */
  stallTimeoutMs?: number;
  /** Server-side watch timeout; default random in [300, 600) like client-go. */
  timeoutSeconds?: number;
  /** Source of randomness for jitter and the timeout (tests pin it). */
  random?: () => number;
  /** Page size for LIST (default 500, kubectl's). */
  pageSize?: number;
  /** Back-off policy (default BACKOFF, client-go's); fault campaigns shorten it. */
  backoff?: BackoffPolicy;
}

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  capMs: number;
  /** A watch healthy for this long starts the next failure's back-off from the beginning again. */
  resetAfterMs: number;
}

/** client-go's reflector back-off: 800 ms, ×2, capped at 30 s, reset after 2 min healthy. */
export const BACKOFF: Readonly<BackoffPolicy> = { initialMs: 800, factor: 2, capMs: 30_000, resetAfterMs: 120_000 };
const DEFAULT_STALL_MS = 90_000;
/** client-go treats a watch that ends in under a second with no events as an error. */
const SHORT_WATCH_MS = 1_000;

/** Full jitter over an exponential base (AWS "full jitter"): uniform in [0, base]. */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = BACKOFF): number {
  const base = Math.min(policy.capMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(random() * base);
}

/** Wraps an exception thrown by onEvent, so it ends the loop instead of looking like a network failure. */
class ConsumerFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Resolves when `signal` aborts (an abort is how a watch ends normally). Rejects only when
 * onEvent throws: that is a bug in the consumer, not a cluster failure to retry.
 */
export async function listWatch(opts: ListWatchOptions): Promise<void> {
  try {
    await run(opts);
  } catch (err) {
    throw err instanceof ConsumerFailure ? err.error : err;
  }
}

async function run(opts: ListWatchOptions): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const stallMs = opts.stallTimeoutMs ?? DEFAULT_STALL_MS;
  const pageSize = opts.pageSize ?? 500;
  const backoff = opts.backoff ?? BACKOFF;
  const { signal } = opts;
  const path = withNamespace(opts.path, opts.namespace);
  const selectors: Query = { labelSelector: opts.labelSelector || undefined, fieldSelector: opts.fieldSelector || undefined };

  const emit = (e: ListWatchEvent): void => {
    if (signal.aborted) return;
    try {
      opts.onEvent(e);
    } catch (err) {
      throw new ConsumerFailure(err);
    }
  };

  /** Last known state per object, to synthesize DELETED after a relist. Bounded by the watched set. */
  const known = new Map<string, KubeObject>();
  let resourceVersion = '';
  let needList = true;
  let listedOnce = false;
  let attempt = 0;
  /** When the current healthy streak began (a watch opened after a failure, or the start). */
  let healthySince: number | undefined;
  let announceConnected = true;

  while (!signal.aborted) {
    let failure: KubeError | undefined;
    try {
      if (needList) {
        const list = await listAll(opts.rest, path, selectors, pageSize, signal);
        if (signal.aborted) break;
        const fresh = new Map<string, KubeObject>();
        for (const o of list.items) fresh.set(keyOf(o), o);
        for (const [key, old] of known) {
          if (!fresh.has(key)) emit({ type: 'DELETED', object: old, synthetic: true });
        }
        known.clear();
        for (const [k, o] of fresh) known.set(k, o);
        resourceVersion = list.resourceVersion;
        emit({ type: 'SYNC', objects: list.items, resourceVersion, relisted: listedOnce });
        listedOnce = true;
        needList = false;
      }
      const outcome = await watchOnce();
      if (outcome === 'aborted') break;
      if (outcome === 'relist') needList = true;
      // 'eof': watch again at once from the last RV.
    } catch (err) {
      if (err instanceof ConsumerFailure) throw err;
      if (signal.aborted) break;
      failure = err instanceof KubeError ? err : unexpected(err);
    }
    if (failure) {
      if (failure instanceof ApiError && (failure.isExpired() || failure.isResourceVersionTooLarge()) && !needList) {
        // Our RV is outside the server's window: re-list at once, as the reflector does.
        emit({ type: 'ERROR', error: failure, retryInMs: 0 });
        needList = true;
        continue;
      }
      if (failure instanceof ApiError && failure.isExpired()) {
        // A continue token expired mid-list: start the list over, after a back-off.
        needList = true;
      }
      if (healthySince !== undefined && clock.now() - healthySince >= backoff.resetAfterMs) attempt = 0;
      healthySince = undefined;
      announceConnected = true;
      attempt += 1;
      let delayMs = backoffDelay(attempt, random, backoff);
      const retryAfter = failure instanceof ApiError ? failure.retryAfterMs() : undefined;
      if (retryAfter !== undefined) delayMs = Math.max(delayMs, retryAfter);
      emit({ type: 'ERROR', error: failure, retryInMs: delayMs });
      emit({ type: 'RECONNECTING', attempt, delayMs, reason: failure.message });
      await sleep(clock, delayMs, signal);
    }
  }

  /** One WATCH request, read to its end. Throws typed errors; returns how it ended. */
  async function watchOnce(): Promise<'eof' | 'relist' | 'aborted'> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let lastData = clock.now();
    let stallTimer = clock.setTimeout(checkStall, stallMs);
    function checkStall(): void {
      const idle = clock.now() - lastData;
      if (idle >= stallMs) {
        ctl.abort(new StreamError('stream.stalled', `The watch on ${path} received nothing for ${Math.round(idle / 1000)} s; reconnecting.`));
      } else {
        stallTimer = clock.setTimeout(checkStall, stallMs - idle);
      }
    }
    const started = clock.now();
    let lines = 0;
    try {
      const stream = await opts.rest.stream(
        path,
        {
          ...selectors,
          watch: 'true',
          resourceVersion: resourceVersion || undefined,
          allowWatchBookmarks: 'true',
          timeoutSeconds: opts.timeoutSeconds ?? 300 + Math.floor(random() * 300),
        },
        ctl.signal,
        { onData: () => (lastData = clock.now()) },
      );
      if (announceConnected) {
        announceConnected = false;
        healthySince = clock.now();
        emit({ type: 'CONNECTED' });
      }
      let verdict: 'relist' | undefined;
      await stream.read((line) => {
        lines += 1;
        verdict = handleLine(line);
        return verdict === undefined;
      });
      if (verdict) return verdict;
      if (signal.aborted) return 'aborted';
      if (lines === 0 && clock.now() - started < SHORT_WATCH_MS) {
        throw new StreamError('stream.closed-early', `The watch on ${path} closed at once without sending anything.`);
      }
      return 'eof';
    } catch (err) {
      if (err instanceof ConsumerFailure) throw err;
      if (signal.aborted) return 'aborted';
      // Our own stall abort surfaces as its reason.
      if (ctl.signal.aborted && ctl.signal.reason instanceof StreamError) throw ctl.signal.reason;
      throw err;
    } finally {
      stallTimer.cancel();
      signal.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  /** Applies one stream line; returns 'relist' when the stream must be abandoned for a LIST. */
  function handleLine(line: string): 'relist' | undefined {
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      emit({ type: 'ERROR', error: badLine(line, 'is not JSON') });
      return undefined;
    }
    const obj = event?.object;
    if (typeof event !== 'object' || event === null || typeof obj !== 'object' || obj === null) {
      emit({ type: 'ERROR', error: badLine(line, 'is not a watch event ({"type", "object"})') });
      return undefined;
    }
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        const object = obj as KubeObject;
        if (typeof object.metadata !== 'object' || object.metadata === null) {
          emit({ type: 'ERROR', error: badLine(line, 'has an object without metadata') });
          return undefined;
        }
        const rv = object.metadata.resourceVersion;
        if (typeof rv === 'string' && rv !== '') resourceVersion = rv;
        if (event.type === 'DELETED') known.delete(keyOf(object));
        else known.set(keyOf(object), object);
        emit({ type: event.type, object });
        return undefined;
      }
      case 'BOOKMARK': {
        const rv = (obj as KubeObject).metadata?.resourceVersion;
        if (typeof rv === 'string' && rv !== '') {
          resourceVersion = rv;
          emit({ type: 'BOOKMARK', resourceVersion: rv });
        }
        return undefined;
      }
      case 'ERROR': {
        // The server closes the stream after an ERROR event (facts §1); act on it now.
        const error = new ApiError(asStatus(obj), undefined, `WATCH ${path}`);
        if (error.isExpired() || error.isResourceVersionTooLarge()) {
          emit({ type: 'ERROR', error, retryInMs: 0 });
          return 'relist';
        }
        throw error;
      }
      default:
        emit({ type: 'ERROR', error: badLine(line, `has an unknown event type ${JSON.stringify(event.type)}`) });
        return undefined;
    }
  }
}

interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

/** A paginated LIST (limit/continue, like kubectl and the reflector's pager). */
async function listAll(
  rest: Pick<RestClient, 'getJSON'>,
  path: string,
  selectors: Query,
  pageSize: number,
  signal: AbortSignal,
): Promise<ListResult> {
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let rv = '';
  do {
    const page = await rest.getJSON<unknown>(path, { ...selectors, limit: pageSize, continue: cont }, 'application/json', { signal });
    const list = (typeof page === 'object' && page !== null ? page : {}) as {
      kind?: unknown;
      apiVersion?: unknown;
      metadata?: { resourceVersion?: unknown; continue?: unknown };
      items?: unknown;
    };
    // Items of built-in lists omit kind/apiVersion (facts §1); restore them from the list.
    const kind = typeof list.kind === 'string' && list.kind.endsWith('List') ? list.kind.slice(0, -4) : undefined;
    const apiVersion = typeof list.apiVersion === 'string' ? list.apiVersion : undefined;
    for (const item of Array.isArray(list.items) ? list.items : []) {
      // An item without metadata cannot be keyed or cached (a watch line like it is skipped too).
      if (typeof item !== 'object' || item === null || typeof (item as KubeObject).metadata !== 'object' || (item as KubeObject).metadata === null) continue;
      const o = item as KubeObject;
      if (kind && o.kind === undefined) o.kind = kind;
      if (apiVersion && o.apiVersion === undefined) o.apiVersion = apiVersion;
      items.push(o);
    }
    rv = typeof list.metadata?.resourceVersion === 'string' ? list.metadata.resourceVersion : rv;
    cont = typeof list.metadata?.continue === 'string' && list.metadata.continue !== '' ? list.metadata.continue : undefined;
  } while (cont && !signal.aborted);
  return { items, resourceVersion: rv };
}

/** Objects are keyed by uid when they have one, so a recreated object is a different object. */
function keyOf(o: KubeObject): string {
  const m = o.metadata ?? {};
  return m.uid ? `uid:${m.uid}` : `${m.namespace ?? ''}/${m.name ?? ''}`;
}

/** Inserts /namespaces/NS before the last segment of a collection path that has none. */
export function withNamespace(path: string, namespace?: string): string {
  if (!namespace || /\/namespaces\/[^/]+\/[^/]+$/.test(path)) return path;
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash)}/namespaces/${encodeURIComponent(namespace)}${path.slice(slash)}`;
}

function asStatus(obj: object): Status {
  const s = obj as Partial<Status>;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    ...s,
    code: typeof s.code === 'number' ? s.code : 500,
  } as Status;
}

function badLine(line: string, what: string): StreamError {
  return new StreamError('stream.bad-line', `A line of the watch stream ${what}; it was skipped.`, line.slice(0, 100));
}

function unexpected(err: unknown): KubeError {
  return new ConnectionError('connection.failed', `Unexpected failure while watching: ${err instanceof Error ? err.message : String(err)}`, '', undefined);
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
