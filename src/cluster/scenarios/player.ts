/**
 * Plays a scenario's steps against the store, each after its (speed-scaled) delay. A step that
 * the API refuses is reported, not thrown: a demo narrates what happened and goes on.
 */
import type { Clock, TimerHandle } from '../../lib/clock.js';
import type { Store } from '../store/types.js';
import type { Scenario } from './types.js';

export interface PlayerOptions {
  store: Store;
  clock: Clock;
  /** The cluster speed factor: a step `after` 10 s runs after 10 s / speed. */
  speed: number;
  onStep?: (narration: string, index: number) => void;
  onError?: (narration: string, error: unknown) => void;
  /**
   * The first step waits for this (the demo: the trace's first report). Step delays are counted
   * from it, so a story is never ahead of the trace watching it however slowly that connects.
   */
  startWhen?: Promise<void>;
}

export interface PlayingScenario {
  /** Resolves after the last step plus the scenario's settle time. */
  finished: Promise<void>;
  stop(): void;
}

export function playScenario(scenario: Scenario, options: PlayerOptions): PlayingScenario {
  const { store, clock, speed } = options;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let resolve: () => void = () => {};
  const finished = new Promise<void>((r) => { resolve = r; });

  const runStep = (index: number) => {
    if (stopped) return;
    const step = scenario.steps[index];
    if (!step) {
      timer = clock.setTimeout(resolve, scenario.settle / speed);
      return;
    }
    timer = clock.setTimeout(() => {
      if (stopped) return;
      options.onStep?.(step.narration, index);
      try {
        step.run(store);
      } catch (error) {
        options.onError?.(step.narration, error);
      }
      runStep(index + 1);
    }, step.after / speed);
  };
  if (options.startWhen) void options.startWhen.then(() => runStep(0));
  else runStep(0);

  return {
    finished,
    stop() {
      stopped = true;
      timer?.cancel();
      resolve();
    },
  };
}
