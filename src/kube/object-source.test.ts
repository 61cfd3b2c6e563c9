import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import type { SourceEvent } from '../model/source.js';
import { RESOURCES } from '../model/source.js';
import { ApiError, ConnectionError } from './errors.js';
import { createLiveSource } from './object-source.js';
import type { RestClient } from './rest.js';

const forbidden = new ApiError({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
  message: 'endpointslices.discovery.k8s.io is forbidden: User "dev" cannot list resource "endpointslices" in API group "discovery.k8s.io" in the namespace "shop"',
});

/** A REST client whose LIST always fails with `error`. */
function failingRest(error: Error): Pick<RestClient, 'getJSON' | 'stream'> {
  return {
    getJSON: () => Promise.reject(error),
    stream: () => Promise.reject(error),
  };
}

async function eventsOf(error: Error): Promise<SourceEvent[]> {
  const clock = new ManualClock();
  const events: SourceEvent[] = [];
  const abort = new AbortController();
  createLiveSource({ rest: failingRest(error), clock }).watch(
    { resource: RESOURCES.endpointSlices, namespace: 'shop', labelSelector: 'kubernetes.io/service-name=web' },
    (event) => events.push(event),
    abort.signal,
  );
  // Let the first LIST fail, then one back-off and a second failure.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  clock.advance(60_000);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  abort.abort();
  return events;
}

describe('createLiveSource', () => {
  it('reports a forbidden watch as a problem naming what is denied, not as reconnecting', async () => {
    const events = await eventsOf(forbidden);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'PROBLEM')).toBe(true);
    const first = events[0] as Extract<SourceEvent, { type: 'PROBLEM' }>;
    expect(first.problem.kind).toBe('forbidden');
    expect(first.problem.message).toContain('cannot list/watch endpointslices.discovery.k8s.io in namespace shop: forbidden');
  });

  it('reports a refused connection as reconnecting', async () => {
    const events = await eventsOf(new ConnectionError('connection.refused', 'connection refused', 'https://127.0.0.1:1'));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'RECONNECTING')).toBe(true);
  });
});
