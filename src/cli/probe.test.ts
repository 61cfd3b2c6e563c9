import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromResponse } from '../kube/errors.js';
import { probeCluster, shownAfterProbe } from './probe.js';
import type { TraceSession } from './run-trace.js';

/** A session whose watches deliver what the test pushes. */
function fakeSession() {
  let deliver: (objects: number) => void = () => {};
  const session: TraceSession<number> = {
    follow(onUpdate) {
      deliver = onUpdate;
      return { stop() {} };
    },
    analyse: () => ({}) as ReturnType<TraceSession<number>['analyse']>,
    reconnecting: () => false,
    synced: () => true,
  };
  return { session, push: (n: number) => deliver(n) };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('shownAfterProbe', () => {
  it('holds updates back until the probe passes, then shows the newest objects', async () => {
    const { session, push } = fakeSession();
    const probe = deferred();
    const seen: number[] = [];
    shownAfterProbe(session, probe.promise).follow((n) => seen.push(n));
    push(1);
    push(2);
    await settle();
    expect(seen).toEqual([]);
    probe.resolve();
    await settle();
    expect(seen).toEqual([2]);
    push(3);
    expect(seen).toEqual([2, 3]);
  });

  it('shows nothing, ever, when the probe fails', async () => {
    const { session, push } = fakeSession();
    const probe = deferred();
    const seen: number[] = [];
    shownAfterProbe(session, probe.promise).follow((n) => seen.push(n));
    push(1);
    probe.reject(new Error('401'));
    await settle();
    push(2);
    expect(seen).toEqual([]);
  });

  it('shows the first update as it comes when the probe passed before any', async () => {
    const { session, push } = fakeSession();
    const seen: number[] = [];
    shownAfterProbe(session, Promise.resolve()).follow((n) => seen.push(n));
    await settle();
    expect(seen).toEqual([]);
    push(7);
    expect(seen).toEqual([7]);
  });
});

describe('probeCluster', () => {
  const failing = (error: unknown) => ({ getJSON: () => Promise.reject(error) });
  it('passes when /version is forbidden or missing: that says nothing about the watches', async () => {
    await expect(probeCluster(failing(apiErrorFromResponse(403, undefined, 'forbidden')))).resolves.toBeUndefined();
    await expect(probeCluster(failing(apiErrorFromResponse(404, undefined, 'not found')))).resolves.toBeUndefined();
  });
  it('fails on 401 and on connection errors', async () => {
    await expect(probeCluster(failing(apiErrorFromResponse(401, undefined, 'Unauthorized')))).rejects.toBeInstanceOf(ApiError);
    await expect(probeCluster(failing(new Error('ECONNREFUSED')))).rejects.toThrow('ECONNREFUSED');
  });
});
