/**
 * Per-kind object rules the store runs on every write: defaulting (what a real API server fills
 * in before storing) and validation (the field errors of a 422 Invalid). Both are pure and keyed
 * by group + kind; kinds without rules (CRDs included) get the ObjectMeta checks only, as
 * custom resources do without a schema.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';
import { defaultDaemonSet, validateDaemonSet } from './daemonset.js';
import { defaultDeployment, validateDeployment } from './deployment.js';
import { validateConfigMap } from './configmap.js';
import { defaultEndpoints, defaultEndpointSlice, validateEndpointSlice } from './endpointslice.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validateObjectMeta, type NameValidator } from './metadata.js';
import { isDNS1035Label, maskTrailingDash } from './names.js';
import { defaultNamespace, validateNamespace } from './namespace.js';
import { defaultPod, validatePod } from './pod.js';
import { defaultReplicaSet, validateReplicaSet } from './replicaset.js';
import { defaultSecret, validateSecret } from './secret.js';
import { defaultService, validateService } from './service.js';
import { defaultStatefulSet, validateStatefulSet } from './statefulset.js';

export type { NameValidator } from './metadata.js';
export { selectorMatches } from './metadata.js';
export { defaultPullPolicy, qosClass } from './pod.js';
export { NODE_PORT_RANGE } from './service.js';
export { NAMESPACE_NAME_LABEL } from './namespace.js';

interface KindRules {
  defaults?: (object: KubeObject) => void;
  validate?: (object: KubeObject, previous?: KubeObject) => StatusCause[];
  /** How metadata.name is checked; DNS-1123 subdomain when absent. */
  name?: NameValidator;
}

/** ValidateServiceName: Service names become DNS labels, which must start with a letter. */
const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

const RULES: Record<string, KindRules> = {
  '/Pod': { defaults: defaultPod, validate: validatePod },
  '/Service': { defaults: defaultService, validate: validateService, name: nameIsDNS1035Label },
  '/Namespace': { defaults: defaultNamespace, validate: validateNamespace, name: nameIsDNSLabel },
  '/Secret': { defaults: defaultSecret, validate: validateSecret },
  '/ConfigMap': { validate: validateConfigMap },
  '/Endpoints': { defaults: defaultEndpoints },
  'apps/Deployment': { defaults: defaultDeployment, validate: validateDeployment },
  'apps/ReplicaSet': { defaults: defaultReplicaSet, validate: validateReplicaSet },
  'apps/StatefulSet': { defaults: defaultStatefulSet, validate: validateStatefulSet },
  'apps/DaemonSet': { defaults: defaultDaemonSet, validate: validateDaemonSet },
  'discovery.k8s.io/EndpointSlice': { defaults: defaultEndpointSlice, validate: validateEndpointSlice },
};

function rulesFor(resource: ResourceType): KindRules {
  return RULES[`${resource.group}/${resource.kind}`] ?? {};
}

/** Fills the API server's defaults into `object`, in place. Idempotent. */
export function defaultObject(resource: ResourceType, object: KubeObject): void {
  rulesFor(resource).defaults?.(object);
}

/**
 * The field errors a real server would answer with (422 Invalid), [] when the object is valid.
 * `previous` is the stored object on update: immutable fields are checked against it.
 */
export function validateObject(resource: ResourceType, object: KubeObject, previous?: KubeObject): StatusCause[] {
  const rules = rulesFor(resource);
  const causes = validateObjectMeta(resource, object, rules.name ?? nameIsDNSSubdomain, previous);
  if (rules.validate) causes.push(...rules.validate(object, previous));
  return causes;
}
