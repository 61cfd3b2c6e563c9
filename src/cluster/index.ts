/**
 * The embedded cluster, assembled: the store with its admission hooks, the simulated controllers,
 * and the HTTP(S) API server on loopback. `kubespy cluster`, `kubespy demo`, the tests and the
 * benchmarks all start it through startEmbeddedCluster().
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../lib/clock.js';
import { createDaemonSetController } from './controllers/daemonset.js';
import { createDeploymentController } from './controllers/deployment.js';
import { createEndpointsController } from './controllers/endpoints.js';
import { createEndpointSliceController } from './controllers/endpointslice.js';
import { createEventRecorder } from './controllers/events.js';
import { createGarbageCollector } from './controllers/garbage-collector.js';
import { createKubeletController } from './controllers/kubelet.js';
import { createLoadBalancerController } from './controllers/loadbalancer.js';
import { createNamespaceController } from './controllers/namespace.js';
import { createNodesController } from './controllers/nodes.js';
import { createReplicaSetController } from './controllers/replicaset.js';
import { createResourceQuotaAdmission, createResourceQuotaController } from './controllers/resourcequota.js';
import type { Controller, ControllerContext } from './controllers/runtime.js';
import { createSchedulerController } from './controllers/scheduler.js';
import { createServiceAllocator } from './controllers/service-allocator.js';
import { createStatefulSetController } from './controllers/statefulset.js';
import { createSystemBootstrap } from './controllers/system.js';
import { RequestFaults } from './faults.js';
import { renderKubeconfig } from './kubeconfig.js';
import { startApiServer, type ApiServer, type ForbidRule } from './server/index.js';
import { createStore } from './store/index.js';
import type { Store } from './store/types.js';

export interface EmbeddedClusterOptions {
  /** 0 (default): any free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** Serve HTTPS with a generated CA (default), or plain HTTP. */
  tls?: boolean;
  /** Over TLS, offer HTTP/2 (ALPN h2, as kube-apiserver does; default) or HTTP/1.1 only. */
  http2?: boolean;
  /** Simulated durations are divided by this (default 1). */
  speed?: number;
  /** Number of Nodes (default 3). */
  nodes?: number;
  clock?: Clock;
  /** Requests answered with 403 Forbidden (RBAC gaps, for tests). */
  forbid?: ForbidRule[];
  /** Watch history kept for resuming; older resourceVersions get 410 Expired. */
  historySize?: number;
  bookmarkIntervalMs?: number;
  log?: (message: string) => void;
}

export interface EmbeddedCluster {
  url: string;
  port: number;
  store: Store;
  /** The bearer token clients must present. */
  token: string;
  caCertPem?: string;
  speed: number;
  /** A kubeconfig whose current context points at this cluster. */
  kubeconfig(options?: { namespace?: string; contextName?: string }): string;
  /** Ends every open watch stream; the cluster keeps serving (test hook for resume/re-list). */
  dropWatches(): void;
  /** Fault injection (cluster/faults.ts): open watch streams go silent without closing. */
  stallWatches(): void;
  /** Fault injection: writes `text` (a garbage line) on every open watch stream. */
  injectWatchLine(text: string): void;
  /** Fault injection: the API server goes away for `downMs` and comes back on the same port, same store. */
  restart(downMs?: number): Promise<void>;
  /** Fault injection: answer every request with 429/500/503 for a while. */
  faults: RequestFaults;
  /** Stops the controllers and the server (open watches end). */
  close(): Promise<void>;
}

export async function startEmbeddedCluster(options: EmbeddedClusterOptions = {}): Promise<EmbeddedCluster> {
  const clock = options.clock ?? systemClock;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
  // The allocator reads the Services already stored to find free addresses, so it gets the store late.
  const store: Store = createStore({ clock, admission: [createServiceAllocator(() => store), createResourceQuotaAdmission(() => store)], historySize: options.historySize });

  // Events expire after an hour of simulated time, as with kube-apiserver's default --event-ttl.
  const events = createEventRecorder(store, clock, { ttlMs: 3_600_000 / speed });
  const context: ControllerContext = {
    store,
    clock,
    speed,
    duration: (simulatedMs) => simulatedMs / speed,
    events,
    log: options.log ?? (() => {}),
  };
  const controllers: Controller[] = [
    createSystemBootstrap(),
    createNodesController({ count: options.nodes ?? 3 }),
    createSchedulerController(),
    createKubeletController(),
    createReplicaSetController(),
    createDeploymentController(),
    createDaemonSetController(),
    createStatefulSetController(),
    createResourceQuotaController(),
    createEndpointsController(),
    createEndpointSliceController(),
    createLoadBalancerController(),
    createGarbageCollector(),
    createNamespaceController(),
  ];
  for (const controller of controllers) controller.start(context);

  const token = randomBytes(24).toString('base64url');
  const faults = new RequestFaults(clock);
  let server: ApiServer;
  try {
    server = await startApiServer({
      store,
      port: options.port ?? 0,
      tls: options.tls ?? true,
      http2: options.http2 ?? true,
      token,
      // kubectl sends a bearer token only over TLS; on plain HTTP it comes without credentials.
      allowAnonymous: options.tls === false,
      clock,
      forbid: options.forbid,
      faults,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      log: options.log,
    });
  } catch (error) {
    for (const controller of controllers) controller.stop();
    throw error;
  }

  return {
    url: server.url,
    port: server.port,
    store,
    token,
    caCertPem: server.caCertPem,
    speed,
    kubeconfig: (kubeconfigOptions = {}) =>
      renderKubeconfig({ server: server.url, caCertPem: server.caCertPem, token, ...kubeconfigOptions }),
    dropWatches: () => server.dropWatches(),
    stallWatches: () => server.stallWatches(),
    injectWatchLine: (text) => server.injectWatchLine(text),
    restart: (downMs) => server.restart(downMs),
    faults,
    async close() {
      for (const controller of [...controllers].reverse()) controller.stop();
      events.stop?.();
      await server.close();
    },
  };
}
