/**
 * core/v1 messages (k8s.io/api core/v1/generated.proto): the kinds kubectl's typed commands
 * create (Namespace, ConfigMap, Secret, ServiceAccount, ResourceQuota, Service, Pod) and the
 * PodSpec that Deployments and Jobs embed. PodSpec covers the common fields; the rarer ones
 * (affinity, volume plugins other than the everyday ones, DNS config …) are refused by the decoder
 * when set rather than dropped.
 */
import { EMPTY, message, BYTES_MAP, QUANTITY_MAP, STRING_MAP } from '../schema.js';
import { labelSelector, objectMeta } from './meta.js';

export { labelSelector, objectMeta };

// LocalObjectReference is embedded (json ",inline") in the key selectors and volume sources.
const localObjectReference = message('LocalObjectReference', { 1: ['name', 'string'] });
const inlineName = ['', localObjectReference, 'inline'] as const;

const keyToPath = message('KeyToPath', {
  1: ['key', 'string'],
  2: ['path', 'string'],
  3: ['mode', 'int', 'ptr'],
  4: ['user', 'int', 'ptr'],
});

const volumeSource = message('VolumeSource', {
  1: ['hostPath', message('HostPathVolumeSource', { 1: ['path', 'string'], 2: ['type', 'string', 'ptr'] })],
  2: ['emptyDir', message('EmptyDirVolumeSource', { 1: ['medium', 'string'], 2: ['sizeLimit', 'quantity', 'ptr'] })],
  6: [
    'secret',
    message('SecretVolumeSource', {
      1: ['secretName', 'string'],
      2: ['items', keyToPath, 'list'],
      3: ['defaultMode', 'int', 'ptr'],
      4: ['optional', 'bool', 'ptr'],
    }),
  ],
  10: ['persistentVolumeClaim', message('PersistentVolumeClaimVolumeSource', { 1: ['claimName', 'string'], 2: ['readOnly', 'bool'] })],
  19: [
    'configMap',
    message('ConfigMapVolumeSource', {
      1: inlineName,
      2: ['items', keyToPath, 'list'],
      3: ['defaultMode', 'int', 'ptr'],
      4: ['optional', 'bool', 'ptr'],
    }),
  ],
});

const volume = message('Volume', { 1: ['name', 'string'], 2: ['', volumeSource, 'inline'] });

const volumeMount = message('VolumeMount', {
  1: ['name', 'string'],
  2: ['readOnly', 'bool'],
  3: ['mountPath', 'string'],
  4: ['subPath', 'string'],
  5: ['mountPropagation', 'string', 'ptr'],
  6: ['subPathExpr', 'string'],
  7: ['recursiveReadOnly', 'string', 'ptr'],
});

const containerPort = message('ContainerPort', {
  1: ['name', 'string'],
  2: ['hostPort', 'int'],
  3: ['containerPort', 'int'],
  4: ['protocol', 'string'],
  5: ['hostIP', 'string'],
});

const keySelector = (name: string) => message(name, { 1: inlineName, 2: ['key', 'string'], 3: ['optional', 'bool', 'ptr'] });

const envVarSource = message('EnvVarSource', {
  1: ['fieldRef', message('ObjectFieldSelector', { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string'] })],
  2: [
    'resourceFieldRef',
    message('ResourceFieldSelector', { 1: ['containerName', 'string'], 2: ['resource', 'string'], 3: ['divisor', 'quantity'] }),
  ],
  3: ['configMapKeyRef', keySelector('ConfigMapKeySelector')],
  4: ['secretKeyRef', keySelector('SecretKeySelector')],
});

const envVar = message('EnvVar', { 1: ['name', 'string'], 2: ['value', 'string'], 3: ['valueFrom', envVarSource] });

const envSource = (name: string) => message(name, { 1: inlineName, 2: ['optional', 'bool', 'ptr'] });

const envFromSource = message('EnvFromSource', {
  1: ['prefix', 'string'],
  2: ['configMapRef', envSource('ConfigMapEnvSource')],
  3: ['secretRef', envSource('SecretEnvSource')],
});

const resourceRequirements = message('ResourceRequirements', {
  1: ['limits', QUANTITY_MAP],
  2: ['requests', QUANTITY_MAP],
  3: ['claims', message('ResourceClaim', { 1: ['name', 'string'], 2: ['request', 'string'] }), 'list'],
});

const execAction = message('ExecAction', { 1: ['command', 'string', 'list'] });
const httpGetAction = message('HTTPGetAction', {
  1: ['path', 'string'],
  2: ['port', 'intOrString'],
  3: ['host', 'string'],
  4: ['scheme', 'string'],
  5: ['httpHeaders', message('HTTPHeader', { 1: ['name', 'string'], 2: ['value', 'string'] }), 'list'],
});
const tcpSocketAction = message('TCPSocketAction', { 1: ['port', 'intOrString'], 2: ['host', 'string'] });

const probeHandler = message('ProbeHandler', {
  1: ['exec', execAction],
  2: ['httpGet', httpGetAction],
  3: ['tcpSocket', tcpSocketAction],
  4: ['grpc', message('GRPCAction', { 1: ['port', 'int'], 2: ['service', 'string', 'ptr'] })],
});

const probe = message('Probe', {
  1: ['', probeHandler, 'inline'],
  2: ['initialDelaySeconds', 'int'],
  3: ['timeoutSeconds', 'int'],
  4: ['periodSeconds', 'int'],
  5: ['successThreshold', 'int'],
  6: ['failureThreshold', 'int'],
  7: ['terminationGracePeriodSeconds', 'int', 'ptr'],
});

const lifecycleHandler = message('LifecycleHandler', {
  1: ['exec', execAction],
  2: ['httpGet', httpGetAction],
  3: ['tcpSocket', tcpSocketAction],
  4: ['sleep', message('SleepAction', { 1: ['seconds', 'int'] })],
});

const lifecycle = message('Lifecycle', { 1: ['postStart', lifecycleHandler], 2: ['preStop', lifecycleHandler] });

const seccompProfile = message('SeccompProfile', { 1: ['type', 'string'], 2: ['localhostProfile', 'string', 'ptr'] });

const securityContext = message('SecurityContext', {
  1: ['capabilities', message('Capabilities', { 1: ['add', 'string', 'list'], 2: ['drop', 'string', 'list'] })],
  2: ['privileged', 'bool', 'ptr'],
  4: ['runAsUser', 'int', 'ptr'],
  5: ['runAsNonRoot', 'bool', 'ptr'],
  6: ['readOnlyRootFilesystem', 'bool', 'ptr'],
  7: ['allowPrivilegeEscalation', 'bool', 'ptr'],
  8: ['runAsGroup', 'int', 'ptr'],
  9: ['procMount', 'string', 'ptr'],
  11: ['seccompProfile', seccompProfile],
});

const container = message('Container', {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'string', 'list'],
  4: ['args', 'string', 'list'],
  5: ['workingDir', 'string'],
  6: ['ports', containerPort, 'list'],
  7: ['env', envVar, 'list'],
  8: ['resources', resourceRequirements],
  9: ['volumeMounts', volumeMount, 'list'],
  10: ['livenessProbe', probe],
  11: ['readinessProbe', probe],
  12: ['lifecycle', lifecycle],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  15: ['securityContext', securityContext],
  16: ['stdin', 'bool'],
  17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'],
  19: ['envFrom', envFromSource, 'list'],
  20: ['terminationMessagePolicy', 'string'],
  22: ['startupProbe', probe],
  24: ['restartPolicy', 'string', 'ptr'],
});

const podSecurityContext = message('PodSecurityContext', {
  2: ['runAsUser', 'int', 'ptr'],
  3: ['runAsNonRoot', 'bool', 'ptr'],
  4: ['supplementalGroups', 'int', 'list'],
  5: ['fsGroup', 'int', 'ptr'],
  6: ['runAsGroup', 'int', 'ptr'],
  10: ['seccompProfile', seccompProfile],
});

const toleration = message('Toleration', {
  1: ['key', 'string'],
  2: ['operator', 'string'],
  3: ['value', 'string'],
  4: ['effect', 'string'],
  5: ['tolerationSeconds', 'int', 'ptr'],
});

const podSpec = message('PodSpec', {
  1: ['volumes', volume, 'list'],
  2: ['containers', container, 'list'],
  3: ['restartPolicy', 'string'],
  4: ['terminationGracePeriodSeconds', 'int', 'ptr'],
  5: ['activeDeadlineSeconds', 'int', 'ptr'],
  6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', STRING_MAP],
  8: ['serviceAccountName', 'string'],
  9: ['serviceAccount', 'string'],
  10: ['nodeName', 'string'],
  11: ['hostNetwork', 'bool'],
  12: ['hostPID', 'bool'],
  13: ['hostIPC', 'bool'],
  14: ['securityContext', podSecurityContext],
  15: ['imagePullSecrets', localObjectReference, 'list'],
  16: ['hostname', 'string'],
  17: ['subdomain', 'string'],
  19: ['schedulerName', 'string'],
  20: ['initContainers', container, 'list'],
  21: ['automountServiceAccountToken', 'bool', 'ptr'],
  22: ['tolerations', toleration, 'list'],
  23: ['hostAliases', message('HostAlias', { 1: ['ip', 'string'], 2: ['hostnames', 'string', 'list'] }), 'list'],
  24: ['priorityClassName', 'string'],
  25: ['priority', 'int', 'ptr'],
  27: ['shareProcessNamespace', 'bool', 'ptr'],
  28: ['readinessGates', message('PodReadinessGate', { 1: ['conditionType', 'string'] }), 'list'],
  29: ['runtimeClassName', 'string', 'ptr'],
  30: ['enableServiceLinks', 'bool', 'ptr'],
  31: ['preemptionPolicy', 'string', 'ptr'],
});

export const podTemplateSpec = message('PodTemplateSpec', { 1: ['metadata', objectMeta], 2: ['spec', podSpec] });

/** A kind's top-level message: metadata, then the given fields. */
export const kind = (name: string, fields: Parameters<typeof message>[1]) => message(name, { 1: ['metadata', objectMeta], ...fields });

export const pod = kind('Pod', { 2: ['spec', podSpec], 3: ['status', EMPTY('PodStatus')] });

export const namespace = kind('Namespace', {
  2: ['spec', message('NamespaceSpec', { 1: ['finalizers', 'string', 'list'] })],
  3: ['status', EMPTY('NamespaceStatus')],
});

export const configMap = kind('ConfigMap', {
  2: ['data', STRING_MAP],
  3: ['binaryData', BYTES_MAP],
  4: ['immutable', 'bool', 'ptr'],
});

export const secret = kind('Secret', {
  2: ['data', BYTES_MAP],
  3: ['type', 'string'],
  4: ['stringData', STRING_MAP],
  5: ['immutable', 'bool', 'ptr'],
});

export const serviceAccount = kind('ServiceAccount', {
  2: [
    'secrets',
    message('ObjectReference', {
      1: ['kind', 'string'],
      2: ['namespace', 'string'],
      3: ['name', 'string'],
      4: ['uid', 'string'],
      5: ['apiVersion', 'string'],
      6: ['resourceVersion', 'string'],
      7: ['fieldPath', 'string'],
    }),
    'list',
  ],
  3: ['imagePullSecrets', localObjectReference, 'list'],
  4: ['automountServiceAccountToken', 'bool', 'ptr'],
});

export const resourceQuota = kind('ResourceQuota', {
  2: ['spec', message('ResourceQuotaSpec', { 1: ['hard', QUANTITY_MAP], 2: ['scopes', 'string', 'list'] })],
  3: ['status', EMPTY('ResourceQuotaStatus')],
});

const servicePort = message('ServicePort', {
  1: ['name', 'string'],
  2: ['protocol', 'string'],
  3: ['port', 'int'],
  4: ['targetPort', 'intOrString'],
  5: ['nodePort', 'int'],
  6: ['appProtocol', 'string', 'ptr'],
});

const serviceSpec = message('ServiceSpec', {
  1: ['ports', servicePort, 'list'],
  2: ['selector', STRING_MAP],
  3: ['clusterIP', 'string'],
  4: ['type', 'string'],
  5: ['externalIPs', 'string', 'list'],
  7: ['sessionAffinity', 'string'],
  8: ['loadBalancerIP', 'string'],
  9: ['loadBalancerSourceRanges', 'string', 'list'],
  10: ['externalName', 'string'],
  11: ['externalTrafficPolicy', 'string'],
  12: ['healthCheckNodePort', 'int'],
  13: ['publishNotReadyAddresses', 'bool'],
  17: ['ipFamilyPolicy', 'string', 'ptr'],
  18: ['clusterIPs', 'string', 'list'],
  19: ['ipFamilies', 'string', 'list'],
  20: ['allocateLoadBalancerNodePorts', 'bool', 'ptr'],
  21: ['loadBalancerClass', 'string', 'ptr'],
  22: ['internalTrafficPolicy', 'string', 'ptr'],
  23: ['trafficDistribution', 'string', 'ptr'],
});

// ServiceStatus.loadBalancer is a struct, not a pointer: its JSON form is always there ({}).
const serviceStatus = message('ServiceStatus', { 1: ['loadBalancer', EMPTY('LoadBalancerStatus')] });

export const service = kind('Service', { 2: ['spec', serviceSpec], 3: ['status', serviceStatus] });
