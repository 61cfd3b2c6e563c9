/**
 * Pod rules: the defaults kube-apiserver fills (pkg/apis/core/v1/defaults.go SetDefaults_Pod,
 * SetDefaults_PodSpec, SetDefaults_Container, plus the ServiceAccount, Priority and
 * DefaultTolerationSeconds admission plugins for bare Pods) and the common checks of
 * pkg/apis/core/validation (ValidatePodSpec, validateContainers, validateContainerPorts).
 *
 * Pod templates inside workloads get only the PodSpec defaults — admission plugins act on Pods,
 * which is why a Deployment's template never shows serviceAccountName unless the user wrote it.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { duplicate, forbidden, invalid, notFound, required } from './field-errors.js';
import { ensureObject, deepEqual, isObject, objectAt, objectsAt, setDefault, stringAt, type JsonObject } from './json.js';
import { checkEnum } from './metadata.js';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './names.js';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
/** Volume sources whose defaultMode the server fills with 0644. */
const MODE_VOLUME_SOURCES = ['secret', 'configMap', 'downwardAPI', 'projected'];

/**
 * parsers.ParseImageName gives tag "latest" when the reference has neither tag nor digest; the
 * default pull policy is Always exactly for that tag.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) {
    const beforeDigest = image.slice(0, image.indexOf('@'));
    return tagOf(beforeDigest) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  return (tagOf(image) ?? 'latest') === 'latest' ? 'Always' : 'IfNotPresent';
}

function tagOf(reference: string): string | undefined {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(colon + 1) : undefined;
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  const httpGet = objectAt(probe, 'httpGet');
  if (httpGet) {
    setDefault(httpGet, 'path', '/');
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(container: JsonObject, hostNetwork: boolean): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(stringAt(container, 'image') ?? ''));
  setDefault(container, 'resources', {});
  for (const port of objectsAt(container, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    // defaultHostNetworkPorts: with the host's network the container port is the host port.
    if (hostNetwork) setDefault(port, 'hostPort', port.containerPort);
  }
  for (const env of objectsAt(container, 'env')) {
    const fieldRef = objectAt(objectAt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(container[probe]);
}

/** SetDefaults_PodSpec and the per-container defaults; used for Pods and pod templates. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const list of CONTAINER_LISTS) for (const c of objectsAt(spec, list)) defaultContainer(c, hostNetwork);
  for (const volume of objectsAt(spec, 'volumes')) {
    for (const source of MODE_VOLUME_SOURCES) {
      const src = objectAt(volume, source);
      if (src) setDefault(src, 'defaultMode', 420);
    }
  }
}

/** Both NoExecute tolerations the DefaultTolerationSeconds admission plugin adds (300 s). */
const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
}));

export function defaultPod(pod: KubeObject): void {
  const spec = ensureObject(pod, 'spec');
  defaultPodSpec(spec);
  // SetDefaults_Pod: requests default to limits, per resource, when not given.
  for (const list of CONTAINER_LISTS) {
    for (const c of objectsAt(spec, list)) {
      const resources = objectAt(c, 'resources');
      const limits = objectAt(resources, 'limits');
      if (!resources || !limits) continue;
      const requests = ensureObject(resources, 'requests');
      for (const [name, quantity] of Object.entries(limits)) setDefault(requests, name, quantity);
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  // ServiceAccount admission; it also fills the deprecated alias `serviceAccount`.
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  // Priority admission (no PriorityClass named → the global default of 0).
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const toleration of DEFAULT_TOLERATIONS) {
    const covered = tolerations.some(
      (t: unknown) => isObject(t) && (t.key === toleration.key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === 'NoExecute'),
    );
    if (!covered) tolerations.push({ ...toleration });
  }
  spec.tolerations = tolerations;

  const status = ensureObject(pod, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', qosClass(spec));
}

/** pkg/apis/core/helper/qos: computed once at creation and never changed. */
export function qosClass(spec: JsonObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers = [...objectsAt(spec, 'containers'), ...objectsAt(spec, 'initContainers')];
  let anyResource = false;
  let guaranteed = true;
  for (const c of containers) {
    const resources = objectAt(c, 'resources');
    const requests = objectAt(resources, 'requests') ?? {};
    const limits = objectAt(resources, 'limits') ?? {};
    if (Object.keys(requests).length + Object.keys(limits).length > 0) anyResource = true;
    for (const name of ['cpu', 'memory']) {
      if (limits[name] === undefined || (requests[name] !== undefined && String(requests[name]) !== String(limits[name]))) {
        guaranteed = false;
      }
    }
  }
  if (!anyResource) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** ValidatePodSpec, the common mistakes. `path` is where the spec sits ('spec', 'spec.template.spec'). */
export function validatePodSpec(spec: unknown, path: string): StatusCause[] {
  if (!isObject(spec)) return [required(path)];
  const causes: StatusCause[] = [];

  const volumeNames = new Set<string>();
  objectsAt(spec, 'volumes').forEach((volume, i) => {
    const at = `${path}.volumes[${i}]`;
    const name = stringAt(volume, 'name') ?? '';
    if (name === '') causes.push(required(`${at}.name`));
    else for (const msg of isDNS1123Label(name)) causes.push(invalid(`${at}.name`, name, msg));
    if (volumeNames.has(name)) causes.push(duplicate(`${at}.name`, name));
    volumeNames.add(name);
  });

  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) causes.push(required(`${path}.containers`));
  // Init and app containers share one namespace of names (validateInitContainers/validateContainers).
  const containerNames = new Set<string>();
  const portNames = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    objectsAt(spec, list).forEach((c, i) => {
      causes.push(...validateContainer(c, `${path}.${list}[${i}]`, containerNames, portNames, volumeNames));
    });
  }

  causes.push(...checkEnum(spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES));
  causes.push(...checkEnum(spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES));
  const grace = spec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0) {
    causes.push(invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  }
  return causes;
}

function validateContainer(
  c: JsonObject,
  at: string,
  names: Set<string>,
  portNames: Set<string>,
  volumes: Set<string>,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = stringAt(c, 'name') ?? '';
  if (name === '') causes.push(required(`${at}.name`));
  else for (const msg of isDNS1123Label(name)) causes.push(invalid(`${at}.name`, name, msg));
  if (name !== '' && names.has(name)) causes.push(duplicate(`${at}.name`, name));
  names.add(name);

  const image = stringAt(c, 'image') ?? '';
  if (image === '') causes.push(required(`${at}.image`));
  else if (image.trim() !== image) causes.push(invalid(`${at}.image`, image, 'must not have leading or trailing whitespace'));
  causes.push(...checkEnum(c.imagePullPolicy, `${at}.imagePullPolicy`, PULL_POLICIES));

  objectsAt(c, 'ports').forEach((port, i) => {
    const p = `${at}.ports[${i}]`;
    const portName = stringAt(port, 'name');
    if (portName !== undefined && portName !== '') {
      for (const msg of isValidPortName(portName)) causes.push(invalid(`${p}.name`, portName, msg));
      if (portNames.has(portName)) causes.push(duplicate(`${p}.name`, portName));
      portNames.add(portName);
    }
    const containerPort = port.containerPort;
    if (containerPort === undefined || containerPort === null || containerPort === 0) causes.push(required(`${p}.containerPort`));
    else for (const msg of isValidPortNum(Number(containerPort))) causes.push(invalid(`${p}.containerPort`, containerPort, msg));
    const hostPort = port.hostPort;
    if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
      for (const msg of isValidPortNum(Number(hostPort))) causes.push(invalid(`${p}.hostPort`, hostPort, msg));
    }
    if (port.protocol === undefined || port.protocol === null) causes.push(required(`${p}.protocol`));
    else causes.push(...checkEnum(port.protocol, `${p}.protocol`, PROTOCOLS));
  });

  objectsAt(c, 'env').forEach((env, i) => {
    if ((stringAt(env, 'name') ?? '') === '') causes.push(required(`${at}.env[${i}].name`));
  });

  objectsAt(c, 'volumeMounts').forEach((mount, i) => {
    const m = `${at}.volumeMounts[${i}]`;
    const volume = stringAt(mount, 'name') ?? '';
    if (volume === '') causes.push(required(`${m}.name`));
    else if (!volumes.has(volume)) causes.push(notFound(`${m}.name`, volume));
    if ((stringAt(mount, 'mountPath') ?? '') === '') causes.push(required(`${m}.mountPath`));
  });
  return causes;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export function validatePod(pod: KubeObject, previous?: KubeObject): StatusCause[] {
  const causes = validatePodSpec(pod.spec, 'spec');
  if (previous && isObject(pod.spec) && isObject(previous.spec)) {
    if (!deepEqual(mutablePartsCleared(pod.spec, previous.spec), mutablePartsCleared(previous.spec, previous.spec))) {
      causes.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
    }
  }
  return causes;
}

/**
 * ValidatePodUpdate compares the specs with the mutable fields blanked. Binding a Pod (nodeName
 * set once, by the scheduler through pods/binding) is not an update of the spec, so a first
 * nodeName is allowed here too.
 */
function mutablePartsCleared(spec: JsonObject, old: JsonObject): JsonObject {
  const copy = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) for (const c of objectsAt(copy, list)) delete c.image;
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  delete copy.schedulingGates;
  delete copy.ephemeralContainers;
  if (old.nodeName === undefined || old.nodeName === '') delete copy.nodeName;
  return copy;
}
