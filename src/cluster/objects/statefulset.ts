/** StatefulSet (apps/v1): SetDefaults_StatefulSet and ValidateStatefulSet{,Update}. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { forbidden, required } from './field-errors.js';
import { deepEqual, ensureObject, isObject, objectAt, setDefault } from './json.js';
import { checkEnum } from './metadata.js';
import { defaultPodTemplate, nonNegative, validateSelectorAndTemplate, validateSelectorUnchanged } from './workload.js';

export function defaultStatefulSet(statefulSet: KubeObject): void {
  const spec = ensureObject(statefulSet, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(ensureObject(strategy, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  // StatefulSetAutoDeletePVC (beta, on by default since 1.27).
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  defaultPodTemplate(spec);
}

/** The spec fields ValidateStatefulSetUpdate lets an update change. */
const MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const SPEC_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

export function validateStatefulSet(statefulSet: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = statefulSet.spec;
  if (!isObject(spec)) return [required('spec')];
  const causes: StatusCause[] = [
    ...nonNegative(spec, 'replicas', 'spec.replicas'),
    ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'),
    ...nonNegative(spec, 'revisionHistoryLimit', 'spec.revisionHistoryLimit'),
    ...checkEnum(spec.podManagementPolicy, 'spec.podManagementPolicy', ['OrderedReady', 'Parallel']),
    ...validateSelectorAndTemplate(spec, 'statefulset'),
  ];
  const strategy = objectAt(spec, 'updateStrategy');
  if (strategy) {
    causes.push(...checkEnum(strategy.type, 'spec.updateStrategy.type', ['OnDelete', 'RollingUpdate']));
    const rollingUpdate = objectAt(strategy, 'rollingUpdate');
    if (rollingUpdate) causes.push(...nonNegative(rollingUpdate, 'partition', 'spec.updateStrategy.rollingUpdate.partition'));
  }
  causes.push(...validateSelectorUnchanged(statefulSet, previous));
  const oldSpec = objectAt(previous, 'spec');
  if (oldSpec) {
    // The selector has its own, more precise, error above; everything else frozen is reported here.
    const frozen = (s: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !MUTABLE_SPEC_FIELDS.includes(k) && k !== 'selector'));
    if (!deepEqual(frozen(spec), frozen(oldSpec))) causes.push(forbidden('spec', SPEC_UPDATE_FORBIDDEN));
  }
  return causes;
}
