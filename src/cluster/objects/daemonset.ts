/** DaemonSet (apps/v1): SetDefaults_DaemonSet and ValidateDaemonSet{,Update}. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { invalid, required } from './field-errors.js';
import { ensureObject, isObject, objectAt, setDefault } from './json.js';
import { checkEnum } from './metadata.js';
import {
  defaultPodTemplate,
  isZero,
  nonNegative,
  validateIntOrPercent,
  validateSelectorAndTemplate,
  validateSelectorUnchanged,
} from './workload.js';

export function defaultDaemonSet(daemonSet: KubeObject): void {
  const spec = ensureObject(daemonSet, 'spec');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', 1);
    setDefault(rollingUpdate, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec);
}

export function validateDaemonSet(daemonSet: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = daemonSet.spec;
  if (!isObject(spec)) return [required('spec')];
  const causes: StatusCause[] = [
    ...validateSelectorAndTemplate(spec, 'daemonset'),
    ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'),
    ...nonNegative(spec, 'revisionHistoryLimit', 'spec.revisionHistoryLimit'),
  ];
  const strategy = objectAt(spec, 'updateStrategy');
  if (strategy) {
    causes.push(...checkEnum(strategy.type, 'spec.updateStrategy.type', ['OnDelete', 'RollingUpdate']));
    const rollingUpdate = objectAt(strategy, 'rollingUpdate');
    if (strategy.type === 'RollingUpdate' && rollingUpdate) {
      const path = 'spec.updateStrategy.rollingUpdate';
      causes.push(...validateIntOrPercent(rollingUpdate.maxUnavailable, `${path}.maxUnavailable`));
      causes.push(...validateIntOrPercent(rollingUpdate.maxSurge, `${path}.maxSurge`));
      if (isZero(rollingUpdate.maxUnavailable) && isZero(rollingUpdate.maxSurge)) {
        causes.push(invalid(`${path}.maxUnavailable`, rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
    }
  }
  causes.push(...validateSelectorUnchanged(daemonSet, previous));
  return causes;
}
