/**
 * Who owns a Pod, in words: "ReplicaSet web-7d9c6f5b8 (Deployment web)". The chain follows
 * controller ownerReferences (the reference with `controller: true`, as the garbage collector and
 * kubectl do). The Deployment above a ReplicaSet comes from the ReplicaSet's own ownerReference
 * when the ReplicaSet object is known; otherwise it is inferred from the name, because the
 * Deployment controller names its ReplicaSets "<deployment>-<pod-template-hash>" and stamps that
 * hash on the Pods as the `pod-template-hash` label.
 */
import type { KubeObject } from '../lib/kube-object.js';
import { get, labelsOf, meta, nameOf, recs, str } from './read.js';

export interface OwnerRef {
  kind: string;
  name: string;
}

export function controllerOf(obj: unknown): OwnerRef | undefined {
  const refs = recs(meta(obj)['ownerReferences']);
  const ref = refs.find((r) => r['controller'] === true) ?? (refs.length === 1 ? refs[0] : undefined);
  if (!ref) return undefined;
  const kind = str(ref['kind']);
  const name = str(ref['name']);
  return kind && name ? { kind, name } : undefined;
}

/** Chains by Pod object, with the owner list they were read against (undefined: none). */
const chains = new WeakMap<object, { owners: readonly KubeObject[] | undefined; chain: readonly OwnerRef[] }>();

/**
 * The owner chain of a Pod, nearest first (at most two levels: that is all a Pod has in practice).
 * Read once per Pod object and owner list, which keep their identity while unchanged (perObject
 * in read.ts says why); frozen and shared.
 */
export function ownerChain(pod: unknown, owners?: readonly KubeObject[]): readonly OwnerRef[] {
  const list = owners && owners.length > 0 ? owners : undefined;
  if (typeof pod !== 'object' || pod === null) return readChain(pod, list ?? []);
  const seen = chains.get(pod);
  if (seen && seen.owners === list) return seen.chain;
  const chain = Object.freeze(readChain(pod, list ?? []));
  chains.set(pod, { owners: list, chain });
  return chain;
}

function readChain(pod: unknown, owners: readonly KubeObject[]): OwnerRef[] {
  const first = controllerOf(pod);
  if (!first) return [];
  const chain = [first];
  const ownerObject = owners.find(
    (o) => str(get(o, 'kind')) === first.kind && nameOf(o) === first.name,
  );
  const second = ownerObject ? controllerOf(ownerObject) : undefined;
  if (second) {
    chain.push(second);
  } else if (!ownerObject && first.kind === 'ReplicaSet') {
    const hash = labelsOf(pod)['pod-template-hash'];
    if (hash && first.name.endsWith(`-${hash}`) && first.name.length > hash.length + 1) {
      chain.push({ kind: 'Deployment', name: first.name.slice(0, -(hash.length + 1)) });
    }
  }
  return chain;
}

/** "ReplicaSet web-7d9c6f5b8 (Deployment web)", "StatefulSet db", or "no owner". */
export function describeChain(chain: readonly OwnerRef[]): string {
  const [first, second] = chain;
  if (!first) return 'no owner';
  const head = `${first.kind} ${first.name}`;
  return second ? `${head} (${second.kind} ${second.name})` : head;
}

/** The top of the chain in words ("Deployment payments"), for near-miss messages. */
export function describeTop(chain: readonly OwnerRef[]): string {
  const top = chain[chain.length - 1];
  return top ? `${top.kind} ${top.name}` : 'no owner';
}

/** Groups objects by a key, keeping first-seen order (so messages are stable frame to frame). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
