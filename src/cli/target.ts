/**
 * Parses what users type after `kubespy trace`, the way kubectl reads its arguments:
 * `svc web`, `service/web`, `svc shop/web` (NAMESPACE/NAME), `svc web -n shop`, kinds in any case.
 */
import { UsageError } from './errors.js';

export type TraceKind = 'service' | 'deployment' | 'replicaset' | 'statefulset' | 'daemonset' | 'pod';

/** kubectl's plural, singular and short names for every kind `trace` understands. */
const TRACE_KIND_ALIASES: Record<string, TraceKind> = {
  service: 'service', services: 'service', svc: 'service',
  deployment: 'deployment', deployments: 'deployment', deploy: 'deployment',
  replicaset: 'replicaset', replicasets: 'replicaset', rs: 'replicaset',
  statefulset: 'statefulset', statefulsets: 'statefulset', sts: 'statefulset',
  daemonset: 'daemonset', daemonsets: 'daemonset', ds: 'daemonset',
  pod: 'pod', pods: 'pod', po: 'pod',
};

export function traceKindOf(input: string, supported: readonly TraceKind[]): TraceKind {
  const lowered = input.toLowerCase();
  // Accept group-qualified forms too (`deployments.apps`, `services.v1.`), as kubectl does.
  const base = lowered.split('.')[0] ?? lowered;
  const kind = TRACE_KIND_ALIASES[base];
  if (!kind || !supported.includes(kind)) {
    throw new UsageError(
      `kubespy cannot trace "${input}"`,
      `Traceable kinds: ${supported.join(', ')} (short names: ${shortNamesOf(supported)}).`,
    );
  }
  return kind;
}

function shortNamesOf(kinds: readonly TraceKind[]): string {
  const short: Record<TraceKind, string> = {
    service: 'svc', deployment: 'deploy', replicaset: 'rs', statefulset: 'sts', daemonset: 'ds', pod: 'po',
  };
  return kinds.map((k) => short[k]).join(', ');
}

// RFC 1123 subdomain: what Kubernetes accepts as most object names (and namespaces are labels).
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface NamespacedName {
  /** undefined: neither a NAMESPACE/ prefix nor -n (the kubeconfig context's namespace applies). */
  namespace: string | undefined;
  name: string;
}

export interface NameRules {
  /** What a name may look like; default: an RFC 1123 subdomain. */
  name?: RegExp;
  /** The usage hint shown with a malformed name. */
  usage?: string;
}

/**
 * NAME or NAMESPACE/NAME, as kubectl reads it; `namespaceFlag` is -n, which conflicts with a
 * different NAMESPACE/ prefix. Names are at most 253 characters (a DNS subdomain), namespaces 63
 * (a DNS label).
 */
export function parseNamespacedName(nameText: string, namespaceFlag: string | undefined, rules: NameRules = {}): NamespacedName {
  let namespace = namespaceFlag;
  let name = nameText;
  const parts = nameText.split('/');
  if (parts.length === 2) {
    [namespace, name] = parts as [string, string];
    if (namespaceFlag !== undefined && namespaceFlag !== namespace) {
      throw new UsageError(`namespace "${namespace}" in "${nameText}" conflicts with --namespace ${namespaceFlag}`);
    }
  } else if (parts.length > 2) {
    throw new UsageError(`malformed name "${nameText}": expected NAME or NAMESPACE/NAME`, rules.usage);
  }
  if (!(rules.name ?? NAME).test(name) || name.length > 253) {
    throw new UsageError(`malformed name "${name}": Kubernetes names are lowercase letters, digits, '-' and '.'`, rules.usage);
  }
  if (namespace !== undefined && (!NAMESPACE.test(namespace) || namespace.length > 63)) {
    throw new UsageError(`malformed namespace "${namespace}": namespaces are lowercase letters, digits and '-'`);
  }
  return { namespace, name };
}

export interface ParsedTarget {
  kind: TraceKind;
  namespace: string | undefined;
  name: string;
}

/**
 * `args` are the positional arguments after the command: [KIND, NAME] or [KIND/NAME]; NAME may be
 * NAMESPACE/NAME. `namespaceFlag` is -n; it conflicts with a different NAMESPACE/ prefix.
 */
export function parseTraceTarget(args: string[], namespaceFlag: string | undefined, supported: readonly TraceKind[]): ParsedTarget {
  let kindText: string;
  let nameText: string;
  if (args.length === 1 && args[0]!.includes('/')) {
    const [k, ...rest] = args[0]!.split('/');
    kindText = k!;
    nameText = rest.join('/');
  } else if (args.length === 2) {
    [kindText, nameText] = args as [string, string];
    if (nameText.startsWith(`${kindText}/`)) nameText = nameText.slice(kindText.length + 1);
  } else {
    throw new UsageError(
      args.length === 0 ? 'missing KIND and NAME' : args.length === 1 ? `missing NAME after "${args[0]}"` : `too many arguments: ${args.join(' ')}`,
      'Usage: kubespy trace KIND [NAMESPACE/]NAME, for example: kubespy trace svc web -n shop',
    );
  }
  const kind = traceKindOf(kindText, supported);
  return { kind, ...parseNamespacedName(nameText, namespaceFlag) };
}
