/**
 * core/v1 Events read as any server writes them (kubernetes-facts.md §7): legacy recorders fill
 * firstTimestamp/lastTimestamp/count and leave eventTime null; the events.k8s.io recorders fill
 * eventTime and `series {count, lastObservedTime}` instead. Both shapes are read here.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { get, meta, num, perObject, rec, str, time } from './read.js';

export interface EventView {
  kind: string;
  name: string;
  uid?: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  /** When it was last seen, epoch ms (undefined when the Event carries no time at all). */
  last?: number;
}

/** An Event in the fields the traces read; read once per Event object (a trace reads each once per Pod per update), frozen. */
export const viewEvent: (event: unknown) => EventView = perObject((event) => Object.freeze(readEvent(event)));

function readEvent(event: unknown): EventView {
  const involved = rec(get(event, 'involvedObject'));
  const series = rec(get(event, 'series'));
  const last =
    time(series['lastObservedTime']) ??
    time(get(event, 'lastTimestamp')) ??
    time(get(event, 'eventTime')) ??
    time(get(event, 'firstTimestamp')) ??
    time(meta(event)['creationTimestamp']);
  const count = Math.max(num(get(event, 'count')) ?? 1, num(series['count']) ?? 1, 1);
  const uid = str(involved['uid']);
  return {
    kind: str(involved['kind']) ?? '',
    name: str(involved['name']) ?? '',
    ...(uid ? { uid } : {}),
    type: str(get(event, 'type')) ?? 'Normal',
    reason: str(get(event, 'reason')) ?? '',
    message: (str(get(event, 'message')) ?? str(get(event, 'note')) ?? '').trim(),
    count,
    ...(last !== undefined ? { last } : {}),
  };
}

/**
 * Events about one object. The uid, when both sides have one, tells an earlier object of the same
 * name apart (a Pod deleted and recreated under one name, as StatefulSets do).
 */
export function eventsAbout(events: readonly KubeObject[], kind: string, name: string, uid?: string): EventView[] {
  return events
    .map(viewEvent)
    .filter((e) => e.kind === kind && e.name === name && (!uid || !e.uid || e.uid === uid));
}

/**
 * Collapses repeats (same object, reason and message: the aggregation client-go also does) and
 * sorts most recent first. Counts of collapsed repeats add up.
 */
export function dedupeEvents(events: readonly EventView[]): EventView[] {
  const byKey = new Map<string, EventView>();
  for (const e of events) {
    const key = `${e.kind}/${e.name}/${e.reason}/${e.message}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...e });
      continue;
    }
    seen.count += e.count;
    if ((e.last ?? -Infinity) > (seen.last ?? -Infinity) && e.last !== undefined) seen.last = e.last;
  }
  return latestFirst([...byKey.values()]);
}

/**
 * Most recent first. Event times have whole-second precision (metav1.Time), so ties are common:
 * of two Events last seen in the same second, the one later in the list counts as the more recent.
 * The model's cache lists Events in the order they were first seen (the server's order after a
 * relist), so an older Event whose count went up keeps its place: on a tie it may be named second.
 */
export function latestFirst<T extends { last?: number }>(events: readonly T[]): T[] {
  return [...events].reverse().sort((a, b) => (b.last ?? -Infinity) - (a.last ?? -Infinity));
}
