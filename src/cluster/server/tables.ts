/**
 * Server-side printing: the meta.k8s.io Table answers `kubectl get` asks for (Accept
 * as=Table;g=meta.k8s.io). Columns and cells mirror kube-apiserver's printers
 * (pkg/printers/internalversion/printers.go), which the server always runs with Wide=true;
 * kubectl hides priority-1 columns unless `-o wide`.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** Milliseconds since the epoch, for Age columns. */
  now: number;
  includeObject?: IncludeObject;
  /** 'meta.k8s.io/v1' (default) or 'meta.k8s.io/v1beta1', as the client asked. */
  apiVersion?: string;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** false in watch events after the first one, as the real server sends them. */
  includeColumns?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reading plain JSON objects defensively.

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

// ---------------------------------------------------------------------------------------------
// Formatting helpers shared by the printers.

/**
 * kubectl's short age (apimachinery util/duration.HumanDuration): 45s, 3m2s, 15m, 5h3m, 2d4h,
 * 40d, 3y20d. Up to 2 s in the future counts as now (clock skew).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

/** translateTimestampSince: '<unknown>' for a missing timestamp. */
export function age(timestamp: unknown, now: number): string {
  const t = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** labels.FormatLabels: sorted k=v joined by commas, '<none>' when empty. */
export function formatLabels(map: unknown): string {
  const entries = Object.entries(rec(map)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${str(v)}`).join(',');
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key. */
export function formatLabelSelector(selector: unknown): string {
  if (selector === undefined || selector === null) return '<none>';
  const s = rec(selector);
  const parts: Array<[string, string]> = Object.entries(rec(s['matchLabels'])).map(([k, v]) => [k, `${k}=${str(v)}`]);
  for (const e of arr(s['matchExpressions'])) {
    const expr = rec(e);
    const key = str(expr['key']);
    const values = arr(expr['values']).map(str).sort().join(',');
    switch (str(expr['operator'])) {
      case 'In': parts.push([key, `${key} in (${values})`]); break;
      case 'NotIn': parts.push([key, `${key} notin (${values})`]); break;
      case 'Exists': parts.push([key, key]); break;
      case 'DoesNotExist': parts.push([key, `!${key}`]); break;
    }
  }
  parts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.map(([, p]) => p).join(',');
}

function loadBalancerIngress(status: unknown): string {
  return arr(rec(rec(status)['loadBalancer'])['ingress'])
    .map((i) => str(rec(i)['ip']) || str(rec(i)['hostname']))
    .filter(Boolean)
    .join(',');
}

/** Up to three items, then ` + N more...` (printers.go formatEndpoints and friends). */
function firstThree(items: string[], empty: string): string {
  if (items.length === 0) return empty;
  if (items.length <= 3) return items.join(',');
  return `${items.slice(0, 3).join(',')} + ${items.length - 3} more...`;
}

function containers(obj: KubeObject): { names: string; images: string } {
  const list = arr(rec(rec(rec(obj['spec'])['template'])['spec'])['containers']).map(rec);
  return { names: list.map((c) => str(c['name'])).join(','), images: list.map((c) => str(c['image'])).join(',') };
}

// ---------------------------------------------------------------------------------------------
// Per-kind printers.

interface Printer {
  columns: TableColumn[];
  cells(obj: KubeObject, now: number): unknown[];
  conditions?(obj: KubeObject): TableRow['conditions'];
}

const col = (name: string, description: string, extra: Partial<TableColumn> = {}): TableColumn => ({
  name,
  type: 'string',
  format: '',
  description,
  priority: 0,
  ...extra,
});
const NAME = col('Name', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.', { format: 'name' });
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const wide = (c: TableColumn): TableColumn => ({ ...c, priority: 1 });
const name = (obj: KubeObject) => obj.metadata.name ?? '';
const created = (obj: KubeObject, now: number) => age(obj.metadata.creationTimestamp, now);

/** printPod's STATUS, READY and RESTARTS (kubernetes-facts.md §4, "kubectl STATUS column"). */
export function podSummary(pod: KubeObject, now: number): { ready: string; status: string; restarts: string } {
  const spec = rec(pod['spec']);
  const status = rec(pod['status']);
  const initSpecs = arr(spec['initContainers']).map(rec);
  const isSidecar = (n: string) => initSpecs.some((c) => str(c['name']) === n && str(c['restartPolicy']) === 'Always');
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason = str(status['reason']) || str(status['phase']);
  for (const c of arr(status['conditions']).map(rec)) {
    if (str(c['type']) === 'PodScheduled' && str(c['reason']) === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const finishedAt = (cs: Rec) => Date.parse(str(rec(rec(cs['lastState'])['terminated'])['finishedAt'])) || 0;

  let initializing = false;
  const initStatuses = arr(status['initContainerStatuses']).map(rec);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = rec(cs['state']);
    const terminated = state['terminated'] === undefined ? undefined : rec(state['terminated']);
    const waiting = state['waiting'] === undefined ? undefined : rec(state['waiting']);
    restarts += num(cs['restartCount']);
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const sidecar = isSidecar(str(cs['name']));
    if (sidecar) {
      sidecarRestarts += num(cs['restartCount']);
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    if (terminated && num(terminated['exitCode']) === 0) continue;
    if (sidecar && cs['started'] === true) {
      if (cs['ready'] === true) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated['reason']);
      if (r) reason = `Init:${r}`;
      else if (num(terminated['signal']) !== 0) reason = `Init:Signal:${num(terminated['signal'])}`;
      else reason = `Init:ExitCode:${num(terminated['exitCode'])}`;
    } else if (waiting && str(waiting['reason']) && str(waiting['reason']) !== 'PodInitializing') {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = arr(status['conditions']).some((c) => str(rec(c)['type']) === 'Initialized' && str(rec(c)['status']) === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status['containerStatuses']).map(rec);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = rec(cs['state']);
      restarts += num(cs['restartCount']);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const waiting = state['waiting'] === undefined ? undefined : rec(state['waiting']);
      const terminated = state['terminated'] === undefined ? undefined : rec(state['terminated']);
      if (waiting && str(waiting['reason'])) reason = str(waiting['reason']);
      else if (terminated && str(terminated['reason'])) reason = str(terminated['reason']);
      else if (terminated) {
        reason = num(terminated['signal']) !== 0 ? `Signal:${num(terminated['signal'])}` : `ExitCode:${num(terminated['exitCode'])}`;
      } else if (cs['ready'] === true && state['running'] !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(status['conditions']).some((c) => str(rec(c)['type']) === 'Ready' && str(rec(c)['status']) === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const phase = str(status['phase']);
  if (pod.metadata.deletionTimestamp && str(status['reason']) === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  // Sidecars (restartable init containers) count towards READY like app containers.
  const total = arr(spec['containers']).length + initSpecs.filter((c) => str(c['restartPolicy']) === 'Always').length;
  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

const podPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    wide(col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.')),
    wide(col('Node', 'NodeName indicates in which node this pod is scheduled.')),
    wide(col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.')),
    wide(col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.')),
  ],
  cells(pod, now) {
    const spec = rec(pod['spec']);
    const status = rec(pod['status']);
    const summary = podSummary(pod, now);
    const ip = str(rec(arr(status['podIPs'])[0])['ip']) || str(status['podIP']) || '<none>';
    const gates = arr(spec['readinessGates']).map((g) => str(rec(g)['conditionType']));
    const conditions = arr(status['conditions']).map(rec);
    const trueGates = gates.filter((g) => str(conditions.find((c) => str(c['type']) === g)?.['status']) === 'True').length;
    return [
      name(pod),
      summary.ready,
      summary.status,
      summary.restarts,
      created(pod, now),
      ip,
      str(spec['nodeName']) || '<none>',
      str(status['nominatedNodeName']) || '<none>',
      gates.length > 0 ? `${trueGates}/${gates.length}` : '<none>',
    ];
  },
  conditions(pod) {
    const phase = str(rec(pod['status'])['phase']);
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};

const CONTAINERS = wide(col('Containers', 'Names of each container in the template.'));
const IMAGES = wide(col('Images', 'Images referenced by each container in the template.'));
const SELECTOR = wide(col('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'));

/**
 * printDeployment, printReplicaSet, printDaemonSet and printStatefulSet share a layout: Name, the
 * kind's counts, Age, then the wide Containers and Images (and Selector, except for StatefulSets).
 */
function workloadPrinter(counts: TableColumn[], countCells: (spec: Rec, status: Rec) => unknown[], withSelector = true): Printer {
  return {
    columns: [NAME, ...counts, AGE, CONTAINERS, IMAGES, ...(withSelector ? [SELECTOR] : [])],
    cells(obj, now) {
      const spec = rec(obj['spec']);
      const c = containers(obj);
      const selector = withSelector ? [formatLabelSelector(spec['selector'])] : [];
      return [name(obj), ...countCells(spec, rec(obj['status'])), created(obj, now), c.names, c.images, ...selector];
    },
  };
}

const deploymentPrinter = workloadPrinter(
  [
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', { type: 'integer' }),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', { type: 'integer' }),
  ],
  (spec, status) => [`${num(status['readyReplicas'])}/${num(spec['replicas'])}`, num(status['updatedReplicas']), num(status['availableReplicas'])],
);

const replicaSetPrinter = workloadPrinter(
  [
    col('Desired', 'Number of desired pods.', { type: 'integer' }),
    col('Current', 'Number of actual replicas.', { type: 'integer' }),
    col('Ready', 'Number of ready replicas.', { type: 'integer' }),
  ],
  (spec, status) => [num(spec['replicas']), num(status['replicas']), num(status['readyReplicas'])],
);

const statefulSetPrinter = workloadPrinter(
  [col('Ready', 'Number of the pod with ready state')],
  (spec, status) => [`${num(status['readyReplicas'])}/${num(spec['replicas'])}`],
  false,
);

const daemonSetPrinter = workloadPrinter(
  [
    col('Desired', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).', { type: 'integer' }),
    col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    col('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', { type: 'integer' }),
    col('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', { type: 'integer' }),
    col('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
  ],
  (spec, status) => [
    num(status['desiredNumberScheduled']),
    num(status['currentNumberScheduled']),
    num(status['numberReady']),
    num(status['updatedNumberScheduled']),
    num(status['numberAvailable']),
    formatLabels(rec(rec(spec['template'])['spec'])['nodeSelector']),
  ],
);

/** getServiceExternalIP (printers.go): '<pending>' for a LoadBalancer with no ingress yet. */
function serviceExternalIP(svc: KubeObject): string {
  const spec = rec(svc['spec']);
  const externalIPs = arr(spec['externalIPs']).map(str);
  switch (str(spec['type']) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc['status']);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

/** makePortString: 80/TCP, or 80:31380/TCP with a node port. */
function servicePorts(svc: KubeObject): string {
  const ports = arr(rec(svc['spec'])['ports']).map(rec);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const protocol = str(p['protocol']) || 'TCP';
      const nodePort = num(p['nodePort']);
      return nodePort > 0 ? `${num(p['port'])}:${nodePort}/${protocol}` : `${num(p['port'])}/${protocol}`;
    })
    .join(',');
}

const servicePrinter: Printer = {
  columns: [
    NAME,
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE,
    wide(col('Selector', 'Route service traffic to pods with label keys and values matching this selector.')),
  ],
  cells(svc, now) {
    const spec = rec(svc['spec']);
    return [
      name(svc),
      str(spec['type']) || 'ClusterIP',
      str(spec['clusterIP']) || '<none>',
      serviceExternalIP(svc),
      servicePorts(svc),
      created(svc, now),
      formatLabels(spec['selector']),
    ];
  },
};

const endpointsPrinter: Printer = {
  columns: [NAME, col('Endpoints', 'Endpoints of the service.'), AGE],
  cells(obj, now) {
    const list: string[] = [];
    for (const subset of arr(obj['subsets']).map(rec)) {
      const addresses = arr(subset['addresses']).map((a) => str(rec(a)['ip']));
      const ports = arr(subset['ports']).map(rec);
      if (ports.length === 0) list.push(...addresses);
      for (const port of ports) {
        for (const ip of addresses) list.push(ip.includes(':') ? `[${ip}]:${num(port['port'])}` : `${ip}:${num(port['port'])}`);
      }
    }
    return [name(obj), firstThree(list, '<none>'), created(obj, now)];
  },
};

const endpointSlicePrinter: Printer = {
  columns: [
    NAME,
    col('AddressType', 'The IP protocol for this slice'),
    col('Ports', 'The ports of the slice'),
    col('Endpoints', 'First endpoints in the slice'),
    AGE,
  ],
  cells(obj, now) {
    const ports = arr(obj['ports']).map((p) => (rec(p)['port'] === undefined ? '<unset>' : String(num(rec(p)['port']))));
    const addresses = arr(obj['endpoints']).flatMap((e) => arr(rec(e)['addresses']).map(str));
    return [name(obj), str(obj['addressType']), firstThree(ports, '<unset>'), firstThree(addresses, '<unset>'), created(obj, now)];
  },
};

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'Time when this Event was last seen'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'The reason for this event.'),
    col('Object', 'The object this Event is about.'),
    wide(col('Subobject', 'The field path of the involved object.')),
    wide(col('Source', 'The component reporting this event.')),
    col('Message', 'A human-readable description of the status of this operation.'),
    wide(col('First Seen', 'The time at which the event was first recorded.')),
    wide(col('Count', 'The number of times this event has occurred.', { type: 'integer' })),
    wide(col('Name', 'Name of the event.', { format: 'name' })),
  ],
  cells(ev, now) {
    const involved = rec(ev['involvedObject']);
    const series = ev['series'] === undefined || ev['series'] === null ? undefined : rec(ev['series']);
    const first = ev['firstTimestamp'] ? age(ev['firstTimestamp'], now) : age(ev['eventTime'], now);
    let last = ev['lastTimestamp'] ? age(ev['lastTimestamp'], now) : first;
    let count = num(ev['count']);
    if (series) {
      last = age(series['lastObservedTime'], now);
      count = num(series['count']);
    } else if (count === 0) {
      count = 1;
    }
    const kind = str(involved['kind']).toLowerCase();
    const target = str(involved['name']) ? `${kind}/${str(involved['name'])}` : kind;
    const source = rec(ev['source']);
    const component = str(source['component']) || str(ev['reportingComponent']);
    const host = str(source['host']) || str(ev['reportingInstance']);
    return [
      last,
      str(ev['type']),
      str(ev['reason']),
      target,
      str(involved['fieldPath']),
      host ? `${component}, ${host}` : component,
      str(ev['message']).trim(),
      first,
      count,
      name(ev),
    ];
  },
};

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

const nodePrinter: Printer = {
  columns: [
    NAME,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    AGE,
    col('Version', 'Kubelet Version reported by the node.'),
    wide(col('Internal-IP', 'List of addresses reachable to the node.')),
    wide(col('External-IP', 'List of addresses reachable to the node.')),
    wide(col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).')),
    wide(col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")),
    wide(col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).')),
  ],
  cells(node, now) {
    const status = rec(node['status']);
    const ready = arr(status['conditions']).map(rec).find((c) => str(c['type']) === 'Ready');
    const states = [ready ? (str(ready['status']) === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (rec(node['spec'])['unschedulable'] === true) states.push('SchedulingDisabled');
    const addresses = arr(status['addresses']).map(rec);
    const address = (type: string) => str(addresses.find((a) => str(a['type']) === type)?.['address']) || '<none>';
    const info = rec(status['nodeInfo']);
    return [
      name(node),
      states.join(','),
      nodeRoles(node),
      created(node, now),
      str(info['kubeletVersion']),
      address('InternalIP'),
      address('ExternalIP'),
      str(info['osImage']) || '<unknown>',
      str(info['kernelVersion']) || '<unknown>',
      str(info['containerRuntimeVersion']) || '<unknown>',
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [NAME, col('Status', 'The status of the namespace'), AGE],
  cells: (ns, now) => [name(ns), str(rec(ns['status'])['phase']), created(ns, now)],
};

const configMapPrinter: Printer = {
  columns: [NAME, col('Data', 'Data contains the configuration data.', { type: 'integer' }), AGE],
  cells: (cm, now) => [name(cm), Object.keys(rec(cm['data'])).length + Object.keys(rec(cm['binaryData'])).length, created(cm, now)],
};

const secretPrinter: Printer = {
  columns: [
    NAME,
    col('Type', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'Data contains the secret data.', { type: 'integer' }),
    AGE,
  ],
  cells: (s, now) => [name(s), str(s['type']), Object.keys(rec(s['data'])).length, created(s, now)],
};

const serviceAccountPrinter: Printer = {
  columns: [NAME, col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', { type: 'integer' }), AGE],
  cells: (sa, now) => [name(sa), arr(sa['secrets']).length, created(sa, now)],
};

const ingressPrinter: Printer = {
  columns: [
    NAME,
    col('Class', 'ingressClassName is the name of an IngressClass cluster resource.'),
    col('Hosts', 'Hosts that incoming requests are matched against.'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    AGE,
  ],
  cells(ing, now) {
    const spec = rec(ing['spec']);
    const hosts = arr(spec['rules']).map((r) => str(rec(r)['host']) || '*');
    return [
      name(ing),
      str(spec['ingressClassName']) || '<none>',
      firstThree(hosts, '*'),
      loadBalancerIngress(ing['status']),
      arr(spec['tls']).length > 0 ? '80, 443' : '80',
      created(ing, now),
    ];
  },
};

/**
 * CRDs are served by apiextensions-apiserver's default table convertor: Name and the creation
 * time as a date (rest.NewDefaultTableConvertor).
 */
const crdPrinter: Printer = {
  columns: [NAME, col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  cells: (crd) => [name(crd), crd.metadata.creationTimestamp ?? ''],
};

/**
 * printResourceQuota: every resource in status.hard, sorted by name as bytes, printed
 * `name: used/hard` — those named `limits.*` in LIMIT, all others in REQUEST, each joined by
 * ", ". A resource not yet in status.used shows 0 (a zero Quantity prints "0").
 */
const resourceQuotaPrinter: Printer = {
  columns: [
    NAME,
    AGE,
    col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  cells(quota, now) {
    const status = rec(quota['status']);
    const hard = rec(status['hard']);
    const used = rec(status['used']);
    const quantity = (v: unknown) => (typeof v === 'number' ? String(v) : str(v) || '0');
    const request: string[] = [];
    const limit: string[] = [];
    for (const resource of Object.keys(hard).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const pieces = resource.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(`${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`);
    }
    return [name(quota), created(quota, now), request.join(', '), limit.join(', ')];
  },
};

const defaultPrinter: Printer = {
  columns: [NAME, AGE],
  cells: (obj, now) => [name(obj), created(obj, now)],
};

const PRINTERS: Record<string, Printer> = {
  pods: podPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  events: eventPrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  resourcequotas: resourceQuotaPrinter,
  serviceaccounts: serviceAccountPrinter,
  'deployments.apps': deploymentPrinter,
  'replicasets.apps': replicaSetPrinter,
  'statefulsets.apps': statefulSetPrinter,
  'daemonsets.apps': daemonSetPrinter,
  'endpointslices.discovery.k8s.io': endpointSlicePrinter,
  'ingresses.networking.k8s.io': ingressPrinter,
  'customresourcedefinitions.apiextensions.k8s.io': crdPrinter,
};

function printerFor(type: ResourceType): Printer {
  return PRINTERS[type.group ? `${type.plural}.${type.group}` : type.plural] ?? defaultPrinter;
}

export function tableColumns(type: ResourceType): TableColumn[] {
  return printerFor(type).columns;
}

function rowObject(obj: KubeObject, include: IncludeObject, metaVersion: string): unknown {
  if (include === 'None') return null;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: metaVersion, metadata: obj.metadata };
}

export function toTable(type: ResourceType, objects: KubeObject[], options: TableOptions): Table {
  const printer = printerFor(type);
  const apiVersion = options.apiVersion ?? 'meta.k8s.io/v1';
  const include = options.includeObject ?? 'Metadata';
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: options.includeColumns === false ? [] : printer.columns,
    rows: objects.map((obj) => {
      const row: TableRow = { cells: printer.cells(obj, options.now), object: rowObject(obj, include, apiVersion) };
      const conditions = printer.conditions?.(obj);
      if (conditions) row.conditions = conditions;
      return row;
    }),
  };
}
