/**
 * `trace service` as a TraceSession: the model follows the objects, the pure analyser judges them.
 */
import type { Clock } from '../lib/clock.js';
import { followServiceObjects, type ServiceObjects } from '../model/service-objects.js';
import type { ObjectSource } from '../model/source.js';
import { analyseService, type ServiceCheckId, type ServiceTraceInput } from '../trace/service.js';
import type { TraceSession } from './run-trace.js';

/** Which check a watch that cannot deliver takes down. */
const CHECK_OF_WATCH: Record<string, ServiceCheckId> = {
  service: 'service',
  pods: 'pods',
  endpointslices: 'endpoints',
  events: 'events',
  networkpolicies: 'networkpolicy',
  'dns-service': 'dns',
  'dns-pods': 'dns',
  'proxy-pods': 'proxy',
};

export function serviceTraceInput(objects: ServiceObjects, now: number, timeScale = 1): ServiceTraceInput {
  const unavailable: Partial<Record<ServiceCheckId, string>> = {};
  for (const [watch, problem] of Object.entries(objects.problems)) {
    const check = CHECK_OF_WATCH[watch];
    // A cluster without EndpointSlices is not a problem: the analyser reads v1 Endpoints instead.
    if (!check || (watch === 'endpointslices' && problem.kind === 'not-found')) continue;
    unavailable[check] ??= problem.message;
  }
  return {
    namespace: objects.namespace,
    name: objects.name,
    now,
    service: objects.service,
    deleted: objects.deleted,
    pods: objects.pods,
    nearMiss: objects.nearMiss,
    endpointSlices: objects.endpointSlices,
    endpointSlicesServed: objects.endpointSlicesServed,
    endpoints: objects.endpoints,
    events: objects.events,
    dns: { service: objects.dnsService, pods: objects.dnsPods, clusterDomain: 'cluster.local' },
    proxy: { pods: objects.proxyPods },
    networkPolicies: objects.networkPolicies,
    unavailable,
    reconnecting: objects.reconnecting,
    timeScale,
  };
}

export interface SessionOptions {
  source: ObjectSource;
  namespace: string;
  name: string;
  clock: Clock;
  signal: AbortSignal;
  /** The embedded cluster's speed factor when tracing it (demo); 1 for real clusters. */
  timeScale?: number;
}

export function serviceSession(options: SessionOptions): TraceSession<ServiceObjects> {
  return {
    follow(onUpdate) {
      return followServiceObjects({ ...options, onUpdate });
    },
    analyse(objects, now) {
      return analyseService(serviceTraceInput(objects, now, options.timeScale));
    },
    reconnecting(objects) {
      return objects.reconnecting;
    },
    synced(objects) {
      return objects.synced;
    },
  };
}
