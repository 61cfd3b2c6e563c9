/**
 * The `trace service` stories of `kubespy demo` (issue 3). Each starts in its own namespace so
 * scenarios never see each other's objects. The traced Service appears a few seconds in, so the
 * trace is connected first and shows that it waits for a Service that does not exist yet.
 */
import { deployment, namespace, service } from './manifests.js';
import type { Scenario } from './types.js';

const SECOND = 1000;
/** Before the first object the trace watches: `absent` stays on view a moment (the demo starts the story once the trace has shown it). */
const WAIT_FOR_TRACE = 3 * SECOND;

export const serviceComesUp: Scenario = {
  name: 'service-comes-up',
  title: 'A Service comes online',
  description:
    'A LoadBalancer Service is created before anything can serve it; a Deployment of 3 replicas appears, its Pods are scheduled, pull their image and pass readiness, the EndpointSlice fills, and the load balancer gets an IP.',
  target: { kind: 'service', namespace: 'demo', name: 'web' },
  steps: [
    { after: 0, narration: 'Namespace demo is created', run: (s) => void s.create('namespaces', undefined, namespace('demo')) },
    {
      after: WAIT_FOR_TRACE,
      narration: 'Service web (LoadBalancer) is created; nothing selects it yet',
      run: (s) => void s.create('services', 'demo', service({ name: 'web', namespace: 'demo', type: 'LoadBalancer', selector: { app: 'web' } })),
    },
    {
      after: 4 * SECOND,
      narration: 'Deployment web with 3 replicas is created',
      run: (s) => void s.create('deployments.apps', 'demo', deployment({ name: 'web', namespace: 'demo', replicas: 3, labels: { app: 'web' }, readinessProbe: true, knobs: { 'sim.kubespy.dev/readiness': 'after:3s' } })),
    },
  ],
  // Pods warming up and the load balancer being provisioned are progress: pending until ready.
  verdicts: ['absent', 'pending', 'ready'],
  settle: 14 * SECOND,
};

export const readinessFix: Scenario = {
  name: 'readiness-fix',
  title: 'Pods fail readiness until a new rollout fixes them',
  description:
    'Deployment api runs 2 Pods whose readiness probe keeps failing, so Service api has endpoints that are not ready and gets no traffic; a new rollout with a fixed probe replaces them and the Service becomes ready.',
  target: { kind: 'service', namespace: 'readiness', name: 'api' },
  steps: [
    { after: 0, narration: 'Namespace readiness is created', run: (s) => void s.create('namespaces', undefined, namespace('readiness')) },
    {
      after: WAIT_FOR_TRACE,
      narration: 'Deployment api (readiness probe failing) and Service api are created',
      run: (s) => {
        s.create('deployments.apps', 'readiness', deployment({ name: 'api', namespace: 'readiness', replicas: 2, labels: { app: 'api' }, readinessProbe: true, knobs: { 'sim.kubespy.dev/readiness': 'fail' } }));
        s.create('services', 'readiness', service({ name: 'api', namespace: 'readiness', selector: { app: 'api' } }));
      },
    },
    {
      // Past the probe's warm-up (3 failures at periodSeconds 5): the Pods read as unhealthy first.
      after: 20 * SECOND,
      narration: 'A new rollout fixes the readiness probe (kubectl apply)',
      run: (s) => void s.patch('deployments.apps', 'readiness', 'api', 'merge', {
        spec: { template: { metadata: { annotations: { 'sim.kubespy.dev/readiness': 'pass' } } } },
      }),
    },
  ],
  // Pods starting, then failing readiness (no ready endpoint), then the rollout replacing them.
  verdicts: ['absent', 'pending', 'failing', 'pending', 'ready'],
  settle: 15 * SECOND,
};

export const selectorTypo: Scenario = {
  name: 'selector-typo',
  title: 'A typo in the selector',
  description:
    'Service payments selects app=paymnets, but the Pods of Deployment payments are labelled app=payments: nothing receives traffic. kubespy names the near miss; then the selector is fixed and the Service comes online.',
  target: { kind: 'service', namespace: 'billing', name: 'payments' },
  steps: [
    { after: 0, narration: 'Namespace billing is created', run: (s) => void s.create('namespaces', undefined, namespace('billing')) },
    {
      after: WAIT_FOR_TRACE,
      narration: 'Deployment payments (app=payments) and Service payments (selector app=paymnets) are created',
      run: (s) => {
        s.create('deployments.apps', 'billing', deployment({ name: 'payments', namespace: 'billing', replicas: 2, labels: { app: 'payments' } }));
        s.create('services', 'billing', service({ name: 'payments', namespace: 'billing', selector: { app: 'paymnets' } }));
      },
    },
    {
      after: 10 * SECOND,
      narration: 'The selector is fixed: kubectl patch svc payments -p \'{"spec":{"selector":{"app":"payments"}}}\'',
      run: (s) => void s.patch('services', 'billing', 'payments', 'merge', { spec: { selector: { app: 'payments' } } }),
    },
  ],
  // "matches no Pods yet" until the near-miss lookup names the typo, then failing until the fix.
  verdicts: ['absent', 'pending', 'failing', 'ready'],
  settle: 6 * SECOND,
};

export const imagePullFailure: Scenario = {
  name: 'image-pull',
  title: 'An image that cannot be pulled',
  description:
    'Deployment shop points at an image tag that does not exist: its Pods stay in ImagePullBackOff and Service shop has no ready endpoints. Then the image is fixed (kubectl set image) and the rollout brings the Service online.',
  target: { kind: 'service', namespace: 'store', name: 'shop' },
  steps: [
    { after: 0, narration: 'Namespace store is created', run: (s) => void s.create('namespaces', undefined, namespace('store')) },
    {
      after: WAIT_FOR_TRACE,
      narration: 'Deployment shop (image nginx:1.27-doesnotexist) and Service shop are created',
      run: (s) => {
        s.create('deployments.apps', 'store', deployment({ name: 'shop', namespace: 'store', replicas: 2, labels: { app: 'shop' }, image: 'nginx:1.27-doesnotexist' }));
        s.create('services', 'store', service({ name: 'shop', namespace: 'store', type: 'NodePort', selector: { app: 'shop' } }));
      },
    },
    {
      after: 12 * SECOND,
      narration: 'The image is fixed: kubectl set image deployment/shop shop=nginx:1.27',
      run: (s) => void s.patch('deployments.apps', 'store', 'shop', 'strategic', {
        spec: { template: { spec: { containers: [{ name: 'shop', image: 'nginx:1.27' }] } } },
      }),
    },
  ],
  verdicts: ['absent', 'pending', 'failing', 'pending', 'ready'],
  settle: 12 * SECOND,
};

export const loadBalancerPending: Scenario = {
  name: 'lb-pending',
  title: 'A LoadBalancer that never gets an IP',
  description:
    'Service edge asks for load-balancer class example.com/metal, which no controller on this cluster serves: its Pods are ready and in-cluster traffic works, but the external address stays pending. kubespy says why.',
  target: { kind: 'service', namespace: 'edge', name: 'edge' },
  steps: [
    { after: 0, narration: 'Namespace edge is created', run: (s) => void s.create('namespaces', undefined, namespace('edge')) },
    {
      after: WAIT_FOR_TRACE,
      narration: 'Deployment edge and Service edge (type LoadBalancer, class example.com/metal) are created',
      run: (s) => {
        s.create('deployments.apps', 'edge', deployment({ name: 'edge', namespace: 'edge', replicas: 2, labels: { app: 'edge' } }));
        s.create('services', 'edge', service({ name: 'edge', namespace: 'edge', type: 'LoadBalancer', selector: { app: 'edge' }, loadBalancerClass: 'example.com/metal' }));
      },
    },
  ],
  // Pending while the address may still come; after 60 s the hint that no controller serves the class.
  verdicts: ['absent', 'pending', 'degraded'],
  settle: 65 * SECOND,
};

export const SERVICE_SCENARIOS: Scenario[] = [serviceComesUp, readinessFix, selectorTypo, imagePullFailure, loadBalancerPending];
