/**
 * Small builders for the objects scenarios create, so each scenario reads as a story rather
 * than as pages of YAML. They produce what `kubectl apply -f` would send.
 */
import type { Manifest } from './types.js';

export interface DeploymentSpec {
  name: string;
  namespace: string;
  replicas: number;
  labels: Record<string, string>;
  image?: string;
  /** Pod-template annotations: the sim.kubespy.dev knobs (docs/embedded-cluster.md). */
  knobs?: Record<string, string>;
  containerPort?: { name: string; port: number };
  readinessProbe?: boolean;
  progressDeadlineSeconds?: number;
}

export function deployment(spec: DeploymentSpec): Manifest {
  const port = spec.containerPort ?? { name: 'http', port: 8080 };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      replicas: spec.replicas,
      ...(spec.progressDeadlineSeconds ? { progressDeadlineSeconds: spec.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { ...spec.labels } },
      template: {
        metadata: { labels: { ...spec.labels }, ...(spec.knobs ? { annotations: { ...spec.knobs } } : {}) },
        spec: {
          containers: [
            {
              name: spec.name,
              image: spec.image ?? 'nginx:1.27',
              ports: [{ name: port.name, containerPort: port.port }],
              ...(spec.readinessProbe
                ? { readinessProbe: { httpGet: { path: '/healthz', port: port.name }, periodSeconds: 5 } }
                : {}),
            },
          ],
        },
      },
    },
  };
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  selector: Record<string, string>;
  port?: number;
  targetPort?: number | string;
  loadBalancerClass?: string;
}

export function service(spec: ServiceSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { app: spec.name } },
    spec: {
      type: spec.type ?? 'ClusterIP',
      selector: { ...spec.selector },
      ...(spec.loadBalancerClass ? { loadBalancerClass: spec.loadBalancerClass } : {}),
      ports: [{ name: 'http', port: spec.port ?? 80, targetPort: spec.targetPort ?? 'http' }],
    },
  };
}

export function namespace(name: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
