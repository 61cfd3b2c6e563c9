/** networking.k8s.io/v1 Ingress (k8s.io/api networking/v1/generated.proto), as `kubectl create ingress` sends it. */
import { EMPTY, message } from '../schema.js';
import { kind } from './core.js';

const ingressBackend = message('IngressBackend', {
  3: ['resource', message('TypedLocalObjectReference', { 1: ['apiGroup', 'string', 'ptr'], 2: ['kind', 'string'], 3: ['name', 'string'] })],
  4: [
    'service',
    message('IngressServiceBackend', {
      1: ['name', 'string'],
      2: ['port', message('ServiceBackendPort', { 1: ['name', 'string'], 2: ['number', 'int'] })],
    }),
  ],
});

const httpIngressPath = message('HTTPIngressPath', {
  1: ['path', 'string'],
  2: ['backend', ingressBackend],
  3: ['pathType', 'string', 'ptr'],
});

// IngressRule embeds IngressRuleValue (json:""), so `http` sits beside `host`.
const ingressRuleValue = message('IngressRuleValue', { 1: ['http', message('HTTPIngressRuleValue', { 1: ['paths', httpIngressPath, 'list'] })] });

export const ingress = kind('Ingress', {
  2: [
    'spec',
    message('IngressSpec', {
      1: ['defaultBackend', ingressBackend],
      2: ['tls', message('IngressTLS', { 1: ['hosts', 'string', 'list'], 2: ['secretName', 'string'] }), 'list'],
      3: ['rules', message('IngressRule', { 1: ['host', 'string'], 2: ['', ingressRuleValue, 'inline'] }), 'list'],
      4: ['ingressClassName', 'string', 'ptr'],
    }),
  ],
  // IngressStatus.loadBalancer is a struct, not a pointer: its JSON form is always there ({}).
  3: ['status', message('IngressStatus', { 1: ['loadBalancer', EMPTY('IngressLoadBalancerStatus')] })],
});
