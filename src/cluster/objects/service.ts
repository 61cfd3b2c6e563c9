/**
 * Service rules: SetDefaults_Service (pkg/apis/core/v1/defaults.go) plus the IP-family fields
 * the registry fills at create, and the checks of ValidateService most users trip over.
 * ClusterIP and NodePort allocation is not here: the store's admission hook does it, as the
 * registry's allocators do in a real server.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { duplicate, forbidden, immutable, invalid, notSupported, required } from './field-errors.js';
import { ensureObject, isObject, objectAt, objectsAt, setDefault, stringAt } from './json.js';
import { checkEnum, validateLabels } from './metadata.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from './names.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
/** The default --service-node-port-range. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export function defaultService(service: KubeObject): void {
  const spec = ensureObject(service, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ensureObject(ensureObject(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  for (const port of objectsAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
  }
  const type = spec.type;
  if (type !== 'ExternalName') {
    // The registry picks the families at create (single-stack IPv4 cluster here).
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  const status = ensureObject(service, 'status');
  setDefault(status, 'loadBalancer', {});
}

function isHeadless(spec: Record<string, unknown>): boolean {
  return spec.clusterIP === 'None';
}

export function validateService(service: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = service.spec;
  if (!isObject(spec)) return [required('spec')];
  const causes: StatusCause[] = [];
  const type = spec.type;
  if (type !== undefined && type !== null && !(typeof type === 'string' && SERVICE_TYPES.includes(type))) {
    causes.push(notSupported('spec.type', type, SERVICE_TYPES));
  }

  if (type === 'ExternalName') {
    const externalName = stringAt(spec, 'externalName') ?? '';
    if (externalName === '') causes.push(required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(externalName.replace(/\.$/, ''))) causes.push(invalid('spec.externalName', externalName, msg));
  }

  const ports = objectsAt(spec, 'ports');
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') causes.push(required('spec.ports'));
  const portNames = new Set<string>();
  const previousNodePorts = new Set(objectsAt(objectAt(previous, 'spec'), 'ports').map((p) => p.nodePort));
  ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`;
    const name = stringAt(port, 'name') ?? '';
    if (ports.length > 1 && name === '') causes.push(required(`${at}.name`));
    if (name !== '') {
      for (const msg of isDNS1123Label(name)) causes.push(invalid(`${at}.name`, name, msg));
      if (portNames.has(name)) causes.push(duplicate(`${at}.name`, name));
      portNames.add(name);
    }
    const number = port.port;
    if (number === undefined || number === null) causes.push(required(`${at}.port`));
    else for (const msg of isValidPortNum(Number(number))) causes.push(invalid(`${at}.port`, number, msg));
    if (port.protocol === undefined || port.protocol === null) causes.push(required(`${at}.protocol`));
    else causes.push(...checkEnum(port.protocol, `${at}.protocol`, PROTOCOLS));
    const target = port.targetPort;
    if (typeof target === 'number') {
      for (const msg of isValidPortNum(target)) causes.push(invalid(`${at}.targetPort`, target, msg));
    } else if (typeof target === 'string') {
      for (const msg of isValidPortName(target)) causes.push(invalid(`${at}.targetPort`, target, msg));
    }
    const nodePort = port.nodePort;
    if (nodePort !== undefined && nodePort !== null && nodePort !== 0) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        // A real server drops node ports left over from a former NodePort type
        // (dropTypeDependentFields); the store cannot, so they are tolerated on update.
        if (previousNodePorts.has(nodePort)) return;
        causes.push(forbidden(`${at}.nodePort`, `may not be used when \`type\` is '${String(type ?? 'ClusterIP')}'`));
      } else if (typeof nodePort !== 'number' || nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max) {
        // Worded as the node port allocator rejects it (pkg/registry/core/service/portallocator).
        causes.push(
          invalid(
            `${at}.nodePort`,
            nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
      }
    }
  });

  causes.push(...validateLabels(spec.selector, 'spec.selector'));
  causes.push(...checkEnum(spec.sessionAffinity, 'spec.sessionAffinity', SESSION_AFFINITIES));
  causes.push(...checkEnum(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', TRAFFIC_POLICIES));
  causes.push(...checkEnum(spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', IP_FAMILY_POLICIES));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== null) {
    const leftOver = objectAt(previous, 'spec')?.externalTrafficPolicy === spec.externalTrafficPolicy;
    if (type !== 'NodePort' && type !== 'LoadBalancer') {
      if (!leftOver) causes.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    } else {
      causes.push(...checkEnum(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', TRAFFIC_POLICIES));
    }
  }

  if (previous) {
    // ValidateServiceUpdate: the cluster IP stays once allocated, unless the type moves to ExternalName.
    const oldIP = stringAt(objectAt(previous, 'spec'), 'clusterIP');
    const newIP = stringAt(spec, 'clusterIP');
    if (oldIP && newIP !== undefined && newIP !== '' && newIP !== oldIP && type !== 'ExternalName') {
      causes.push(immutable('spec.clusterIPs[0]', newIP));
    }
  }
  return causes;
}
