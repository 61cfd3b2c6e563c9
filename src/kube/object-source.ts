/**
 * The live ObjectSource (model/source.ts): each watch a trace asks for becomes a list+watch loop
 * (watch.ts) with its filters applied by the server, and the loop's typed events become the
 * trace's view of that watch — objects, "cannot do this (forbidden …)", or "reconnecting".
 */
import type { Clock } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import type { ObjectSource, SourceEvent, SourceProblem, WatchRequest } from '../model/source.js';
import { pathFor } from './discovery.js';
import { ApiError, ConnectionError, KubeConfigError, StreamError, type KubeError } from './errors.js';
import type { RestClient } from './rest.js';
import { listWatch, type ListWatchEvent, type ListWatchOptions } from './watch.js';

export interface LiveSourceOptions {
  rest: Pick<RestClient, 'getJSON' | 'stream'>;
  clock?: Clock;
  /** Raw list+watch events, for --debug and --record. */
  onRawEvent?: (request: WatchRequest, event: ListWatchEvent) => void;
  /** Timing of every list+watch loop (stall timeout, back-off); the defaults are client-go's. */
  watchTiming?: Pick<ListWatchOptions, 'stallTimeoutMs' | 'backoff' | 'random'>;
}

/** What a failed watch means for the trace, in words that name the verb and the resource. */
export function problemOf(error: KubeError, request: WatchRequest): SourceProblem | 'reconnecting' | undefined {
  const r = request.resource;
  const resource = r.group ? `${r.resource}.${r.group}` : r.resource;
  const where = request.namespace ? ` in namespace ${request.namespace}` : '';
  if (error instanceof ApiError) {
    if (error.isExpired() || error.isResourceVersionTooLarge()) return undefined; // the loop re-lists by itself
    if (error.isForbidden()) return { kind: 'forbidden', message: `cannot list/watch ${resource}${where}: forbidden (${error.status.message ?? 'RBAC'})` };
    if (error.isUnauthorized()) return { kind: 'unauthorized', message: `cannot watch ${resource}: the cluster rejected the credentials (401)` };
    if (error.isNotFound()) return { kind: 'not-found', message: `this cluster does not serve ${resource} (${r.group || 'core'}/${r.version})` };
    if (error.httpStatus >= 500 || error.isTooManyRequests()) return 'reconnecting';
    return { kind: 'other', message: `cannot watch ${resource}${where}: ${error.message}` };
  }
  if (error instanceof ConnectionError) return 'reconnecting';
  if (error instanceof StreamError) return error.code === 'stream.bad-line' ? undefined : 'reconnecting';
  if (error instanceof KubeConfigError) return { kind: 'unauthorized', message: error.message };
  return { kind: 'other', message: error.message };
}

export function createLiveSource(options: LiveSourceOptions): ObjectSource {
  const { rest, clock } = options;
  return {
    watch(request, onEvent, signal) {
      const deliver = (event: SourceEvent) => {
        if (!signal.aborted) onEvent(event);
      };
      // After an error the trace shows as a problem (403, 404 …) the loop still announces its
      // back-off; that is a retry of something refused, not a dropped connection.
      let retryingProblem = false;
      listWatch({
        rest,
        path: pathFor(request.resource, request.namespace),
        labelSelector: request.labelSelector,
        fieldSelector: request.fieldSelector,
        signal,
        clock,
        ...options.watchTiming,
        onEvent(event) {
          options.onRawEvent?.(request, event);
          switch (event.type) {
            case 'SYNC':
              deliver({ type: 'SYNC', objects: event.objects });
              break;
            case 'ADDED':
            case 'MODIFIED':
            case 'DELETED':
              deliver({ type: event.type, object: event.object });
              break;
            case 'CONNECTED':
              retryingProblem = false;
              deliver({ type: 'HEALTHY' });
              break;
            case 'RECONNECTING':
              if (!retryingProblem) deliver({ type: 'RECONNECTING', reason: event.reason });
              break;
            case 'ERROR': {
              const problem = problemOf(event.error, request);
              retryingProblem = problem !== undefined && problem !== 'reconnecting';
              if (problem === 'reconnecting') deliver({ type: 'RECONNECTING', reason: event.error.message });
              else if (problem) deliver({ type: 'PROBLEM', problem });
              break;
            }
            case 'BOOKMARK':
              break;
          }
        },
      }).catch((error: unknown) => {
        // listWatch rejects only when a consumer callback threw: a bug, but one watch must not
        // take the process down; the trace shows the watch as unavailable instead.
        deliver({ type: 'PROBLEM', problem: { kind: 'other', message: `internal error: ${error instanceof Error ? error.message : String(error)}` } });
      });
    },
    async list(request, signal, limit) {
      const query: Record<string, string | number> = {};
      if (limit !== undefined) query.limit = limit;
      if (request.labelSelector) query.labelSelector = request.labelSelector;
      if (request.fieldSelector) query.fieldSelector = request.fieldSelector;
      const list = await rest.getJSON<{ items?: KubeObject[] }>(pathFor(request.resource, request.namespace), query, undefined, { signal });
      // Items of built-in lists omit kind/apiVersion (facts §1); the analysers read `kind`.
      const r = request.resource;
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      return (list.items ?? []).map((item) => ({ ...item, kind: item.kind ?? r.kind, apiVersion: item.apiVersion ?? apiVersion }));
    },
  };
}
