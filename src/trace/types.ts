/**
 * The trace report (design.md §4, contract): what every analyser returns and every renderer
 * draws. Pure data, JSON-serialisable as is: `-o json` prints it line by line.
 */

export type Verdict = 'absent' | 'pending' | 'degraded' | 'ready' | 'failing' | 'deleted';

export type CheckStatus = 'ok' | 'pending' | 'fail' | 'warn' | 'info' | 'skip';

export interface Check {
  /** Stable id: service, selector, pods, endpoints, ports, address, dns, proxy, networkpolicy, events (services); workload, rollout, replicasets, pods, available, events (workloads). */
  id: string;
  status: CheckStatus;
  /** One line, in words a user reads. */
  message: string;
  /** Further lines (one per Pod, near miss, port …), shown indented under the check. */
  details: string[];
}

export interface TraceTarget {
  kind: string;
  namespace: string;
  name: string;
}

export interface TraceReport {
  target: TraceTarget;
  verdict: Verdict;
  /** One line under the title, e.g. "Service default/web · LoadBalancer · READY". */
  summary: string;
  checks: Check[];
}

/** Verdicts that `--until` accepts. */
export const VERDICTS: readonly Verdict[] = ['absent', 'pending', 'degraded', 'ready', 'failing', 'deleted'];
