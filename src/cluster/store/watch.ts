/**
 * Turning committed changes into the events one watch sees (the cacher's cache_watcher):
 * namespace, label and field filtering with synthesised membership changes — an object that
 * starts matching arrives as ADDED, one that stops matching leaves as DELETED carrying its
 * previous content stamped with the new resourceVersion (kubernetes-facts.md §1).
 */
import type { KubeObject, WireWatchEvent } from '../../lib/kube-object.js';
import { clone } from './json.js';
import { apiVersionOf } from './registry.js';
import {
  matchesFields,
  matchesLabels,
  type FieldSelectorParsed,
  type LabelSelectorParsed,
} from './selectors.js';
import type { HistoryEntry } from './history.js';
import type { ResourceType } from './types.js';

export interface ObjectFilter {
  namespace?: string;
  label: LabelSelectorParsed;
  field: FieldSelectorParsed;
}

export function matchesFilter(filter: ObjectFilter, obj: KubeObject): boolean {
  if (filter.namespace !== undefined && (obj.metadata.namespace ?? '') !== filter.namespace) return false;
  return matchesLabels(filter.label, obj.metadata.labels) && matchesFields(filter.field, obj);
}

/** The event a watch with `filter` receives for a committed change, or undefined if none. */
export function eventFor(filter: ObjectFilter, entry: HistoryEntry): WireWatchEvent | undefined {
  const now = entry.type !== 'DELETED' && matchesFilter(filter, entry.object);
  const before = entry.previous !== undefined && matchesFilter(filter, entry.previous);
  if (entry.type === 'DELETED') {
    return before ? { type: 'DELETED', object: clone(entry.object) } : undefined;
  }
  if (now && before) return { type: 'MODIFIED', object: clone(entry.object) };
  if (now) return { type: 'ADDED', object: clone(entry.object) };
  if (before && entry.previous) {
    const gone = clone(entry.previous);
    gone.metadata.resourceVersion = String(entry.rv);
    return { type: 'DELETED', object: gone };
  }
  return undefined;
}

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * A BOOKMARK event: only kind, apiVersion and metadata.resourceVersion (plus the
 * initial-events-end annotation closing a streaming list's initial events).
 */
export function bookmarkEvent(type: ResourceType, resourceVersion: string, initialEventsEnd = false): WireWatchEvent {
  const metadata: KubeObject['metadata'] = { resourceVersion };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
  return { type: 'BOOKMARK', object: { kind: type.kind, apiVersion: apiVersionOf(type), metadata } };
}
