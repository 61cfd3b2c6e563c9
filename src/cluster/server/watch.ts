/**
 * Watch streaming (kubernetes-facts.md §1): HTTP 200, chunked application/json, one event per
 * line, written as it happens. Errors found before the stream starts (bad selector, 422 options,
 * 403) are plain HTTP errors; an expired resourceVersion (410) is reported the way the watch cache
 * does it — a 200 stream with a single ERROR event, then EOF.
 */
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { KubeObject, WireWatchEvent } from '../../lib/kube-object.js';
import type { ResourceType, Store, WatchHandle, WatchOptions } from '../store/types.js';
import { apiVersionOf } from '../store/registry.js';
import type { ApiResponse } from './http-util.js';
import { invalidListOptions, toStatus } from './status.js';
import { toTable, type IncludeObject } from './tables.js';

/** An open watch stream, as the server (close, fault injection) can act on it. */
export interface OpenWatch {
  /** Ends the stream cleanly (EOF), as the apiserver does on timeout or shutdown. */
  end(): void;
  /**
   * From now on nothing more is written, and the connection stays open: a stream stuck behind a
   * dead proxy or a wedged apiserver, which only the client's inactivity timer can notice.
   */
  stall(): void;
  /** Writes raw text (a test's garbage line) unless the stream is stalled or ended. */
  writeRaw(text: string): void;
}

export interface WatchContext {
  store: Store;
  clock: Clock;
  bookmarkIntervalMs: number;
  /** The open watches, so the server can end them on close() and tests can inject faults. */
  watches: Set<OpenWatch>;
}

export interface WatchRequest {
  type: ResourceType;
  resourceName: string;
  options: WatchOptions;
  /** Server-side deadline; the stream ends cleanly (no ERROR) when it passes. */
  timeoutSeconds?: number;
  /** Set when the client asked for Tables (kubectl get -w): each object becomes a one-row Table. */
  table?: { apiVersion: string; includeObject: IncludeObject };
}

/**
 * kube-apiserver picks 30–60 min when the client gives no timeoutSeconds; a fixed 30 min keeps
 * the same order of magnitude without randomness.
 */
const DEFAULT_TIMEOUT_SECONDS = 1800;

/**
 * A client that stops reading must not make the server buffer without bound: past this much
 * unsent data the watch is ended, as the watch cache terminates watchers that fall behind; the
 * client re-watches from its last resourceVersion.
 */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * apimachinery ValidateListOptions for watches (kubernetes-facts.md §1, streaming lists). The
 * WatchList gate counts as on, as in 1.32.
 */
export function validateWatchOptions(params: {
  sendInitialEvents?: boolean;
  resourceVersionMatch?: string;
  continue?: string;
}): void {
  if (params.sendInitialEvents !== undefined) {
    if (params.resourceVersionMatch !== 'NotOlderThan') {
      throw invalidListOptions('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    }
    if (params.continue) {
      throw invalidListOptions('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless continue is empty');
    }
  } else if (params.resourceVersionMatch) {
    throw invalidListOptions('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
}

/**
 * Starts the stream. Throws (before anything is written) when the store refuses the watch with
 * anything but 410, so the caller answers with that Status.
 */
export function serveWatch(ctx: WatchContext, res: ApiResponse, w: WatchRequest): void {
  const pending: WireWatchEvent[] = [];
  let streaming = false;
  let ended = false;
  let stalled = false;
  let firstTable = true;
  let handle: WatchHandle | undefined;
  const timers: { timeout?: TimerHandle; bookmark?: TimerHandle } = {};

  const encode = (event: WireWatchEvent): string => {
    if (!w.table || event.type === 'ERROR' || event.type === 'BOOKMARK') return JSON.stringify(event) + '\n';
    // The real server sends the column definitions with the first Table event only.
    const table = toTable(w.type, [event.object], {
      now: ctx.clock.now(),
      apiVersion: w.table.apiVersion,
      includeObject: w.table.includeObject,
      includeColumns: firstTable,
      resourceVersion: event.object.metadata.resourceVersion ?? '',
    });
    firstTable = false;
    return JSON.stringify({ type: event.type, object: table }) + '\n';
  };

  const cleanup = () => {
    if (ended) return;
    ended = true;
    handle?.stop();
    timers.timeout?.cancel();
    timers.bookmark?.cancel();
    ctx.watches.delete(open);
  };
  function finish(): void {
    const wasEnded = ended;
    cleanup();
    if (!wasEnded && !res.writableEnded) res.end();
  }
  const open: OpenWatch = {
    end: finish,
    stall: () => void (stalled = true),
    writeRaw: (text) => {
      if (!ended && !stalled) res.write(text);
    },
  };
  const write = (event: WireWatchEvent) => {
    if (ended || stalled) return;
    res.write(encode(event));
    if (event.type === 'ERROR' || res.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  const startStream = () => {
    // No Content-Length: on HTTP/1.1 Node frames the body chunked by itself (Transfer-Encoding:
    // chunked, as the Go server does for a flushed stream); HTTP/2 has no such header (it is
    // connection-specific and writeHead would throw) — each write is DATA frames on the stream.
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    // HTTP/1 holds the header until the first write; HTTP/2's writeHead has sent HEADERS already.
    res.flushHeaders?.();
    streaming = true;
    ctx.watches.add(open);
    // The client went away (HTTP/1: the connection closed; HTTP/2: RST_STREAM, e.g. client-go
    // cancelling the request, or the session died): stop the store watch.
    res.on('close', cleanup);
    for (const event of pending.splice(0)) write(event);
  };

  try {
    // Events delivered synchronously inside watch() (initial ADDED, history replay) are held
    // until we know the watch was accepted and the 200 header is out.
    handle = ctx.store.watch(w.resourceName, w.options, (event) => {
      if (streaming) write(event);
      else pending.push(event);
    });
  } catch (err) {
    const status = toStatus(err);
    if (status.code !== 410) throw err;
    startStream();
    write({ type: 'ERROR', object: status });
    return;
  }
  startStream();
  if (ended) return;

  const timeoutMs = (w.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  timers.timeout = ctx.clock.setTimeout(finish, timeoutMs);

  if (w.options.allowWatchBookmarks && ctx.bookmarkIntervalMs > 0) {
    // Store delivery is synchronous, so the store's current RV is a consistent bookmark: every
    // event up to it has already been written to this stream.
    const bookmark = () => {
      if (ended) return;
      const object: KubeObject = {
        kind: w.type.kind,
        apiVersion: apiVersionOf(w.type),
        metadata: { resourceVersion: ctx.store.currentResourceVersion() },
      };
      write({ type: 'BOOKMARK', object });
      timers.bookmark = ctx.clock.setTimeout(bookmark, ctx.bookmarkIntervalMs);
    };
    timers.bookmark = ctx.clock.setTimeout(bookmark, ctx.bookmarkIntervalMs);
  }
}
