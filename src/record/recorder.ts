/**
 * `--record FILE` (design.md §5): every watch event a command receives, as NDJSON, written as it
 * arrives (synchronously, so a Ctrl-C or a crash loses nothing already seen).
 *
 * The recorder keeps the last state of every object it wrote, and from it:
 * - writes each object state once, though several watches may deliver it (a Pod seen by two
 *   watches, a list repeating what a watch already had);
 * - turns a watch's list (SYNC) into ADDED lines for what is new, DELETED lines for what it had
 *   recorded as matching that watch and the list no longer holds, then a SYNC marker;
 * - records a DELETED that only means "no longer matches this watch's selector" (the object was
 *   modified out of a filtered watch, and still exists) as the MODIFIED it was, so a replay keeps
 *   the object for the watches it still matches.
 */
import type { Clock } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import type { ObjectSource, SourceEvent, WatchRequest } from '../model/source.js';
import { identityOf, requestFilter, type RequestFilter } from './filter.js';
import { formatTime, RECORDING_FORMAT_VERSION, type RecordingHeader, type RecordingLine } from './format.js';
import { redactSecret } from './redact.js';

export interface RecorderOptions {
  /** Receives whole lines, newline included. */
  write: (text: string) => void;
  clock: Clock;
  showSecrets?: boolean;
  header?: Omit<RecordingHeader, 'kubespyRecording' | 'time'>;
}

export interface Recorder {
  event(request: WatchRequest, event: SourceEvent): void;
  listed(request: WatchRequest, objects: KubeObject[], limit?: number): void;
  /** Writes a REPORT marker: the consumer turned everything delivered so far into one report. */
  report(): void;
  /** Writes the END marker; nothing is written after. */
  close(): void;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const { clock } = options;
  const world = new Map<string, KubeObject>();
  const filters = new Map<WatchRequest, RequestFilter | undefined>();
  let closed = false;

  const line = (value: RecordingLine | RecordingHeader) => {
    if (!closed) options.write(`${JSON.stringify(value)}\n`);
  };
  line({ kubespyRecording: RECORDING_FORMAT_VERSION, time: formatTime(clock.now()), ...options.header });

  const filterOf = (request: WatchRequest): RequestFilter | undefined => {
    if (!filters.has(request)) {
      let filter: RequestFilter | undefined;
      try {
        filter = requestFilter(request);
      } catch {
        // A selector the server rejected delivers nothing but a PROBLEM; nothing to filter.
      }
      filters.set(request, filter);
    }
    return filters.get(request);
  };

  const put = (time: string, type: 'ADDED' | 'MODIFIED', object: KubeObject) => {
    const id = identityOf(object);
    const known = world.get(id);
    const rv = object.metadata.resourceVersion;
    if (known && rv !== undefined && known.metadata.resourceVersion === rv) return;
    const stored = options.showSecrets ? object : redactSecret(object);
    world.set(id, stored);
    line({ time, type: known && type === 'ADDED' ? 'MODIFIED' : type, object: stored });
  };

  const remove = (time: string, object: KubeObject) => {
    const id = identityOf(object);
    if (!world.has(id)) return;
    world.delete(id);
    line({ time, type: 'DELETED', object: options.showSecrets ? object : redactSecret(object) });
  };

  /** A complete list for request: what it no longer holds is gone, what it holds is current. */
  const snapshot = (time: string, request: WatchRequest, objects: KubeObject[], complete: boolean) => {
    const filter = filterOf(request);
    if (complete && filter) {
      const listed = new Set(objects.map(identityOf));
      for (const [id, object] of [...world]) if (!listed.has(id) && filter.matches(object)) remove(time, object);
    }
    for (const object of objects) put(time, 'ADDED', object);
  };

  return {
    event(request, event) {
      const time = formatTime(clock.now());
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED':
          put(time, event.type, event.object);
          break;
        case 'DELETED': {
          const filter = filterOf(request);
          if (filter && !filter.matches(event.object) && event.object.metadata.deletionTimestamp === undefined) {
            put(time, 'MODIFIED', event.object);
          } else {
            remove(time, event.object);
          }
          break;
        }
        case 'SYNC':
          snapshot(time, request, event.objects, true);
          line({ time, type: 'SYNC', request });
          break;
        case 'PROBLEM':
          line({ time, type: 'PROBLEM', request, problem: event.problem });
          break;
        case 'RECONNECTING':
        case 'HEALTHY':
          // The connection's health is not the cluster's state; the events that follow are.
          break;
      }
    },
    listed(request, objects, limit) {
      const time = formatTime(clock.now());
      snapshot(time, request, objects, limit === undefined || objects.length < limit);
      line({ time, type: 'LIST', request });
    },
    report() {
      line({ time: formatTime(clock.now()), type: 'REPORT' });
    },
    close() {
      line({ time: formatTime(clock.now()), type: 'END' });
      closed = true;
    },
  };
}

/** The source, with everything it delivers also going to the recorder. */
export function recordingSource(inner: ObjectSource, recorder: Recorder): ObjectSource {
  return {
    watch(request, onEvent, signal) {
      inner.watch(
        request,
        (event) => {
          recorder.event(request, event);
          onEvent(event);
        },
        signal,
      );
    },
    async list(request, signal, limit) {
      const objects = await inner.list(request, signal, limit);
      recorder.listed(request, objects, limit);
      return objects;
    },
  };
}
