/**
 * ClusterIP and NodePort allocation for Services, as an admission hook: a real API server allocates
 * both synchronously inside the create/update request (pkg/registry/core/service/storage), so a
 * client sees `spec.clusterIP` in the create response and conflicts come back as 422 Invalid.
 *
 * What is in use is read from the store on every Service write (every stored Service except the one
 * being written). That is the registry's view after commit, so an address is free again as soon as
 * its Service is DELETED from the store, and a write refused later by validation leaks nothing.
 *
 * Mirrored behaviour (kubernetes-facts.md §2):
 * - ClusterIPs from the service CIDR (default 10.96.0.0/12). Requested IPs are honoured when free
 *   and in range; dynamic ones avoid the low "static" band (first 256 addresses) the way the
 *   allocator does, so well-known IPs (10.96.0.1, 10.96.0.10) stay available to whoever asks.
 *   `None` = headless; ExternalName Services get none.
 * - NodePorts (30000–32767) for NodePort and LoadBalancer ports (unless
 *   allocateLoadBalancerNodePorts is false); healthCheckNodePort for LoadBalancer Services with
 *   externalTrafficPolicy Local.
 * - On update, an omitted clusterIP/nodePort keeps the allocated one (as kubectl apply relies on);
 *   changing an allocated clusterIP is refused; switching to ClusterIP/ExternalName drops node ports.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { invalid } from '../store/errors.js';
import type { AdmissionHook, Store } from '../store/types.js';
import { arr, fnv32a, isObject, obj, str, type JsonObject } from './pod-template.js';

export interface ServiceAllocatorOptions {
  /** Default 10.96.0.0/12 (kubeadm's --service-cluster-ip-range). */
  serviceCIDR?: string;
  /** Inclusive; default [30000, 32767]. */
  nodePortRange?: [number, number];
}

/** The store the hook reads, or a getter for it (the hook is built before the store that runs it). */
export type AllocatorStoreSource = Pick<Store, 'list'> | (() => Pick<Store, 'list'> | undefined);

interface Cidr {
  base: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new Error(`invalid CIDR ${text}`);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  const ip = ipToNumber(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`) ?? 0;
  return { base: ip - (ip % size), size, text };
}

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function invalidCause(field: string, message: string): StatusCause {
  return { reason: 'FieldValueInvalid', message, field };
}

interface InUse {
  ips: Set<string>;
  ports: Set<number>;
}

function allocatedPorts(service: KubeObject): number[] {
  const out: number[] = [];
  for (const p of arr(service, 'spec', 'ports')) {
    const n = obj(p)?.nodePort;
    if (typeof n === 'number') out.push(n);
  }
  const hc = obj(service, 'spec')?.healthCheckNodePort;
  if (typeof hc === 'number') out.push(hc);
  return out;
}

export function createServiceAllocator(store: AllocatorStoreSource, options: ServiceAllocatorOptions = {}): AdmissionHook {
  const cidr = parseCidr(options.serviceCIDR ?? '10.96.0.0/12');
  const [portMin, portMax] = options.nodePortRange ?? [30000, 32767];
  const portCount = portMax - portMin + 1;
  // The allocators' static bands (KEP-3070, KEP-3668): dynamic allocation prefers the range above.
  const ipStaticBand = Math.min(Math.max(16, Math.floor(cidr.size / 16)), 256);
  const portStaticBand = Math.min(Math.max(16, Math.floor(portCount / 32)), 128);
  const getStore = typeof store === 'function' ? store : () => store;

  function inUseExcept(namespace: string | undefined, name: string | undefined): InUse {
    const used: InUse = { ips: new Set(), ports: new Set() };
    const current = getStore();
    if (!current) return used;
    for (const svc of current.list('services').items) {
      if (svc.metadata.namespace === namespace && svc.metadata.name === name) continue;
      for (const ip of arr(svc, 'spec', 'clusterIPs')) if (typeof ip === 'string' && ip !== 'None') used.ips.add(ip);
      const ip = str(svc, 'spec', 'clusterIP');
      if (ip && ip !== 'None') used.ips.add(ip);
      for (const p of allocatedPorts(svc)) used.ports.add(p);
    }
    return used;
  }

  function allocateIp(seed: string, used: InUse): string | undefined {
    const first = cidr.base + 1;
    const last = cidr.base + cidr.size - 2; // network and broadcast addresses are never handed out
    const dynamicFirst = Math.min(cidr.base + ipStaticBand, last);
    const span = last - dynamicFirst + 1;
    const start = fnv32a(new TextEncoder().encode(seed)) % span;
    for (let i = 0; i < span; i++) {
      const ip = numberToIp(dynamicFirst + ((start + i) % span));
      if (!used.ips.has(ip)) return ip;
    }
    for (let n = first; n < dynamicFirst; n++) if (!used.ips.has(numberToIp(n))) return numberToIp(n);
    return undefined;
  }

  function allocatePort(seed: string, used: InUse): number | undefined {
    const dynamicFirst = portMin + portStaticBand;
    const span = portMax - dynamicFirst + 1;
    const start = fnv32a(new TextEncoder().encode(seed)) % span;
    for (let i = 0; i < span; i++) {
      const port = dynamicFirst + ((start + i) % span);
      if (!used.ports.has(port)) return port;
    }
    for (let p = portMin; p < dynamicFirst; p++) if (!used.ports.has(p)) return p;
    return undefined;
  }

  function inCidr(ip: string): boolean {
    const n = ipToNumber(ip);
    return n !== undefined && n > cidr.base && n < cidr.base + cidr.size - 1;
  }

  return (operation, resource, object, previous) => {
    if (resource.group !== '' || resource.plural !== 'services') return;
    if (operation !== 'CREATE' && operation !== 'UPDATE') return;
    if (!isObject(object.spec)) object.spec = {};
    const spec = object.spec as JsonObject;
    const prevSpec = operation === 'UPDATE' ? obj(previous, 'spec') : undefined;
    const name = object.metadata.name ?? '';
    const key = `${object.metadata.namespace ?? ''}/${name}`;
    const used = inUseExcept(object.metadata.namespace, object.metadata.name);
    const causes: StatusCause[] = [];
    const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';

    // --- cluster IPs ---
    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else {
      const prevIp = prevSpec && prevSpec.type !== 'ExternalName' ? str(prevSpec, 'clusterIP') : undefined;
      const requestedList = arr(spec, 'clusterIPs').filter((v): v is string => typeof v === 'string' && v !== '');
      let requested = (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? spec.clusterIP : undefined) ?? requestedList[0];
      if (prevIp && requested === undefined) requested = prevIp;
      if (prevIp && requested !== prevIp) {
        causes.push(invalidCause('spec.clusterIPs[0]', `Invalid value: []string{"${requested}"}: may not change once set`));
      } else if (requested === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (requested !== undefined) {
        if (requested !== prevIp && !inCidr(requested)) {
          causes.push(
            invalidCause(
              'spec.clusterIPs',
              `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${cidr.text}`,
            ),
          );
        } else if (requested !== prevIp && used.ips.has(requested)) {
          causes.push(
            invalidCause(
              'spec.clusterIPs',
              `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated`,
            ),
          );
        } else {
          spec.clusterIP = requested;
          spec.clusterIPs = [requested];
        }
      } else {
        const ip = allocateIp(key, used);
        if (ip === undefined) {
          causes.push(invalidCause('spec.clusterIPs', `Internal error: failed to allocate a serviceIP: range is full`));
        } else {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      if (!Array.isArray(spec.ipFamilies)) spec.ipFamilies = ['IPv4'];
      if (typeof spec.ipFamilyPolicy !== 'string') spec.ipFamilyPolicy = 'SingleStack';
    }

    // --- node ports ---
    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const keepsNodePorts = type === 'NodePort' || type === 'LoadBalancer';
    const prevPorts = prevSpec && (prevSpec.type === 'NodePort' || prevSpec.type === 'LoadBalancer') ? arr(prevSpec, 'ports') : [];
    const mine = new Map<number, string>(); // port -> protocol already taken by this Service
    arr(spec, 'ports').forEach((p, i) => {
      if (!isObject(p)) return;
      if (!keepsNodePorts) {
        delete p.nodePort;
        return;
      }
      let requested = typeof p.nodePort === 'number' && p.nodePort !== 0 ? p.nodePort : undefined;
      if (requested === undefined) {
        // patchAllocatedValues: an update that omits a nodePort keeps the one allocated before.
        const old = prevPorts.find((q) => isObject(q) && q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        const oldPort = obj(old)?.nodePort;
        if (typeof oldPort === 'number') requested = oldPort;
      }
      const path = `spec.ports[${i}].nodePort`;
      if (requested !== undefined) {
        if (requested < portMin || requested > portMax) {
          causes.push(
            invalidCause(path, `Invalid value: ${requested}: provided port is not in the valid range. The range of valid ports is ${portMin}-${portMax}`),
          );
        } else if (used.ports.has(requested) || mine.get(requested) === String(p.protocol ?? 'TCP')) {
          causes.push(invalidCause(path, `Invalid value: ${requested}: provided port is already allocated`));
        } else {
          p.nodePort = requested;
          mine.set(requested, String(p.protocol ?? 'TCP'));
        }
        return;
      }
      if (!wantsNodePorts) return;
      const port = allocatePort(`${key}/${i}`, { ips: used.ips, ports: new Set([...used.ports, ...mine.keys()]) });
      if (port === undefined) {
        causes.push(invalidCause(path, `Internal error: failed to allocate a nodePort: range is full`));
      } else {
        p.nodePort = port;
        mine.set(port, String(p.protocol ?? 'TCP'));
      }
    });

    // --- health check node port (LoadBalancer + externalTrafficPolicy Local) ---
    if (type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
      let requested = typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0 ? spec.healthCheckNodePort : undefined;
      const prevHc = prevSpec?.healthCheckNodePort;
      if (requested === undefined && typeof prevHc === 'number') requested = prevHc;
      const taken = new Set([...used.ports, ...mine.keys()]);
      if (requested !== undefined) {
        if (requested < portMin || requested > portMax) {
          causes.push(
            invalidCause(
              'spec.healthCheckNodePort',
              `Invalid value: ${requested}: provided port is not in the valid range. The range of valid ports is ${portMin}-${portMax}`,
            ),
          );
        } else if (taken.has(requested)) {
          causes.push(invalidCause('spec.healthCheckNodePort', `Invalid value: ${requested}: provided port is already allocated`));
        } else spec.healthCheckNodePort = requested;
      } else {
        const port = allocatePort(`${key}/healthcheck`, { ips: used.ips, ports: taken });
        if (port !== undefined) spec.healthCheckNodePort = port;
      }
    } else {
      delete spec.healthCheckNodePort;
    }

    if (causes.length) throw invalid('Service', name, causes);
  };
}
