import { describe, expect, it } from 'vitest';
import { batch } from '../lib/batch.js';
import type { KubeObject } from '../lib/kube-object.js';
import { eventsInvolving, eventsInvolvingCached, startFollower } from './follower.js';
import type { ObjectSource } from './source.js';

const event = (name: string, kind: string, about: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'default' },
  involvedObject: { kind, name: about },
  type: 'Warning',
});

describe('eventsInvolvingCached', () => {
  const events = Object.freeze([event('e1', 'Pod', 'web-1'), event('e2', 'Pod', 'other'), event('e3', 'Service', 'web')]);

  it('keeps only the Events about the involved objects, as eventsInvolving does, in a frozen list', () => {
    const involved = new Set(['Service/web', 'Pod/web-1']);
    const list = eventsInvolvingCached()(events, involved);
    expect(list).toEqual(eventsInvolving(events, involved));
    expect(list.map((e) => e.metadata.name)).toEqual(['e1', 'e3']);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('hands back the same list while neither the Events nor the involved objects changed, a new one when either did', () => {
    const involvedEvents = eventsInvolvingCached();
    const first = involvedEvents(events, new Set(['Service/web', 'Pod/web-1']));
    expect(involvedEvents(events, new Set(['Service/web', 'Pod/web-1']))).toBe(first);

    const morePods = involvedEvents(events, new Set(['Service/web', 'Pod/web-1', 'Pod/other']));
    expect(morePods).not.toBe(first);
    expect(morePods.map((e) => e.metadata.name)).toEqual(['e1', 'e2', 'e3']);

    const newEvents = Object.freeze([...events, event('e4', 'Pod', 'web-1')]);
    const arrived = involvedEvents(newEvents, new Set(['Service/web', 'Pod/web-1', 'Pod/other']));
    expect(arrived.map((e) => e.metadata.name)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });
});

describe('follower updates', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** A follower with no watches: the tests call changed() as a watch event would. */
  function follower() {
    const updates: number[] = [];
    let state = 0;
    const f = startFollower({
      source: {} as ObjectSource,
      signal: new AbortController().signal,
      onEvent: () => {},
      snapshot: () => state,
      onUpdate: (snapshot) => updates.push(snapshot),
    });
    return { f, updates, set: (value: number) => (state = value) };
  }

  it('gives one update for the changes of one batch (a chunk of a watch stream), as soon as the batch is done', () => {
    const { f, updates, set } = follower();
    batch(() => {
      set(1);
      f.changed();
      set(2);
      f.changed();
      expect(updates).toEqual([]);
    });
    expect(updates).toEqual([2]);
    f.stop();
  });

  it('coalesces the changes of later batches in the same turn into one update after the turn (a busy stream: at most two per turn)', async () => {
    const { f, updates, set } = follower();
    for (const value of [1, 2, 3, 4]) {
      batch(() => {
        set(value);
        f.changed();
      });
    }
    expect(updates).toEqual([1]);
    await nextTurn();
    expect(updates).toEqual([1, 4]);
    // A new turn: the next batch gets its own update at once again.
    batch(() => {
      set(5);
      f.changed();
    });
    expect(updates).toEqual([1, 4, 5]);
    f.stop();
  });

  it('coalesces changes made outside a batch (a LIST answer, a replay) into one update after the turn', async () => {
    const { f, updates, set } = follower();
    set(1);
    f.changed();
    set(2);
    f.changed();
    expect(updates).toEqual([]);
    await nextTurn();
    expect(updates).toEqual([2]);
    f.stop();
  });

  it('gives no update once stopped', async () => {
    const { f, updates } = follower();
    f.changed();
    f.stop();
    batch(() => f.changed());
    await nextTurn();
    expect(updates).toEqual([]);
  });
});
