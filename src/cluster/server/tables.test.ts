import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';
import { formatLabelSelector, humanDuration, podSummary, tableColumns, toTable } from './tables.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

function type(plural: string, kind: string, group = '', extra: Partial<ResourceType> = {}): ResourceType {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced: true,
    subresources: [],
    verbs: ['get', 'list'],
    ...extra,
  };
}

function row(t: ResourceType, obj: KubeObject): Record<string, unknown> {
  const table = toTable(t, [obj], { now: NOW });
  const cells = table.rows[0]!.cells;
  return Object.fromEntries(table.columnDefinitions.map((c, i) => [c.name, cells[i]]));
}

describe('humanDuration (kubectl AGE)', () => {
  const cases: Array<[string, number, string]> = [
    ['just now', 0, '0s'],
    ['slightly in the future', -1500, '0s'],
    ['far in the future', -5000, '<invalid>'],
    ['seconds', 45_000, '45s'],
    ['under two minutes stays in seconds', 119_000, '119s'],
    ['minutes and seconds', 182_000, '3m2s'],
    ['whole minutes', 300_000, '5m'],
    ['minutes only past ten', 15 * 60_000 + 5_000, '15m'],
    ['hours and minutes', (5 * 60 + 3) * 60_000, '5h3m'],
    ['hours only past eight', 20 * 3600_000, '20h'],
    ['days and hours', (2 * 24 + 4) * 3600_000, '2d4h'],
    ['whole days', 2 * 24 * 3600_000, '2d'],
    ['days only past a week', 40 * 24 * 3600_000, '40d'],
    ['years and days', (3 * 365 + 20) * 24 * 3600_000, '3y20d'],
  ];
  it.each(cases)('%s', (_name, ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('pod STATUS / READY / RESTARTS', () => {
  const pod = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'p', creationTimestamp: ago(60), ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  });
  const waiting = (reason: string) => ({ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason } } });
  const cases: Array<[string, KubeObject, { ready: string; status: string; restarts: string }]> = [
    ['pending, unscheduled', pod({ phase: 'Pending' }), { ready: '0/1', status: 'Pending', restarts: '0' }],
    ['container creating', pod({ phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }), { ready: '0/1', status: 'ContainerCreating', restarts: '0' }],
    ['image pull back-off', pod({ phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] }), { ready: '0/1', status: 'ImagePullBackOff', restarts: '0' }],
    [
      'running and ready',
      pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: ago(30) } } }] }),
      { ready: '1/1', status: 'Running', restarts: '0' },
    ],
    [
      'crash loop with restarts',
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(20) } },
          },
        ],
      }),
      { ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (20s ago)' },
    ],
    [
      'completed',
      pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      { ready: '0/1', status: 'Completed', restarts: '0' },
    ],
    [
      'exit code without reason',
      pod({ phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }),
      { ready: '0/1', status: 'ExitCode:3', restarts: '0' },
    ],
    [
      'init container running',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }], containerStatuses: [waiting('PodInitializing')] },
        { initContainers: [{ name: 'init', image: 'busybox' }] },
      ),
      { ready: '0/1', status: 'Init:0/1', restarts: '0' },
    ],
    [
      'init container crashing',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
        { initContainers: [{ name: 'init', image: 'busybox' }] },
      ),
      { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '2' },
    ],
    [
      'terminating',
      pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] }, {}, { deletionTimestamp: ago(-30) }),
      { ready: '1/1', status: 'Terminating', restarts: '0' },
    ],
    ['evicted (status.reason wins)', pod({ phase: 'Failed', reason: 'Evicted' }), { ready: '0/1', status: 'Evicted', restarts: '0' }],
    [
      'scheduling gated',
      pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      { ready: '0/1', status: 'SchedulingGated', restarts: '0' },
    ],
  ];
  it.each(cases)('%s', (_name, obj, expected) => {
    expect(podSummary(obj, NOW)).toEqual(expected);
  });

  it('fills the wide columns and marks finished pods with a Completed row condition', () => {
    const t = type('pods', 'Pod');
    const obj = pod(
      { phase: 'Succeeded', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], conditions: [{ type: 'gate', status: 'True' }] },
      { nodeName: 'node-1', readinessGates: [{ conditionType: 'gate' }, { conditionType: 'other' }] },
    );
    expect(row(t, obj)).toEqual({
      Name: 'p',
      Ready: '0/1',
      Status: 'Succeeded',
      Restarts: '0',
      Age: '60s',
      IP: '10.244.0.5',
      Node: 'node-1',
      'Nominated Node': '<none>',
      'Readiness Gates': '1/2',
    });
    expect(toTable(t, [obj], { now: NOW }).rows[0]?.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(tableColumns(t).filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  });
});

describe('rows per kind', () => {
  const meta = { name: 'x', creationTimestamp: ago(182) };
  const cases: Array<[string, ResourceType, KubeObject, Record<string, unknown>]> = [
    [
      'deployment',
      type('deployments', 'Deployment', 'apps'),
      {
        metadata: meta,
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'envoy' }] } } },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      { Name: 'x', Ready: '2/3', 'Up-to-date': 3, Available: 2, Age: '3m2s', Containers: 'a,b', Images: 'nginx,envoy', Selector: 'app=web' },
    ],
    [
      'replicaset',
      type('replicasets', 'ReplicaSet', 'apps'),
      { metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template: { spec: { containers: [{ name: 'a', image: 'nginx' }] } } }, status: { replicas: 2, readyReplicas: 1 } },
      { Name: 'x', Desired: 2, Current: 2, Ready: 1, Age: '3m2s', Containers: 'a', Images: 'nginx', Selector: 'app=web,pod-template-hash=abc' },
    ],
    [
      'statefulset',
      type('statefulsets', 'StatefulSet', 'apps'),
      { metadata: meta, spec: { replicas: 3, template: { spec: { containers: [{ name: 'db', image: 'pg' }] } } }, status: { readyReplicas: 1 } },
      { Name: 'x', Ready: '1/3', Age: '3m2s', Containers: 'db', Images: 'pg' },
    ],
    [
      'daemonset',
      type('daemonsets', 'DaemonSet', 'apps'),
      {
        metadata: meta,
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent' }] } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
      },
      { Name: 'x', Desired: 3, Current: 3, Ready: 2, 'Up-to-date': 3, Available: 2, 'Node Selector': 'kubernetes.io/os=linux', Age: '3m2s', Containers: 'a', Images: 'agent', Selector: 'app=agent' },
    ],
    [
      'pending load balancer service',
      type('services', 'Service'),
      { metadata: meta, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 31380, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }, status: { loadBalancer: {} } },
      { Name: 'x', Type: 'LoadBalancer', 'Cluster-IP': '10.96.0.10', 'External-IP': '<pending>', 'Port(s)': '80:31380/TCP,53/UDP', Age: '3m2s', Selector: 'app=web' },
    ],
    [
      'load balancer with ingress',
      type('services', 'Service'),
      { metadata: meta, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 31380 }] }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } },
      { Name: 'x', Type: 'LoadBalancer', 'Cluster-IP': '10.96.0.10', 'External-IP': '203.0.113.10', 'Port(s)': '80:31380/TCP', Age: '3m2s', Selector: '<none>' },
    ],
    [
      'headless service without ports',
      type('services', 'Service'),
      { metadata: meta, spec: { clusterIP: 'None' } },
      { Name: 'x', Type: 'ClusterIP', 'Cluster-IP': 'None', 'External-IP': '<none>', 'Port(s)': '<none>', Age: '3m2s', Selector: '<none>' },
    ],
    [
      'endpoints, more than three',
      type('endpoints', 'Endpoints'),
      { metadata: meta, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 8080 }] }] },
      { Name: 'x', Endpoints: '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...', Age: '3m2s' },
    ],
    ['endpoints, empty', type('endpoints', 'Endpoints'), { metadata: meta }, { Name: 'x', Endpoints: '<none>', Age: '3m2s' }],
    [
      'endpointslice',
      type('endpointslices', 'EndpointSlice', 'discovery.k8s.io'),
      { metadata: meta, addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }] },
      { Name: 'x', AddressType: 'IPv4', Ports: '80', Endpoints: '10.0.0.1,10.0.0.2', Age: '3m2s' },
    ],
    [
      'event',
      type('events', 'Event'),
      { metadata: { name: 'web.1' }, involvedObject: { kind: 'Pod', name: 'web-1' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting ', firstTimestamp: ago(600), lastTimestamp: ago(5), count: 3, source: { component: 'kubelet', host: 'node-1' } },
      { 'Last Seen': '5s', Type: 'Warning', Reason: 'BackOff', Object: 'pod/web-1', Subobject: '', Source: 'kubelet, node-1', Message: 'Back-off restarting', 'First Seen': '10m', Count: 3, Name: 'web.1' },
    ],
    [
      'node',
      type('nodes', 'Node', '', { namespaced: false }),
      {
        metadata: { ...meta, labels: { 'node-role.kubernetes.io/control-plane': '' } },
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' }, addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
      },
      { Name: 'x', Status: 'Ready,SchedulingDisabled', Roles: 'control-plane', Age: '3m2s', Version: 'v1.32.0', 'Internal-IP': '172.18.0.2', 'External-IP': '<none>', 'OS-Image': '<unknown>', 'Kernel-Version': '<unknown>', 'Container-Runtime': '<unknown>' },
    ],
    ['namespace', type('namespaces', 'Namespace', '', { namespaced: false }), { metadata: meta, status: { phase: 'Active' } }, { Name: 'x', Status: 'Active', Age: '3m2s' }],
    ['configmap', type('configmaps', 'ConfigMap'), { metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, { Name: 'x', Data: 3, Age: '3m2s' }],
    ['secret', type('secrets', 'Secret'), { metadata: meta, type: 'Opaque', data: { a: 'MQ==' } }, { Name: 'x', Type: 'Opaque', Data: 1, Age: '3m2s' }],
    [
      'custom resource definition',
      type('customresourcedefinitions', 'CustomResourceDefinition', 'apiextensions.k8s.io', { namespaced: false }),
      { metadata: { name: 'widgets.example.com', creationTimestamp: '2026-01-01T11:00:00Z' } },
      { Name: 'widgets.example.com', 'Created At': '2026-01-01T11:00:00Z' },
    ],
    ['custom resource', type('widgets', 'Widget', 'example.com'), { metadata: meta, spec: {} }, { Name: 'x', Age: '3m2s' }],
    [
      'resource quota: requests and limits split, sorted by name, unused shown as 0',
      type('resourcequotas', 'ResourceQuota'),
      {
        metadata: meta,
        spec: { hard: { pods: '10', 'requests.cpu': '2', 'limits.cpu': '4', 'limits.memory': '1Gi', 'count/configmaps': '5' } },
        status: {
          hard: { pods: '10', 'requests.cpu': '2', 'limits.cpu': '4', 'limits.memory': '1Gi', 'count/configmaps': '5' },
          used: { pods: '3', 'requests.cpu': '500m', 'limits.cpu': '1', 'limits.memory': '256Mi' },
        },
      },
      { Name: 'x', Age: '3m2s', Request: 'count/configmaps: 0/5, pods: 3/10, requests.cpu: 500m/2', Limit: 'limits.cpu: 1/4, limits.memory: 256Mi/1Gi' },
    ],
    ['resource quota before the controller fills status', type('resourcequotas', 'ResourceQuota'), { metadata: meta, spec: { hard: { pods: '1' } } }, { Name: 'x', Age: '3m2s', Request: '', Limit: '' }],
  ];
  it.each(cases)('%s', (_name, t, obj, expected) => {
    expect(row(t, obj)).toEqual(expected);
  });
});

describe('workload columns', () => {
  // printers.go column order; priority 1 = shown with -o wide only.
  const columns = (plural: string, kind: string) => tableColumns(type(plural, kind, 'apps')).map((c) => `${c.name}${c.priority ? '*' : ''}`);
  it.each([
    ['deployments', 'Deployment', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['replicasets', 'ReplicaSet', ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['statefulsets', 'StatefulSet', ['Name', 'Ready', 'Age', 'Containers*', 'Images*']],
    ['daemonsets', 'DaemonSet', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']],
  ])('%s', (plural, kind, expected) => {
    expect(columns(plural, kind)).toEqual(expected);
  });
});

describe('toTable', () => {
  const t = type('configmaps', 'ConfigMap');
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '7', creationTimestamp: ago(5) }, data: {} };

  it('answers a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default', () => {
    const table = toTable(t, [cm], { now: NOW, resourceVersion: '9', continue: 'tok', remainingItemCount: 4 });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '9', continue: 'tok', remainingItemCount: 4 });
    expect(table.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    expect(table.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
  });

  it.each([
    ['Object', cm],
    ['None', null],
  ] as const)('includeObject=%s', (include, expected) => {
    expect(toTable(t, [cm], { now: NOW, includeObject: include }).rows[0]?.object).toEqual(expected);
  });

  it('can leave the column definitions out (watch events after the first)', () => {
    expect(toTable(t, [cm], { now: NOW, includeColumns: false }).columnDefinitions).toEqual([]);
  });
});

describe('formatLabelSelector', () => {
  it.each([
    ['missing', undefined, '<none>'],
    ['empty', {}, ''],
    ['match labels sorted', { matchLabels: { tier: 'front', app: 'web' } }, 'app=web,tier=front'],
    [
      'expressions',
      { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }, { key: 'app', operator: 'Exists' }] },
      'app,!canary,env in (dev,prod)',
    ],
  ])('%s', (_name, selector, expected) => {
    expect(formatLabelSelector(selector)).toBe(expected);
  });
});
