/**
 * One request before a command starts watching: a cluster that cannot be reached or that
 * rejects the credentials should end the command at once with exit 3 and a message (as kubectl
 * does), not leave a trace backing off forever. Failures after start-up are the watch loop's job.
 */
import { ApiError, type RestClient } from '../kube/index.js';

export async function probeCluster(rest: Pick<RestClient, 'getJSON'>, signal?: AbortSignal): Promise<void> {
  try {
    await rest.getJSON('/version', undefined, undefined, { signal });
  } catch (error) {
    // Some clusters forbid /version or do not serve it; that says nothing about the watches.
    if (error instanceof ApiError && !error.isUnauthorized()) return;
    throw error;
  }
}
