/**
 * Service port resolution as the endpoint controllers do it (k8s.io/endpointslice utils.go
 * findPort, kubernetes-facts.md §2): a numeric targetPort is used as is, whether or not a
 * container declares it; a named targetPort resolves per Pod to the container port with the same
 * name AND protocol, searching `spec.containers` then sidecar init containers
 * (`restartPolicy: Always`). A Pod lacking the name gets no endpoint port for that Service port.
 */
import { get, num, perObject, recs, str } from './read.js';

export interface ContainerPort {
  container: string;
  name?: string;
  port: number;
  protocol: string;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol: string;
  /** As written, defaulted to `port` like the API server does. */
  targetPort: number | string;
  nodePort?: number;
}

/** The ports a Pod's containers declare, in the order findPort searches them; read once per Pod object, frozen. */
export const declaredPorts: (pod: unknown) => readonly ContainerPort[] = perObject((pod) => Object.freeze(readDeclaredPorts(pod)));

function readDeclaredPorts(pod: unknown): ContainerPort[] {
  const sidecars = recs(get(pod, 'spec', 'initContainers')).filter((c) => c['restartPolicy'] === 'Always');
  const out: ContainerPort[] = [];
  for (const container of [...recs(get(pod, 'spec', 'containers')), ...sidecars]) {
    const containerName = str(container['name']) ?? '?';
    for (const p of recs(container['ports'])) {
      const port = num(p['containerPort']);
      if (port === undefined) continue;
      const name = str(p['name']);
      out.push({ container: containerName, port, protocol: str(p['protocol']) ?? 'TCP', ...(name ? { name } : {}) });
    }
  }
  return out;
}

/** A Service's ports with the API server's defaults applied (protocol TCP, targetPort = port); read once per Service object, frozen. */
export const servicePorts: (service: unknown) => readonly ServicePort[] = perObject((service) => Object.freeze(readServicePorts(service)));

function readServicePorts(service: unknown): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of recs(get(service, 'spec', 'ports'))) {
    const port = num(p['port']);
    if (port === undefined) continue;
    const raw = p['targetPort'];
    let targetPort: number | string = port;
    if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) targetPort = raw;
    // IntOrString arrives as a string only for names; digits in a string are read as the number.
    else if (typeof raw === 'string' && raw !== '') targetPort = /^\d+$/.test(raw) ? Number(raw) : raw;
    const name = str(p['name']);
    const nodePort = num(p['nodePort']);
    out.push({
      port,
      protocol: str(p['protocol']) ?? 'TCP',
      targetPort,
      ...(name ? { name } : {}),
      ...(nodePort !== undefined ? { nodePort } : {}),
    });
  }
  return out;
}

/** The container port number this Service port sends traffic to on `pod`, or undefined. */
export function resolveTargetPort(servicePort: ServicePort, pod: unknown): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  const match = declaredPorts(pod).find(
    (p) => p.name === servicePort.targetPort && p.protocol === servicePort.protocol,
  );
  return match?.port;
}

/** "http 80/TCP" (or "80/TCP" for an unnamed port). */
export function describeServicePort(p: ServicePort): string {
  return `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`;
}

/** "web 8080/TCP" or `web "metrics" 9090/TCP`, as the ports message lists declarations. */
export function describeContainerPort(p: ContainerPort): string {
  return `${p.container}${p.name ? ` "${p.name}"` : ''} ${p.port}/${p.protocol}`;
}
