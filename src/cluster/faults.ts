/**
 * Fault injection for the embedded cluster (issue 7): the ways a real API server lets its
 * clients down — watches ended, history compacted, restarts, streams that go silent, garbage on
 * the wire, overload answers — on demand, or chosen at random from a seed so a failing campaign
 * can be replayed exactly.
 *
 * The server consults RequestFaults before serving each request; the stream faults act on the
 * server's open watches (server/watch.ts OpenWatch); restart() re-listens on the same port.
 */
import type { Clock } from '../lib/clock.js';
import type { Status } from '../lib/kube-object.js';
import { internalError, serviceUnavailable, tooManyRequests } from './store/errors.js';

export type FailureCode = 429 | 500 | 503;

export interface InjectedAnswer {
  status: Status;
  retryAfterSeconds?: number;
}

/** Request-level failures: every request is answered with one error status until a deadline. */
export class RequestFaults {
  private failing: { answer: InjectedAnswer; until: number } | undefined;

  constructor(private readonly clock: Clock) {}

  /**
   * Answers every request with `code` for `durationMs`. 429 carries Retry-After (APF sends 1 s
   * unless told otherwise); 503 may carry it, as a load balancer in front of a restarting
   * apiserver does; 500 never does.
   */
  failFor(code: FailureCode, durationMs: number, retryAfterSeconds?: number): void {
    const answer: InjectedAnswer =
      code === 429
        ? { status: tooManyRequests(retryAfterSeconds ?? 1).status, retryAfterSeconds: retryAfterSeconds ?? 1 }
        : code === 503
          ? { status: serviceUnavailable().status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) }
          : { status: internalError(new Error('injected fault: etcdserver: request timed out')).status };
    this.failing = { answer, until: this.clock.now() + durationMs };
  }

  /** The answer to give now instead of serving, if any. */
  current(): InjectedAnswer | undefined {
    if (this.failing && this.clock.now() >= this.failing.until) this.failing = undefined;
    return this.failing?.answer;
  }

  clear(): void {
    this.failing = undefined;
  }
}

/** What a fault acts on: the embedded cluster (cluster/index.ts) provides all of it. */
export interface FaultTarget {
  store: { compact(): void };
  dropWatches(): void;
  stallWatches(): void;
  injectWatchLine(text: string): void;
  restart(downMs: number): Promise<void>;
  faults: RequestFaults;
}

export const FAULT_KINDS = ['drop-watches', 'compact', 'restart', 'stall', 'garbage', 'http-429', 'http-500', 'http-503'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface InjectedFault {
  kind: FaultKind;
  /** When it began (clock ms). */
  at: number;
  /**
   * When the server answers every request normally again: `at` for faults that only end or
   * spoil streams, the end of the downtime or of the error window otherwise.
   */
  until: number;
  detail: string;
}

/**
 * Lines a broken proxy or a buggy server could put on a watch stream. None of them is a
 * well-formed event about an object: a client must skip each one and keep the stream.
 */
export const GARBAGE_LINES = [
  'this is not json at all',
  '{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"cut-in-the-midd',
  '{"type":"ADDED"}',
  '{"type":"EXPLODED","object":{"metadata":{"name":"x"}}}',
  '{"type":"MODIFIED","object":{"kind":"Pod"}}',
  '[1,2,3]',
  'null',
  '\u0000\u0001\u00ff garbage bytes',
] as const;

/** mulberry32: a tiny seeded PRNG, so a campaign's choices replay exactly from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultInjectorOptions {
  random: () => number;
  clock: Clock;
  /** Longest restart downtime (default 400 ms). */
  maxDownMs?: number;
  /** Longest 429/500/503 window (default 800 ms). */
  maxErrorMs?: number;
}

export interface FaultInjector {
  inject(kind: FaultKind): Promise<InjectedFault>;
  /** One fault, its kind chosen by the random source. */
  injectRandom(): Promise<InjectedFault>;
  /** Every fault so far, in order. */
  readonly injected: readonly InjectedFault[];
  counts(): Record<FaultKind, number>;
}

export function createFaultInjector(target: FaultTarget, options: FaultInjectorOptions): FaultInjector {
  const { random, clock } = options;
  const maxDownMs = options.maxDownMs ?? 400;
  const maxErrorMs = options.maxErrorMs ?? 800;
  const injected: InjectedFault[] = [];
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));

  const errorWindow = (code: FailureCode, at: number): InjectedFault => {
    const ms = between(100, maxErrorMs);
    target.faults.failFor(code, ms, code === 429 ? 1 : undefined);
    return { kind: `http-${code}`, at, until: at + ms, detail: `${code} for ${ms} ms` };
  };

  async function inject(kind: FaultKind): Promise<InjectedFault> {
    const at = clock.now();
    let fault: InjectedFault;
    switch (kind) {
      case 'drop-watches':
        target.dropWatches();
        fault = { kind, at, until: at, detail: 'every watch ended' };
        break;
      case 'compact':
        // Compaction alone changes nothing until a client resumes; ending the watches makes every
        // client resume from a resourceVersion that is now too old (410 Expired → re-list).
        target.store.compact();
        target.dropWatches();
        fault = { kind, at, until: at, detail: 'history compacted, watches ended' };
        break;
      case 'restart': {
        const downMs = between(50, maxDownMs);
        await target.restart(downMs);
        fault = { kind, at, until: clock.now(), detail: `down for ${downMs} ms` };
        break;
      }
      case 'stall':
        target.stallWatches();
        fault = { kind, at, until: at, detail: 'every open watch silent' };
        break;
      case 'garbage': {
        const line = GARBAGE_LINES[Math.floor(random() * GARBAGE_LINES.length)]!;
        target.injectWatchLine(`${line}\n`);
        fault = { kind, at, until: at, detail: JSON.stringify(line) };
        break;
      }
      case 'http-429':
        fault = errorWindow(429, at);
        break;
      case 'http-500':
        fault = errorWindow(500, at);
        break;
      case 'http-503':
        fault = errorWindow(503, at);
        break;
    }
    injected.push(fault);
    return fault;
  }

  return {
    inject,
    injectRandom: () => inject(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!),
    injected,
    counts() {
      const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
      for (const fault of injected) counts[fault.kind] += 1;
      return counts;
    },
  };
}
