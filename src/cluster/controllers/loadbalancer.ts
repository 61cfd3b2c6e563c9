/**
 * A load-balancer controller for the embedded cluster, standing in for the cloud provider's
 * service-controller (k8s.io/cloud-provider controllers/service): Services of type LoadBalancer
 * whose spec.loadBalancerClass is unset or 'kubespy.dev/embedded' get, after a short simulated
 * provisioning delay (2 s), `status.loadBalancer.ingress: [{ip: 203.0.113.N, ipMode: VIP}]`
 * (TEST-NET-3). Any other class is never served — the Service stays `<pending>`, as on a cluster
 * without that controller (design.md §6).
 *
 * Mirrored behaviour: the `service.kubernetes.io/load-balancer-cleanup` finalizer is added before
 * provisioning and removed after cleanup, so deleting the Service releases its address first;
 * events EnsuringLoadBalancer / EnsuredLoadBalancer and DeletingLoadBalancer / DeletedLoadBalancer
 * (source service-controller); a Service changed away from LoadBalancer gets its status cleared.
 * A requested spec.loadBalancerIP inside the pool is honoured when free.
 */
import type { TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import type { StoreChange } from '../store/types.js';
import { QueueLoop, objectKey, splitKey, type Controller } from './runtime.js';
import { arr, isNotFound, isTerminating, obj, str } from './pod-template.js';
import { ipToNumber, numberToIp, parseCidr } from './service-allocator.js';

export const EMBEDDED_LB_CLASS = 'kubespy.dev/embedded';
export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
const SOURCE = { component: 'service-controller' };

export interface LoadBalancerControllerOptions {
  /** Default 203.0.113.0/24. */
  pool?: string;
  /** Simulated provisioning time; default 2000 ms. */
  provisionMs?: number;
}

/** Whether this controller serves the Service (type LoadBalancer, our class or none). */
export function servesService(service: KubeObject): boolean {
  if (str(service, 'spec', 'type') !== 'LoadBalancer') return false;
  const cls = str(service, 'spec', 'loadBalancerClass');
  return cls === undefined || cls === '' || cls === EMBEDDED_LB_CLASS;
}

function ingressIps(service: KubeObject): string[] {
  return arr(service, 'status', 'loadBalancer', 'ingress')
    .map((i) => str(i, 'ip'))
    .filter((ip): ip is string => ip !== undefined);
}

export function createLoadBalancerController(options: LoadBalancerControllerOptions = {}): Controller {
  const pool = parseCidr(options.pool ?? '203.0.113.0/24');
  const provisionMs = options.provisionMs ?? 2000;
  const loop = new QueueLoop();
  /** Service key → the address it holds. */
  const allocated = new Map<string, string>();
  const pending = new Map<string, TimerHandle>();
  const due = new Set<string>();

  function onChange(change: StoreChange): void {
    if (change.resource.group !== '' || change.resource.plural !== 'services') return;
    loop.queue?.add(objectKey(change.object));
  }

  function inPool(ip: string): boolean {
    const n = ipToNumber(ip);
    return n !== undefined && n > pool.base && n < pool.base + pool.size - 1;
  }

  function allocate(key: string, requested: string | undefined): string | undefined {
    const taken = new Set(allocated.values());
    if (requested && inPool(requested) && !taken.has(requested)) return requested;
    for (let n = pool.base + 1; n < pool.base + pool.size - 1; n++) {
      const ip = numberToIp(n);
      if (!taken.has(ip)) return ip;
    }
    loop.ctx?.log(`loadbalancer ${key}: pool ${pool.text} exhausted`);
    return undefined;
  }

  function release(key: string): void {
    allocated.delete(key);
    pending.get(key)?.cancel();
    pending.delete(key);
    due.delete(key);
  }

  function setFinalizer(service: KubeObject, present: boolean): void {
    const has = (service.metadata.finalizers ?? []).includes(LB_CLEANUP_FINALIZER);
    if (has === present) return;
    try {
      loop.ctx?.store.mutate('services', service.metadata.namespace, service.metadata.name ?? '', (copy) => {
        const rest = (copy.metadata.finalizers ?? []).filter((f) => f !== LB_CLEANUP_FINALIZER);
        const finalizers = present ? [...rest, LB_CLEANUP_FINALIZER] : rest;
        if (finalizers.length) copy.metadata.finalizers = finalizers;
        else delete copy.metadata.finalizers;
        return copy;
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  function writeIngress(service: KubeObject, ingress: Array<Record<string, string>>): void {
    loop.ctx?.store.mutate(
      'services',
      service.metadata.namespace,
      service.metadata.name ?? '',
      (copy) => {
        copy.status = { ...(obj(copy, 'status') ?? {}), loadBalancer: ingress.length ? { ingress } : {} };
        return copy;
      },
      { subresource: 'status' },
    );
  }

  /** Tears the balancer down: events, cleared status (unless going away), address released. */
  function cleanup(key: string, service: KubeObject, deleting: boolean): void {
    if (!loop.ctx) return;
    const held = allocated.has(key) || ingressIps(service).length > 0;
    if (held) loop.ctx.events.record(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer', SOURCE);
    if (!deleting && ingressIps(service).length > 0) writeIngress(service, []);
    release(key);
    if (held) loop.ctx.events.record(service, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer', SOURCE);
    setFinalizer(service, false);
  }

  function reconcile(key: string): void {
    if (!loop.ctx) return;
    const { store, events } = loop.ctx;
    const { namespace, name } = splitKey(key);
    const service = store.tryGet('services', namespace, name);
    if (!service) {
      release(key);
      return;
    }
    if (isTerminating(service)) {
      if ((service.metadata.finalizers ?? []).includes(LB_CLEANUP_FINALIZER)) cleanup(key, service, true);
      else release(key);
      return;
    }
    if (!servesService(service)) {
      if (allocated.has(key) || pending.has(key) || (service.metadata.finalizers ?? []).includes(LB_CLEANUP_FINALIZER)) cleanup(key, service, false);
      return;
    }
    const held = allocated.get(key);
    if (held && ingressIps(service).includes(held)) return;
    if (due.has(key)) {
      due.delete(key);
      pending.delete(key);
      const ip = held ?? allocate(key, str(service, 'spec', 'loadBalancerIP'));
      if (!ip) return;
      allocated.set(key, ip);
      writeIngress(service, [{ ip, ipMode: 'VIP' }]);
      events.record(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', SOURCE);
      return;
    }
    if (pending.has(key)) return;
    setFinalizer(service, true);
    events.record(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', SOURCE);
    const handle = loop.ctx.clock.setTimeout(() => {
      due.add(key);
      loop.queue?.add(key);
    }, loop.ctx.duration(provisionMs));
    pending.set(key, handle);
  }

  return loop.controller({
    name: 'service-controller',
    logLabel: 'loadbalancer',
    reconcile,
    onChange,
    resync(context, queue) {
      // Addresses handed out before a restart stay with their Services.
      for (const svc of context.store.list('services').items) {
        const ip = ingressIps(svc).find((i) => inPool(i));
        if (ip && servesService(svc)) allocated.set(objectKey(svc), ip);
        queue.add(objectKey(svc));
      }
    },
    reset() {
      for (const t of pending.values()) t.cancel();
      pending.clear();
      due.clear();
      allocated.clear();
    },
  });
}
