/**
 * Why a Service selector matches no Pods: the near misses a user most likely meant. Three kinds,
 * the mistakes seen in practice:
 * - a Pod of the namespace that differs from the selector in exactly one pair — a value typo
 *   (app=paymnets vs app=payments), a key typo (ap=web vs app=web), or one label missing;
 * - Pods elsewhere that match (a Service only ever selects Pods of its own namespace);
 * - a selector copied from a workload's own metadata.labels instead of its Pod template labels.
 * Workloads whose Pod template matches are reported apart: their Pods are simply not there yet.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { type Labels, formatLabels, mapMatches } from './labels.js';
import { describeTop, groupBy, ownerChain, controllerOf } from './owners.js';
import { get, labelsOf, meta, nameOf, num, plural, str, stringMap } from './read.js';
import { compareText } from '../lib/compare.js';

export type Difference =
  | { kind: 'value'; key: string; wanted: string; actual: string }
  | { kind: 'key'; wanted: string; actual: string; value: string }
  | { kind: 'missing'; key: string; wanted: string };

/** Levenshtein distance, to pick the most typo-like key when several carry the wanted value. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The single difference between a selector and a label set, or undefined when they match or
 * differ in more than one pair. A missing key alone counts only when another pair matched:
 * for a one-pair selector "lacks app=web" would describe every Pod of the namespace.
 */
export function singleDifference(selector: Labels, labels: Labels): Difference | undefined {
  const entries = Object.entries(selector);
  const unmatched = entries.filter(([key, value]) => labels[key] !== value);
  if (unmatched.length !== 1) return undefined;
  const [key, wanted] = unmatched[0] as [string, string];
  const actual = labels[key];
  if (actual !== undefined) return { kind: 'value', key, wanted, actual };
  const candidates = Object.entries(labels)
    .filter(([k, v]) => v === wanted && !(k in selector))
    .map(([k]) => k)
    .sort((a, b) => distance(a, key) - distance(b, key) || compareText(a, b));
  const closest = candidates[0];
  if (closest !== undefined) return { kind: 'key', wanted: key, actual: closest, value: wanted };
  if (entries.length >= 2) return { kind: 'missing', key, wanted };
  return undefined;
}

/** "have app=payments (differs in value)" — the verb agrees with the count. */
function describeDifference(diff: Difference, many: boolean): string {
  const have = many ? 'have' : 'has';
  const lack = many ? 'lack' : 'lacks';
  switch (diff.kind) {
    case 'value':
      return `${have} ${diff.key}=${diff.actual} (differs in value)`;
    case 'key':
      return `${have} ${diff.actual}=${diff.value} (differs in key)`;
    case 'missing':
      return `${lack} ${diff.key}=${diff.wanted} (everything else matches)`;
  }
}

function differenceKey(diff: Difference): string {
  return diff.kind === 'value' ? `v:${diff.key}=${diff.actual}` : diff.kind === 'key' ? `k:${diff.actual}=${diff.value}` : `m:${diff.key}`;
}

export interface NearMissInput {
  selector: Labels;
  namespace: string;
  sameNamespace: readonly KubeObject[];
  otherNamespaces: readonly KubeObject[];
  workloads: readonly KubeObject[];
  /** Known owner objects (ReplicaSets), to name the Deployment of a near-miss Pod. */
  owners?: readonly KubeObject[];
}

export interface NearMisses {
  /** One line per near miss, most telling first; empty when nothing is close. */
  lines: string[];
  /** Workloads whose Pod template matches and that want Pods: "Deployment web (3 replicas)". */
  coming: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** "Pods of Deployment payments" / "Pod web-1" (a bare Pod is named). */
function podGroupSubject(pods: readonly KubeObject[], top: string, hasOwner: boolean): string {
  if (!hasOwner) {
    return pods.length === 1 ? `Pod ${nameOf(pods[0])}` : `${plural(pods.length, 'Pod')} without an owner`;
  }
  return `${plural(pods.length, 'Pod')} of ${top}`;
}

export function findNearMisses(input: NearMissInput): NearMisses {
  const { selector } = input;
  const lines: string[] = [];
  const coming: string[] = [];
  if (Object.keys(selector).length === 0) return { lines, coming };

  // Pods of the namespace that differ in one pair, grouped by owner and by the difference.
  const mentionedTops = new Set<string>();
  const near = input.sameNamespace
    .filter((pod) => (str(meta(pod)['namespace']) ?? input.namespace) === input.namespace)
    .map((pod) => ({ pod, diff: singleDifference(selector, labelsOf(pod)), chain: ownerChain(pod, input.owners) }))
    .filter((n): n is typeof n & { diff: Difference } => n.diff !== undefined);
  // Value and key typos are likelier than a missing label: list them first.
  const rank = { value: 0, key: 1, missing: 2 } as const;
  near.sort((a, b) => rank[a.diff.kind] - rank[b.diff.kind]);
  for (const group of groupBy(near, (n) => `${describeTop(n.chain)}|${differenceKey(n.diff)}`).values()) {
    const first = group[0] as (typeof group)[number];
    const top = describeTop(first.chain);
    mentionedTops.add(top);
    const subject = podGroupSubject(group.map((n) => n.pod), top, first.chain.length > 0);
    lines.push(`near miss: ${subject} ${describeDifference(first.diff, group.length > 1)}`);
  }

  // Pods elsewhere that match: the Service is in the wrong namespace, or the Pods are.
  const elsewhere = input.otherNamespaces.filter(
    (pod) => (str(meta(pod)['namespace']) ?? '') !== input.namespace && mapMatches(selector, labelsOf(pod)),
  );
  for (const group of groupBy(elsewhere, (pod) => str(meta(pod)['namespace']) ?? '').values()) {
    const ns = str(meta(group[0])['namespace']) ?? '?';
    const tops = [...new Set(group.map((pod) => describeTop(ownerChain(pod, input.owners))))].filter((t) => t !== 'no owner');
    const of = tops.length === 1 ? ` of ${tops[0]}` : '';
    lines.push(
      `${plural(group.length, 'Pod')}${of} in namespace ${ns} ${group.length === 1 ? 'matches' : 'match'} (a Service selects Pods of its own namespace only)`,
    );
  }

  for (const workload of input.workloads) {
    const kind = str(get(workload, 'kind')) ?? '';
    if (!WORKLOAD_KINDS.has(kind)) continue;
    // A ReplicaSet under a Deployment is reported through its Deployment.
    if (kind === 'ReplicaSet' && controllerOf(workload)) continue;
    const name = nameOf(workload);
    const subject = `${kind} ${name}`;
    const template = stringMap(get(workload, 'spec', 'template', 'metadata', 'labels'));
    const own = labelsOf(workload);
    if (mapMatches(selector, template)) {
      // DaemonSets have no replicas field: they want a Pod per eligible node.
      const replicas = kind === 'DaemonSet' ? undefined : (num(get(workload, 'spec', 'replicas')) ?? 1);
      if (replicas === 0) lines.push(`${subject} has a matching Pod template but is scaled to 0 replicas`);
      else coming.push(replicas === undefined ? subject : `${subject} (${plural(replicas, 'replica')})`);
      continue;
    }
    if (mapMatches(selector, own)) {
      lines.push(
        `the selector matches the labels of ${subject} itself, not its Pod template (template labels: ${formatLabels(template) || 'none'})`,
      );
      continue;
    }
    if (mentionedTops.has(subject)) continue;
    const diff = singleDifference(selector, template);
    if (diff) lines.push(`near miss: the Pod template of ${subject} ${describeDifference(diff, false)}`);
  }
  return { lines, coming };
}
