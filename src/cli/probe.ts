/**
 * One request as a command starts: a cluster that cannot be reached or that rejects the
 * credentials should end the command at once with exit 3 and a message (as kubectl does), not
 * leave a trace backing off forever. Failures after start-up are the watch loop's job.
 */
import { ApiError, type RestClient } from '../kube/index.js';
import type { TraceSession } from './run-trace.js';

export async function probeCluster(rest: Pick<RestClient, 'getJSON'>, signal?: AbortSignal): Promise<void> {
  try {
    await rest.getJSON('/version', undefined, undefined, { signal });
  } catch (error) {
    // Some clusters forbid /version or do not serve it; that says nothing about the watches.
    if (error instanceof ApiError && !error.isUnauthorized()) return;
    throw error;
  }
}

/**
 * The session, with its watches started at once but nothing shown before the probe has passed:
 * a trace of a cluster that rejects the credentials must end with the probe's message, not first
 * print a frame of "forbidden" checks. When the probe passes after the watches synced, the
 * newest objects are shown then.
 */
export function shownAfterProbe<T>(session: TraceSession<T>, probed: Promise<void>): TraceSession<T> {
  let passed = false;
  return {
    ...session,
    follow(onUpdate) {
      let latest: { objects: T } | undefined;
      const following = session.follow((objects) => {
        latest = { objects };
        if (passed) onUpdate(objects);
      });
      probed.then(
        () => {
          passed = true;
          if (latest !== undefined) onUpdate(latest.objects);
        },
        () => {}, // the command ends with the probe's error (commands/trace.ts)
      );
      return following;
    },
  };
}
