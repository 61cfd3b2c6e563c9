/** Shared fixtures for the store's tests (not part of the store's API). */
import { ManualClock } from '../../lib/clock.js';
import type { KubeObject, WireWatchEvent } from '../../lib/kube-object.js';
import { ApiError } from './errors.js';
import { createStoreWithRules, type InternalStoreOptions } from './store.js';
import type { Store, WatchOptions } from './types.js';

export interface Fixture {
  store: Store;
  clock: ManualClock;
}

/** A store with the namespace `default` already created (RV 2). */
export function newStore(options: Partial<InternalStoreOptions> = {}): Fixture {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = createStoreWithRules({ clock, ...options });
  store.create('namespaces', undefined, { metadata: { name: 'default' } });
  return { store, clock };
}

export function pod(name: string, extra: Partial<KubeObject> = {}, labels?: Record<string, string>): KubeObject {
  const metadata: KubeObject['metadata'] = { name };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'nginx' }] }, ...extra };
}

export function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  const metadata: KubeObject['metadata'] = { name };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

export function deployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

/** Runs fn and returns the ApiError it throws (fails the test otherwise). */
export function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

/** Collects a watch's events; `brief()` lists them as 'TYPE name@rv'. */
export function collect(store: Store, resource: string, options: WatchOptions = {}) {
  const events: WireWatchEvent[] = [];
  const handle = store.watch(resource, options, (e) => events.push(e));
  return {
    events,
    handle,
    brief: (): string[] =>
      events.map((e) =>
        e.type === 'ERROR'
          ? `ERROR ${e.object.code}`
          : `${e.type} ${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion ?? ''}`,
      ),
  };
}
