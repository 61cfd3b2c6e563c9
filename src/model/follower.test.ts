import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import { eventsInvolving, eventsInvolvingCached } from './follower.js';

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
