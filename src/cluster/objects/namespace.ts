/** Namespace (core/v1): SetDefaults_Namespace + the registry's create-time status. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { ensureObject, setDefault } from './json.js';

/** Immutable label the server stamps on every Namespace (since 1.21), so selectors can name one. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(namespace: KubeObject): void {
  const name = namespace.metadata.name;
  if (typeof name === 'string' && name !== '') {
    const labels = ensureObject(namespace.metadata, 'labels');
    labels[NAMESPACE_NAME_LABEL] = name;
  }
  setDefault(ensureObject(namespace, 'status'), 'phase', 'Active');
}

/** Names are DNS-1123 labels (checked with the metadata); nothing kind-specific beyond that. */
export function validateNamespace(_namespace: KubeObject): StatusCause[] {
  return [];
}
