/**
 * Secret (core/v1). `stringData` is write-only convenience: the v1→internal conversion encodes
 * it into `data` (overriding same-named keys), so a stored Secret never shows it.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { immutable, required } from './field-errors.js';
import { ensureObject, isObject, objectAt, setDefault } from './json.js';
import { MAX_DATA_BYTES, tooLong, validateDataKeys, validateImmutableData } from './data-keys.js';

export function defaultSecret(secret: KubeObject): void {
  setDefault(secret, 'type', 'Opaque');
  const stringData = secret.stringData;
  if (isObject(stringData)) {
    const data = ensureObject(secret, 'data');
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

/** Keys each well-known type requires (ValidateSecret). */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(secret: KubeObject, previous?: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const size = validateDataKeys(secret, 'data', causes);
  if (size > MAX_DATA_BYTES) causes.push(tooLong('data'));
  const type = typeof secret.type === 'string' ? secret.type : 'Opaque';
  const data = objectAt(secret, 'data') ?? {};
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) causes.push(required(`data[${key}]`));
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = secret.metadata.annotations;
    const account = isObject(annotations) ? annotations['kubernetes.io/service-account.name'] : undefined;
    if (typeof account !== 'string' || account === '') {
      causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
    }
  }
  if (previous && (previous.type ?? 'Opaque') !== type) causes.push(immutable('type', type));
  causes.push(...validateImmutableData(secret, previous, ['data']));
  return causes;
}
