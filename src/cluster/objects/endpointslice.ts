/**
 * EndpointSlice (discovery.k8s.io/v1) and Endpoints (core/v1): SetDefaults_EndpointPort fills
 * name "" and protocol TCP; endpoint conditions are stored as given (a nil `ready` means ready).
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { immutable, invalid, notSupported, required } from './field-errors.js';
import { objectsAt, setDefault } from './json.js';
import { checkEnum } from './metadata.js';
import { isValidPortNum } from './names.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function defaultEndpointSlice(slice: KubeObject): void {
  for (const port of objectsAt(slice, 'ports')) {
    setDefault(port, 'name', '');
    setDefault(port, 'protocol', 'TCP');
  }
}

export function defaultEndpoints(endpoints: KubeObject): void {
  for (const subset of objectsAt(endpoints, 'subsets')) {
    for (const port of objectsAt(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
  }
}

export function validateEndpointSlice(slice: KubeObject, previous?: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const addressType = slice.addressType;
  if (addressType === undefined || addressType === null || addressType === '') causes.push(required('addressType'));
  else if (typeof addressType !== 'string' || !ADDRESS_TYPES.includes(addressType)) causes.push(notSupported('addressType', addressType, ADDRESS_TYPES));
  objectsAt(slice, 'endpoints').forEach((endpoint, i) => {
    const addresses = endpoint.addresses;
    if (!Array.isArray(addresses) || addresses.length === 0) {
      causes.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    }
  });
  objectsAt(slice, 'ports').forEach((port, i) => {
    const at = `ports[${i}]`;
    causes.push(...checkEnum(port.protocol, `${at}.protocol`, PROTOCOLS));
    if (port.port !== undefined && port.port !== null) {
      for (const msg of isValidPortNum(Number(port.port))) causes.push(invalid(`${at}.port`, port.port, msg));
    }
  });
  if (previous && previous.addressType !== undefined && previous.addressType !== addressType) {
    causes.push(immutable('addressType', addressType));
  }
  return causes;
}
