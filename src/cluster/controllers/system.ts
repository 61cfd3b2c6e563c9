/**
 * What a fresh kubeadm/kind cluster already holds, created when the embedded cluster starts:
 * namespaces default, kube-system, kube-public, kube-node-lease; the `kubernetes` Service
 * (10.96.0.1:443 → 6443, no selector) with the Endpoints and EndpointSlice the API server keeps
 * for itself (172.18.0.2:6443); CoreDNS (Deployment `coredns`, Service `kube-dns` at 10.96.0.10,
 * ConfigMap `coredns`) and kube-proxy (DaemonSet, ConfigMap) in kube-system; and the `default`
 * ServiceAccount of every namespace. The last is the serviceaccount controller's job on a real
 * cluster; this controller does it for namespaces created later too.
 *
 * Idempotent: objects that already exist are left as they are.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { StoreChange } from '../store/types.js';
import { KeyedQueue, type Controller, type ControllerContext } from './runtime.js';
import { errorMessage, isAlreadyExists } from './pod-template.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';
export const KUBE_PROXY_IMAGE = 'registry.k8s.io/kube-proxy:v1.32.0';

export interface SystemBootstrapOptions {
  /** The API server's address as the `kubernetes` Endpoints publish it; default 172.18.0.2. */
  apiServerAddress?: string;
  /** Default 6443. */
  apiServerPort?: number;
  /** CoreDNS replicas; default 2. */
  corednsReplicas?: number;
}

const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

const KUBE_PROXY_CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clusterCIDR: 10.244.0.0/16
iptables:
  masqueradeAll: false
  syncPeriod: 30s
mode: iptables
`;

const KUBE_PROXY_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://kubernetes.default.svc:443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
`;

/** The objects a fresh cluster holds, in creation order (namespaces first). */
export function systemObjects(options: SystemBootstrapOptions = {}): Array<{ resource: string; object: KubeObject }> {
  const apiAddress = options.apiServerAddress ?? '172.18.0.2';
  const apiPort = options.apiServerPort ?? 6443;
  const out: Array<{ resource: string; object: KubeObject }> = [];
  const add = (resource: string, object: KubeObject) => out.push({ resource, object });
  const kubeDnsLabels = { 'k8s-app': 'kube-dns' };

  for (const name of SYSTEM_NAMESPACES) {
    add('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  for (const name of SYSTEM_NAMESPACES) add('serviceaccounts', serviceAccount(name, 'default'));

  // The API server's own Service, with the endpoints its reconciler writes (no selector).
  add('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }],
      sessionAffinity: 'None',
    },
  });
  add('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiAddress }], ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }] }],
  });
  add('endpointslices.discovery.k8s.io', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }],
  });

  // CoreDNS, as kubeadm deploys it.
  add('serviceaccounts', serviceAccount('kube-system', 'coredns'));
  add('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: { Corefile: COREFILE },
  });
  add('deployments.apps', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...kubeDnsLabels } },
    spec: {
      replicas: options.corednsReplicas ?? 2,
      selector: { matchLabels: { ...kubeDnsLabels } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...kubeDnsLabels } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          dnsPolicy: 'Default',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'coredns',
              image: COREDNS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
                successThreshold: 1,
                failureThreshold: 5,
              },
              readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                readOnlyRootFilesystem: true,
              },
              volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
            },
          ],
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  });
  add('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { ...kubeDnsLabels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      selector: { ...kubeDnsLabels },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  });

  // kube-proxy on every node.
  add('serviceaccounts', serviceAccount('kube-system', 'kube-proxy'));
  add('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
    data: { 'config.conf': KUBE_PROXY_CONFIG, 'kubeconfig.conf': KUBE_PROXY_KUBECONFIG },
  });
  add('daemonsets.apps', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: KUBE_PROXY_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
              securityContext: { privileged: true },
              volumeMounts: [
                { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
                { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
            { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
          ],
        },
      },
    },
  });
  return out;
}

function serviceAccount(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

export function createSystemBootstrap(options: SystemBootstrapOptions = {}): Controller {
  let unsubscribe: (() => void) | undefined;
  let queue: KeyedQueue | undefined;
  let ctx: ControllerContext | undefined;

  function ensure(resource: string, object: KubeObject): void {
    if (!ctx) return;
    const { store } = ctx;
    if (store.tryGet(resource, object.metadata.namespace, object.metadata.name ?? '')) return;
    try {
      store.create(resource, object.metadata.namespace, object);
    } catch (error) {
      if (!isAlreadyExists(error)) ctx.log(`system: cannot create ${resource} ${object.metadata.namespace ?? ''}/${object.metadata.name}: ${errorMessage(error)}`);
    }
  }

  function onChange(change: StoreChange): void {
    if (change.resource.group !== '' || change.resource.plural !== 'namespaces') return;
    if (change.type === 'DELETED' || change.object.metadata.deletionTimestamp) return;
    queue?.add(change.object.metadata.name ?? '');
  }

  return {
    name: 'system-bootstrap',
    start(context) {
      ctx = context;
      for (const { resource, object } of systemObjects(options)) ensure(resource, object);
      // serviceaccount controller: every namespace gets its `default` ServiceAccount.
      queue = new KeyedQueue(context.clock, (namespace) => {
        const ns = context.store.tryGet('namespaces', undefined, namespace);
        if (!ns || ns.metadata.deletionTimestamp) return;
        ensure('serviceaccounts', serviceAccount(namespace, 'default'));
      });
      unsubscribe = context.store.subscribe(onChange);
      for (const ns of context.store.list('namespaces').items) queue.add(ns.metadata.name ?? '');
    },
    stop() {
      unsubscribe?.();
      queue?.stop();
      ctx = undefined;
    },
  };
}
