import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import type { KubeObject } from '../lib/kube-object.js';
import { RESOURCES, type SourceEvent, type WatchRequest } from '../model/source.js';
import { parseRecording, RecordingError } from './format.js';
import { createRecorder } from './recorder.js';
import { redactSecret } from './redact.js';
import { createReplay } from './replay.js';

const pod = (name: string, rv: string, labels: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', resourceVersion: rv, labels, ...extra },
});

const webPods: WatchRequest = { resource: RESOURCES.pods, namespace: 'default', labelSelector: 'app=web' };
const allPods: WatchRequest = { resource: RESOURCES.pods, namespace: 'default' };

function record(steps: Array<[WatchRequest, SourceEvent]>): { text: string; clock: ManualClock } {
  const clock = new ManualClock();
  let text = '';
  const recorder = createRecorder({ write: (t) => (text += t), clock });
  for (const [request, event] of steps) {
    clock.advance(100);
    recorder.event(request, event);
  }
  recorder.close();
  return { text, clock };
}

function types(text: string): string[] {
  return text.trim().split('\n').slice(1).map((line) => {
    const l = JSON.parse(line) as { type: string; object?: KubeObject };
    return l.object ? `${l.type} ${l.object.metadata.name}@${l.object.metadata.resourceVersion}` : l.type;
  });
}

describe('recorder', () => {
  it('writes each object state once, lists as ADDED lines and a SYNC marker', () => {
    const { text } = record([
      [webPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' })] }],
      [allPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' }), pod('b', '2', { app: 'db' })] }],
      [webPods, { type: 'MODIFIED', object: pod('a', '3', { app: 'web' }) }],
      [allPods, { type: 'MODIFIED', object: pod('a', '3', { app: 'web' }) }],
    ]);
    expect(types(text)).toEqual(['ADDED a@1', 'SYNC', 'ADDED b@2', 'SYNC', 'MODIFIED a@3', 'END']);
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ kubespyRecording: 1 });
  });

  it('records a Pod leaving a filtered watch as modified, a real deletion as deleted', () => {
    const { text } = record([
      [webPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' }), pod('b', '2', { app: 'web' })] }],
      [webPods, { type: 'DELETED', object: pod('a', '3', { app: 'other' }) }],
      [webPods, { type: 'DELETED', object: pod('b', '4', { app: 'web' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }) }],
    ]);
    expect(types(text)).toEqual(['ADDED a@1', 'ADDED b@2', 'SYNC', 'MODIFIED a@3', 'DELETED b@4', 'END']);
  });

  it('deletes what a re-list no longer holds', () => {
    const { text } = record([
      [webPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' }), pod('b', '2', { app: 'web' })] }],
      [webPods, { type: 'SYNC', objects: [pod('b', '2', { app: 'web' })] }],
    ]);
    expect(types(text)).toEqual(['ADDED a@1', 'ADDED b@2', 'SYNC', 'DELETED a@1', 'SYNC', 'END']);
  });
});

describe('replay', () => {
  async function replayed(text: string, requests: WatchRequest[]): Promise<string[][]> {
    const replay = createReplay(parseRecording(text), { speed: 0 });
    const seen = requests.map(() => [] as string[]);
    const controller = new AbortController();
    requests.forEach((request, i) => {
      replay.source.watch(request, (event) => {
        if (event.type === 'SYNC') seen[i]!.push(`SYNC ${event.objects.map((o) => o.metadata.name).join(',')}`);
        else if ('object' in event) seen[i]!.push(`${event.type} ${event.object.metadata.name}@${event.object.metadata.resourceVersion}`);
      }, controller.signal);
    });
    await replay.finished;
    controller.abort();
    return seen;
  }

  it('answers each watch as the server filters it: a relabelled Pod leaves one watch and stays in another', async () => {
    const { text } = record([
      [webPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' })] }],
      [allPods, { type: 'SYNC', objects: [pod('a', '1', { app: 'web' })] }],
      [webPods, { type: 'DELETED', object: pod('a', '3', { app: 'other' }) }],
      [allPods, { type: 'MODIFIED', object: pod('a', '3', { app: 'other' }) }],
      [webPods, { type: 'ADDED', object: pod('c', '4', { app: 'web' }) }],
    ]);
    const [web, all] = await replayed(text, [webPods, allPods]);
    expect(web).toEqual(['SYNC a', 'DELETED a@3', 'ADDED c@4']);
    expect(all).toEqual(['SYNC a', 'MODIFIED a@3', 'ADDED c@4']);
  });

  it('gives a watch opened after the recorded ones the state at that point (no markers: another tool\'s file)', async () => {
    const lines = [
      { time: '2026-01-01T00:00:01Z', type: 'ADDED', object: pod('a', '1', { app: 'web' }) },
      { time: '2026-01-01T00:00:02Z', type: 'MODIFIED', object: pod('a', '2', { app: 'web' }) },
    ];
    const [web] = await replayed(lines.map((l) => JSON.stringify(l)).join('\n'), [webPods]);
    expect(web).toEqual(['SYNC ', 'ADDED a@1', 'MODIFIED a@2']);
  });

  it('reads virtual time from the recording and runs timers in recorded order', async () => {
    const lines = [
      { kubespyRecording: 1, time: '2026-01-01T00:00:00.000Z' },
      { time: '2026-01-01T00:00:01.000Z', type: 'ADDED', object: pod('a', '1', { app: 'web' }) },
      { time: '2026-01-01T00:00:05.000Z', type: 'END' },
    ];
    const replay = createReplay(parseRecording(lines.map((l) => JSON.stringify(l)).join('\n')), { speed: 0 });
    const log: string[] = [];
    const at = () => new Date(replay.clock.now()).toISOString().slice(17, 23);
    replay.clock.setTimeout(() => log.push(`timer ${at()}`), 2000);
    replay.clock.setTimeout(() => log.push(`late timer ${at()}`), 9000);
    replay.source.watch(webPods, (event) => log.push(`${event.type} ${at()}`), new AbortController().signal);
    await replay.finished;
    expect(log).toEqual(['SYNC 00.000', 'ADDED 01.000', 'timer 02.000']);
  });

  it('paces a replay at speed N by the recorded gaps divided by N', async () => {
    const lines = [
      { kubespyRecording: 1, time: '2026-01-01T00:00:00.000Z' },
      { time: '2026-01-01T00:00:04.000Z', type: 'ADDED', object: pod('a', '1', { app: 'web' }) },
    ];
    const waits: number[] = [];
    const replay = createReplay(parseRecording(lines.map((l) => JSON.stringify(l)).join('\n')), { speed: 2, wait: async (ms) => { waits.push(ms); } });
    replay.source.watch(webPods, () => {}, new AbortController().signal);
    await replay.finished;
    expect(waits).toEqual([2000]);
  });
});

describe('replay of report boundaries', () => {
  /** Counts the updates a follower would make: events are coalesced into one setImmediate, as model/follower.ts does. */
  async function updatesOf(text: string): Promise<string[][]> {
    const replay = createReplay(parseRecording(text), { speed: 0 });
    const updates: string[][] = [];
    let batch: string[] | undefined;
    const controller = new AbortController();
    replay.source.watch(allPods, (event) => {
      if (!('object' in event)) return;
      if (!batch) {
        batch = [];
        setImmediate(() => { updates.push(batch!); batch = undefined; });
      }
      batch.push(`${event.type} ${event.object.metadata.name}`);
    }, controller.signal);
    await replay.finished;
    controller.abort();
    return updates;
  }

  const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + ms).toISOString();
  const header = JSON.stringify({ kubespyRecording: 1, time: at(0) });
  const added = (name: string, ms: number) => JSON.stringify({ time: at(ms), type: 'ADDED', object: pod(name, String(ms), {}) });
  const sync = (ms: number) => JSON.stringify({ time: at(ms), type: 'SYNC', request: allPods });

  it('plays the lines up to each REPORT marker in one turn, however far apart they were received', async () => {
    const marker = (ms: number) => JSON.stringify({ time: at(ms), type: 'REPORT' });
    const text = [header, sync(1), marker(1), added('a', 10), added('b', 15), marker(16), added('c', 40), marker(41)].join('\n');
    expect(await updatesOf(text)).toEqual([['ADDED a', 'ADDED b'], ['ADDED c']]);
  });

  it('without markers, groups only the lines received in the same millisecond', async () => {
    const text = [header, sync(1), added('a', 10), added('b', 15), added('c', 15)].join('\n');
    expect(await updatesOf(text)).toEqual([['ADDED a'], ['ADDED b', 'ADDED c']]);
  });
});

describe('recording files', () => {
  it('reports malformed lines by number and keeps the rest', () => {
    const parsed = parseRecording(['{"kubespyRecording":1,"time":"2026-01-01T00:00:00Z"}', 'nope', '{"time":"x","type":"ADDED"}', '{"time":"2026-01-01T00:00:00Z","type":"BOGUS"}', JSON.stringify({ time: '2026-01-01T00:00:00Z', type: 'ADDED', object: pod('a', '1', {}) })].join('\n'));
    expect(parsed.problems).toEqual([
      { line: 2, message: 'is not JSON' },
      { line: 3, message: 'has no valid "time" (RFC 3339)' },
      { line: 4, message: 'has an unknown event type "BOGUS"' },
    ]);
    expect(parsed.lines).toHaveLength(1);
  });

  it('refuses a newer format version', () => {
    expect(() => parseRecording('{"kubespyRecording":2,"time":"2026-01-01T00:00:00Z"}')).toThrow(RecordingError);
  });
});

describe('redactSecret', () => {
  it('keeps the keys, replaces the values, and drops the clear-text last-applied annotation', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"aHVudGVyMg=="}}', other: 'kept' } },
      data: { p: 'aHVudGVyMg==' },
      stringData: { q: 'hunter2' },
    };
    const redacted = redactSecret(secret);
    expect(redacted.data).toEqual({ p: 'UkVEQUNURUQ=' });
    expect(redacted.stringData).toEqual({ q: 'REDACTED' });
    expect(redacted.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': 'REDACTED', other: 'kept' });
    expect(secret.data).toEqual({ p: 'aHVudGVyMg==' });
    const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { p: 'x' } };
    expect(redactSecret(configMap)).toBe(configMap);
  });
});
