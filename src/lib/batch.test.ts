import { afterEach, describe, expect, it, vi } from 'vitest';
import { batch, whenBatchEnds } from './batch.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batch / whenBatchEnds', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs deferred work once the batch is done, synchronously, before any microtask', () => {
    const order: string[] = [];
    const result = batch(() => {
      whenBatchEnds(() => order.push('deferred'));
      queueMicrotask(() => order.push('microtask'));
      order.push('input 1');
      order.push('input 2');
      return 'handled';
    });
    order.push('after batch');
    expect(result).toBe('handled');
    expect(order).toEqual(['input 1', 'input 2', 'deferred', 'after batch']);
  });

  it('waits for the outermost batch, and runs deferred work in the order it was asked for', () => {
    const order: string[] = [];
    batch(() => {
      batch(() => whenBatchEnds(() => order.push('first')));
      order.push('inner batch done');
      whenBatchEnds(() => order.push('second'));
    });
    expect(order).toEqual(['inner batch done', 'first', 'second']);
  });

  it('outside a batch, runs the work after the I/O of the current turn (setImmediate), not at once', async () => {
    const order: string[] = [];
    whenBatchEnds(() => order.push('deferred'));
    order.push('caller goes on');
    expect(order).toEqual(['caller goes on']);
    await nextTurn();
    expect(order).toEqual(['caller goes on', 'deferred']);
  });

  it("runs deferred work even when the batch's own work throws, and lets that exception through", () => {
    const ran: string[] = [];
    const failure = new Error('bad input');
    expect(() =>
      batch(() => {
        whenBatchEnds(() => ran.push('deferred'));
        throw failure;
      }),
    ).toThrow(failure);
    expect(ran).toEqual(['deferred']);
  });

  it("keeps a failure of deferred work out of the batch (the input's handler carries on) and rethrows it on its own", () => {
    const rethrown: Array<() => void> = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => rethrown.push(callback));
    const bug = new TypeError('analyser bug');
    const ran: string[] = [];
    expect(() =>
      batch(() => {
        whenBatchEnds(() => {
          throw bug;
        });
        whenBatchEnds(() => ran.push('next deferred work'));
      }),
    ).not.toThrow();
    expect(ran).toEqual(['next deferred work']);
    expect(rethrown).toHaveLength(1);
    expect(() => rethrown[0]?.()).toThrow(bug);
  });
});
