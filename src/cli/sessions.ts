/**
 * Which TraceSession traces which kind: the one table `trace` and `demo` share.
 */
import type { TraceKind } from './target.js';
import type { TraceSession } from './run-trace.js';
import { serviceSession, type SessionOptions } from './service-session.js';
import { workloadSession } from './workload-session.js';

type SessionFactory = (options: SessionOptions) => TraceSession<unknown>;

const SESSIONS: Partial<Record<TraceKind, SessionFactory>> = {
  service: serviceSession as SessionFactory,
  deployment: workloadSession('Deployment') as SessionFactory,
  replicaset: workloadSession('ReplicaSet') as SessionFactory,
  statefulset: workloadSession('StatefulSet') as SessionFactory,
  daemonset: workloadSession('DaemonSet') as SessionFactory,
  pod: workloadSession('Pod') as SessionFactory,
};

/** The kinds `kubespy trace` can follow, in the order help lists them. */
export const TRACEABLE_KINDS = Object.keys(SESSIONS) as TraceKind[];

export function sessionFor(kind: TraceKind, options: SessionOptions): TraceSession<unknown> {
  const factory = SESSIONS[kind];
  if (!factory) throw new Error(`no trace session for kind ${kind}`);
  return factory(options);
}
