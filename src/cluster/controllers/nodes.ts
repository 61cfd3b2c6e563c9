/**
 * The embedded cluster's Nodes: `node-1` … `node-N`, registered at start the way a kubelet
 * registers its Node (labels, capacity, addresses, nodeInfo) and reporting Ready once. There is
 * no heartbeat: nothing here ever goes NotReady, so lastHeartbeatTime stays at registration.
 *
 * Layout (shared with the kubelet and scheduler): node-n has InternalIP 172.18.0.<n+1> and
 * podCIDR 10.244.<n>.0/24. node-1 carries the node-role.kubernetes.io/control-plane label (the API
 * server's address, 172.18.0.2, is node-1's, as on a kind cluster) but no control-plane taint,
 * like a single-node kind cluster: every node runs workloads.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow, microTime } from '../time.js';
import type { Controller, ControllerContext } from './runtime.js';

export interface NodesOptions {
  /** Number of Nodes; default 3. */
  count?: number;
  /** Per-node capacity; defaults: cpu "4", memory "8388608Ki" (8 Gi), pods "110". */
  cpu?: string;
  memory?: string;
  pods?: string;
}

export const KUBELET_VERSION = 'v1.32.0';
const ZONES = ['zone-a', 'zone-b', 'zone-c'];

export function nodeName(index: number): string {
  return `node-${index}`;
}

/** The Node object node-`index` (1-based) registers with, status included. */
export function buildNode(index: number, options: NodesOptions, now: string): KubeObject {
  const name = nodeName(index);
  const zone = ZONES[(index - 1) % ZONES.length] ?? 'zone-a';
  const resources = {
    cpu: options.cpu ?? '4',
    'ephemeral-storage': '102626232Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: options.memory ?? '8388608Ki',
    pods: options.pods ?? '110',
  };
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/zone': zone,
  };
  if (index === 1) labels['node-role.kubernetes.io/control-plane'] = '';
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    message,
    reason,
    status,
    type,
  });
  const id = (index * 0x1f3d5b79).toString(16).padStart(8, '0');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      providerID: `kubespy://embedded/${name}`,
    },
    status: {
      addresses: [
        { address: `172.18.0.${index + 1}`, type: 'InternalIP' },
        { address: name, type: 'Hostname' },
      ],
      allocatable: { ...resources },
      capacity: { ...resources },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [],
      nodeInfo: {
        architecture: 'amd64',
        bootID: `${id}-0000-4000-8000-00000000000${index % 10}`,
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.8.0-1019-gcp',
        kubeProxyVersion: KUBELET_VERSION,
        kubeletVersion: KUBELET_VERSION,
        machineID: `${id}${'0'.repeat(24)}`,
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: `${id}-0000-4000-8000-${String(index).padStart(12, '0')}`,
      },
    },
  };
}

/**
 * The kubelet's node lease (kube-node-lease/<node>, owned by the Node): `kubectl describe node`
 * reads it and prints "Failed to get lease" without it. Renewed never, like lastHeartbeatTime.
 */
function ensureLease(ctx: ControllerContext, node: KubeObject): void {
  const name = node.metadata.name!;
  if (ctx.store.tryGet('leases.coordination.k8s.io', LEASE_NAMESPACE, name)) return;
  // Lease times are MicroTime: RFC 3339 with six fraction digits.
  const renewTime = microTime(ctx.clock.now());
  ctx.store.create('leases.coordination.k8s.io', LEASE_NAMESPACE, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
  });
}

const LEASE_NAMESPACE = 'kube-node-lease';

/** Registers the Nodes (and their leases) at start; Nodes that already exist are left alone. */
export function createNodesController(options: NodesOptions = {}): Controller {
  const count = options.count ?? 3;
  return {
    name: 'nodes',
    start(ctx: ControllerContext) {
      const now = metaTimeNow(ctx.clock);
      for (let index = 1; index <= count; index++) {
        const node = buildNode(index, options, now);
        const name = nodeName(index);
        if (ctx.store.tryGet('nodes', undefined, name)) continue;
        try {
          ctx.store.create('nodes', undefined, node);
          // Status in a create body may be dropped (status subresource): the kubelet then
          // reports it through nodes/status, as a real kubelet does after registering.
          const registered = ctx.store.mutate('nodes', undefined, name, (current) => ({ ...current, status: node.status }), { subresource: 'status' });
          if (registered) ensureLease(ctx, registered);
        } catch (error) {
          ctx.log(`nodes: registering ${name} failed: ${String(error)}`);
        }
      }
    },
    stop() {},
  };
}
