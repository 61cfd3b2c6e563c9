/**
 * Whether NetworkPolicies let Service traffic reach the selected Pods (networking.k8s.io/v1).
 *
 * Semantics mirrored: a policy applies to the Pods its `podSelector` selects (empty selects all
 * of the namespace). It restricts ingress when `policyTypes` holds "Ingress", or when
 * `policyTypes` is absent (the API server then defaults to Ingress, plus Egress if egress rules
 * exist). Policies are additive: a connection is allowed when ANY policy selecting the Pod allows
 * it; a Pod selected by an Ingress policy with no matching rule gets no ingress on that port.
 * A rule port matches by number (with `endPort` ranges), or by name against the Pod's container
 * port names; a rule without ports allows all ports; a rule without `from` allows all sources.
 */
import { formatLabelSelector, labelSelectorMatches } from './labels.js';
import { get, isRec, labelsOf, nameOf, num, recs, str, strings } from './read.js';
import { compareText } from '../lib/compare.js';

export interface TargetPort {
  /** The container port number traffic arrives on, when known. */
  number?: number;
  /** Container port names with that number (a rule may name the port). */
  names: string[];
  protocol: string;
  /** "8080/TCP" as shown to the user. */
  label: string;
}

export interface PolicyAnalysis {
  /** Names of policies whose podSelector selects at least one of the Pods. */
  selecting: string[];
  /** Names of those that restrict ingress. */
  ingress: string[];
  /** Per target port: the ingress policies that allow it and from where ("allow-web (from pods app=front)"). */
  allowed: { port: TargetPort; by: string[] }[];
  /** Target ports no selecting Ingress policy allows; empty when there is no Ingress policy. */
  blocked: TargetPort[];
}

function restrictsIngress(policy: unknown): boolean {
  const types = get(policy, 'spec', 'policyTypes');
  if (Array.isArray(types)) return strings(types).includes('Ingress');
  return true;
}

function describePeer(peer: Record<string, unknown>): string {
  const ipBlock = get(peer, 'ipBlock');
  if (isRec(ipBlock)) {
    const except = strings(ipBlock['except']);
    return `${str(ipBlock['cidr']) ?? '?'}${except.length ? ` except ${except.join(', ')}` : ''}`;
  }
  const pods = peer['podSelector'];
  const namespaces = peer['namespaceSelector'];
  if (isRec(pods) && isRec(namespaces)) {
    return `pods ${formatLabelSelector(pods)} in namespaces ${formatLabelSelector(namespaces).replace('all Pods', 'all')}`;
  }
  if (isRec(pods)) return `pods ${formatLabelSelector(pods)}`;
  if (isRec(namespaces)) return `namespaces ${formatLabelSelector(namespaces).replace('all Pods', 'all')}`;
  return '?';
}

function portMatches(rulePort: Record<string, unknown>, target: TargetPort): boolean {
  if ((str(rulePort['protocol']) ?? 'TCP') !== target.protocol) return false;
  const port = rulePort['port'];
  if (port === undefined || port === null) return true;
  if (typeof port === 'string') return target.names.includes(port);
  const from = num(port);
  if (from === undefined || target.number === undefined) return false;
  const to = num(rulePort['endPort']) ?? from;
  return target.number >= from && target.number <= to;
}

/** The sources a rule allows, or undefined when it does not cover the port. */
function ruleAllows(rule: Record<string, unknown>, target: TargetPort): string | undefined {
  const ports = recs(rule['ports']);
  if (ports.length > 0 && !ports.some((p) => portMatches(p, target))) return undefined;
  const peers = recs(rule['from']);
  return peers.length === 0 ? 'from anywhere' : `from ${peers.map(describePeer).join(' or ')}`;
}

export function analysePolicies(policies: readonly unknown[], pods: readonly unknown[], targets: readonly TargetPort[]): PolicyAnalysis {
  const selectingPolicies = policies
    .filter((policy) => pods.some((pod) => labelSelectorMatches(get(policy, 'spec', 'podSelector'), labelsOf(pod))))
    .sort((a, b) => compareText(nameOf(a), nameOf(b)));
  const ingressPolicies = selectingPolicies.filter(restrictsIngress);
  const allowed: PolicyAnalysis['allowed'] = [];
  const blocked: TargetPort[] = [];
  for (const target of targets) {
    const by: string[] = [];
    for (const policy of ingressPolicies) {
      const sources = recs(get(policy, 'spec', 'ingress'))
        .map((rule) => ruleAllows(rule, target))
        .filter((s): s is string => s !== undefined);
      if (sources.length > 0) by.push(`${nameOf(policy)} (${[...new Set(sources)].join('; ')})`);
    }
    if (by.length > 0) allowed.push({ port: target, by });
    else if (ingressPolicies.length > 0) blocked.push(target);
  }
  return { selecting: selectingPolicies.map(nameOf), ingress: ingressPolicies.map(nameOf), allowed, blocked };
}
