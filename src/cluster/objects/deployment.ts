/** Deployment (apps/v1): SetDefaults_Deployment and ValidateDeployment{,Update}. */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { forbidden, invalid, required } from './field-errors.js';
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

export function defaultDeployment(deployment: KubeObject): void {
  const spec = ensureObject(deployment, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', '25%');
    setDefault(rollingUpdate, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec);
}

export function validateDeployment(deployment: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = deployment.spec;
  if (!isObject(spec)) return [required('spec')];
  const causes: StatusCause[] = [
    ...nonNegative(spec, 'replicas', 'spec.replicas'),
    ...validateSelectorAndTemplate(spec, 'deployment'),
    ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'),
    ...nonNegative(spec, 'revisionHistoryLimit', 'spec.revisionHistoryLimit'),
    ...nonNegative(spec, 'progressDeadlineSeconds', 'spec.progressDeadlineSeconds'),
  ];
  const deadline = spec.progressDeadlineSeconds;
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (typeof deadline === 'number' && deadline >= 0 && deadline <= minReady) {
    causes.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }

  const strategy = objectAt(spec, 'strategy');
  if (strategy) {
    causes.push(...checkEnum(strategy.type, 'spec.strategy.type', ['Recreate', 'RollingUpdate']));
    const rollingUpdate = objectAt(strategy, 'rollingUpdate');
    if (strategy.type === 'Recreate' && rollingUpdate) {
      causes.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    }
    if (strategy.type === 'RollingUpdate' && rollingUpdate) {
      const path = 'spec.strategy.rollingUpdate';
      causes.push(...validateIntOrPercent(rollingUpdate.maxUnavailable, `${path}.maxUnavailable`));
      causes.push(...validateIntOrPercent(rollingUpdate.maxSurge, `${path}.maxSurge`));
      if (isZero(rollingUpdate.maxUnavailable) && isZero(rollingUpdate.maxSurge)) {
        causes.push(invalid(`${path}.maxUnavailable`, rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
    }
  }
  causes.push(...validateSelectorUnchanged(deployment, previous));
  return causes;
}
