/** ReplicaSet (apps/v1): SetDefaults_ReplicaSet and ValidateReplicaSet{,Update}. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { required } from './field-errors.js';
import { ensureObject, isObject, setDefault } from './json.js';
import { defaultPodTemplate, nonNegative, validateSelectorAndTemplate, validateSelectorUnchanged } from './workload.js';

export function defaultReplicaSet(replicaSet: KubeObject): void {
  const spec = ensureObject(replicaSet, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec);
}

export function validateReplicaSet(replicaSet: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = replicaSet.spec;
  if (!isObject(spec)) return [required('spec')];
  return [
    ...nonNegative(spec, 'replicas', 'spec.replicas'),
    ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'),
    // Upstream's ReplicaSet validation reuses the Deployment wording here.
    ...validateSelectorAndTemplate(spec, 'deployment'),
    ...validateSelectorUnchanged(replicaSet, previous),
  ];
}
