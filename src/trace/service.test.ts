import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/kube-object.js';
import {
  NOW,
  creating,
  deployment,
  event,
  healthyWeb,
  input,
  initialising,
  networkPolicy,
  node,
  notReady,
  pod,
  service,
  slice,
  systemPod,
  terminatingPod,
  unschedulable,
  waiting,
} from './fixtures/builders.js';
import { SERVICE_CHECK_IDS, type ServiceCheckId, type ServiceTraceInput, analyseService } from './service.js';
import type { CheckStatus, TraceReport, Verdict } from './types.js';

interface Case {
  name: string;
  input: ServiceTraceInput;
  verdict: Verdict;
  summary?: string;
  statuses?: Partial<Record<ServiceCheckId, CheckStatus>>;
  messages?: Partial<Record<ServiceCheckId, string>>;
  /** Each listed line must appear among that check's details. */
  details?: Partial<Record<ServiceCheckId, string[]>>;
}

function byId(report: TraceReport, id: ServiceCheckId) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

const web = healthyWeb();
const webPod = (i: number) => pod(`web-7d9c6f5b8-p${i}`, { replicaSet: 'web-7d9c6f5b8', node: `node-${(i % 3) + 1}`, ip: `10.244.${i}.9` });

const billingPod = (name: string, labels: Record<string, string>, rs = 'payments-5f6d7c8b9') =>
  pod(name, { namespace: 'billing', labels, replicaSet: rs });

const cases: Case[] = [
  // ───── existence ─────
  {
    name: 'absent: waits for the Service',
    input: input(),
    verdict: 'absent',
    summary: 'Service default/web · ABSENT (waiting for it to be created)',
    statuses: { service: 'pending', selector: 'skip', events: 'skip' },
    messages: { service: 'not found: waiting for Service web to be created in namespace default', pods: 'waiting for the Service' },
  },
  {
    name: 'deleted',
    input: input({ deleted: true, service: service('web', { type: 'LoadBalancer' }) }),
    verdict: 'deleted',
    summary: 'Service default/web · LoadBalancer · DELETED',
    statuses: { service: 'fail', endpoints: 'skip' },
    messages: { service: 'deleted: the Service existed and is gone', endpoints: 'the Service is gone' },
  },
  {
    name: 'being deleted, waiting for the load-balancer finalizer',
    input: (() => {
      const svc = service('web', { type: 'LoadBalancer', lbIngress: [{ ip: '203.0.113.10' }] });
      svc.metadata.deletionTimestamp = '2026-03-01T11:59:58Z';
      svc.metadata.finalizers = ['service.kubernetes.io/load-balancer-cleanup'];
      return input({ service: svc, pods: web.pods, endpointSlices: web.slices });
    })(),
    verdict: 'degraded',
    statuses: { service: 'warn' },
    messages: { service: 'being deleted (waiting for finalizers: service.kubernetes.io/load-balancer-cleanup)' },
  },

  // ───── the happy paths, one per type ─────
  {
    name: 'LoadBalancer, all ready (the design sketch)',
    input: input({ service: service('web', { type: 'LoadBalancer', lbIngress: [{ ip: '203.0.113.10' }] }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'ready',
    summary: 'Service default/web · LoadBalancer · READY',
    statuses: { service: 'ok', selector: 'ok', pods: 'ok', endpoints: 'ok', ports: 'ok', address: 'ok', dns: 'ok', proxy: 'ok', networkpolicy: 'info', events: 'info' },
    messages: {
      service: 'exists, type LoadBalancer',
      selector: 'app=web → 3 Pods, all of ReplicaSet web-7d9c6f5b8 (Deployment web)',
      pods: '3 of 3 ready',
      endpoints: '3 ready, 0 not ready, 0 terminating (EndpointSlice web-x2k9p)',
      ports: 'http 80/TCP → container port "http" = 8080 on 3 of 3 Pods',
      address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer 203.0.113.10',
      dns: 'web.default.svc.cluster.local → 10.96.12.4 · CoreDNS 2 of 2 ready',
      proxy: 'kube-proxy ready on the 3 nodes that host endpoints',
      networkpolicy: 'no policy selects these Pods',
      events: 'no warnings',
    },
    details: {
      service: ['created 14 s ago'],
      pods: ['web-7d9c6f5b8-2xkqp  10.244.1.7  node-1  ready for 3 s'],
      dns: ['SRV _http._tcp.web.default.svc.cluster.local → port 80'],
    },
  },
  {
    name: 'ClusterIP with a numeric targetPort the container declares',
    input: input({
      service: service('web', { ports: [{ port: 80, targetPort: 8080 }] }),
      pods: web.pods,
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-7d9c6f5b8-2xkqp', node: 'node-1' }, { ip: '10.244.2.4', pod: 'web-7d9c6f5b8-8mf4d', node: 'node-2' }, { ip: '10.244.3.9', pod: 'web-7d9c6f5b8-tq9zr', node: 'node-3' }], { ports: [{ port: 8080 }] })],
    }),
    verdict: 'ready',
    summary: 'Service default/web · ClusterIP · READY',
    messages: { ports: '80/TCP → container port 8080 on 3 of 3 Pods', address: 'cluster IP 10.96.12.4' },
  },
  {
    name: 'NodePort',
    input: input({ service: service('web', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'ready',
    summary: 'Service default/web · NodePort · READY',
    messages: { address: 'cluster IP 10.96.12.4 · node port 30080' },
  },
  {
    name: 'ExternalName: no selector, Pods or endpoints needed',
    input: input({ service: service('web', { type: 'ExternalName', externalName: 'db.example.com' }) }),
    verdict: 'ready',
    summary: 'Service default/web · ExternalName · READY',
    statuses: { selector: 'skip', pods: 'skip', endpoints: 'skip', ports: 'skip', address: 'ok', dns: 'ok', proxy: 'skip', networkpolicy: 'skip' },
    messages: {
      selector: 'ExternalName: DNS CNAME to db.example.com',
      pods: 'ExternalName: DNS CNAME to db.example.com',
      endpoints: 'ExternalName: DNS CNAME to db.example.com',
      address: 'ExternalName → db.example.com',
      dns: 'web.default.svc.cluster.local → CNAME db.example.com · CoreDNS 2 of 2 ready',
    },
  },
  {
    name: 'headless: per-Pod DNS records from ready endpoints, hostname records, no proxy',
    input: input({
      name: 'db',
      service: service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] }),
      pods: [0, 1].map((i) => pod(`db-${i}`, { labels: { app: 'db' }, owner: { kind: 'StatefulSet', name: 'db' }, ip: `10.244.${i + 1}.5`, node: `node-${i + 1}`, containerPorts: [{ name: 'pg', containerPort: 5432 }] })),
      endpointSlices: [slice('db', [0, 1].map((i) => ({ ip: `10.244.${i + 1}.5`, pod: `db-${i}`, node: `node-${i + 1}`, hostname: `db-${i}` })), { name: 'db-abcde', ports: [{ name: 'pg', port: 5432 }] })],
    }),
    verdict: 'ready',
    summary: 'Service default/db · ClusterIP (headless) · READY',
    statuses: { address: 'ok', dns: 'ok', proxy: 'skip' },
    messages: {
      selector: 'app=db → 2 Pods, all of StatefulSet db',
      address: 'headless: no cluster IP, DNS returns the Pod IPs',
      dns: 'db.default.svc.cluster.local → 2 Pod IPs · CoreDNS 2 of 2 ready',
      proxy: 'headless: clients connect to the Pod IPs directly, no Service proxy involved',
    },
    details: {
      dns: ['db-0.db.default.svc.cluster.local → 10.244.1.5', 'db.default.svc.cluster.local → 10.244.2.5 (db-1)', 'SRV _pg._tcp.db.default.svc.cluster.local → port 5432'],
    },
  },
  {
    name: 'headless with no ready endpoints: no DNS records yet',
    input: input({
      name: 'db',
      service: service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [] }),
      pods: [creating(pod('db-0', { labels: { app: 'db' }, owner: { kind: 'StatefulSet', name: 'db' } }))],
      endpointSlices: [slice('db', [], { name: 'db-abcde' })],
    }),
    verdict: 'pending',
    statuses: { ports: 'info', endpoints: 'pending' },
    messages: {
      dns: 'db.default.svc.cluster.local → no records yet (no ready endpoints) · CoreDNS 2 of 2 ready',
      ports: 'no ports: a headless Service without ports only publishes DNS records',
      endpoints: 'EndpointSlice has no endpoints: nothing will receive traffic',
    },
  },
  {
    name: 'no selector, endpoints made by hand',
    input: input({
      name: 'legacy-db',
      service: service('legacy-db', { selector: null, ports: [{ name: 'pg', port: 5432 }] }),
      endpointSlices: [slice('legacy-db', [{ ip: '192.168.10.5' }], { name: 'legacy-db-1', ports: [{ name: 'pg', port: 5432 }] })],
    }),
    verdict: 'ready',
    statuses: { selector: 'info', pods: 'skip', endpoints: 'ok', ports: 'info', networkpolicy: 'skip' },
    messages: {
      selector: 'no selector: endpoints are managed by hand',
      pods: 'no selector: no Pods are selected',
      endpoints: '1 ready, 0 not ready, 0 terminating (EndpointSlice legacy-db-1)',
      ports: 'no selector: traffic goes to the ports of the hand-made endpoints',
    },
    details: { endpoints: ['192.168.10.5  ready'], ports: ['endpoint ports: pg 5432/TCP'] },
  },
  {
    name: 'no selector and no endpoints yet',
    input: input({ name: 'legacy-db', service: service('legacy-db', { selector: null, ports: [{ port: 5432 }] }) }),
    verdict: 'pending',
    statuses: { endpoints: 'pending' },
    messages: { endpoints: 'no EndpointSlice for this Service: nothing will receive traffic' },
    details: {
      endpoints: [
        'a Service without a selector needs EndpointSlices labelled kubernetes.io/service-name=legacy-db (or an Endpoints object named legacy-db), made by hand or by another controller',
      ],
    },
  },

  // ───── selector and near misses ─────
  {
    name: 'selector typo in a value (the design sketch)',
    input: input({
      namespace: 'billing',
      name: 'payments',
      service: service('payments', { namespace: 'billing', selector: { app: 'paymnets' } }),
      endpointSlices: [slice('payments', [], { namespace: 'billing', name: 'payments-7xk2q' })],
      nearMiss: {
        sameNamespace: [billingPod('payments-5f6d7c8b9-aaaaa', { app: 'payments' }), billingPod('payments-5f6d7c8b9-bbbbb', { app: 'payments' }), billingPod('redis-0', { app: 'redis' })],
        otherNamespaces: [],
        workloads: [deployment('payments')],
      },
    }),
    verdict: 'failing',
    summary: 'Service billing/payments · ClusterIP · FAILING',
    statuses: { selector: 'fail', pods: 'pending', endpoints: 'fail', ports: 'pending' },
    messages: {
      selector: 'app=paymnets matches no Pods in namespace billing',
      pods: 'none selected',
      endpoints: 'EndpointSlice has no endpoints: nothing will receive traffic',
    },
    details: { selector: ['near miss: 2 Pods of Deployment payments have app=payments (differs in value)'] },
  },
  {
    name: 'selector typo in a key',
    input: input({
      service: service('web', { selector: { ap: 'web' } }),
      nearMiss: { sameNamespace: [webPod(1)], otherNamespaces: [], workloads: [] },
    }),
    verdict: 'failing',
    messages: { selector: 'ap=web matches no Pods in namespace default' },
    details: { selector: ['near miss: 1 Pod of Deployment web has app=web (differs in key)'] },
  },
  {
    name: 'one label of two missing on the Pods',
    input: input({
      service: service('web', { selector: { app: 'web', tier: 'front' } }),
      nearMiss: { sameNamespace: [webPod(1), webPod(2)], otherNamespaces: [], workloads: [] },
    }),
    verdict: 'failing',
    details: { selector: ['near miss: 2 Pods of Deployment web lack tier=front (everything else matches)'] },
  },
  {
    name: 'matching Pods live in another namespace',
    input: input({
      service: service('web'),
      createdSecondsAgo: 100,
      nearMiss: { sameNamespace: [], otherNamespaces: [pod('web-7d9c6f5b8-aaaaa', { namespace: 'shop', replicaSet: 'web-7d9c6f5b8' }), pod('web-7d9c6f5b8-bbbbb', { namespace: 'shop', replicaSet: 'web-7d9c6f5b8' })], workloads: [] },
    } as Partial<ServiceTraceInput>),
    verdict: 'failing',
    details: { selector: ['2 Pods of Deployment web in namespace shop match (a Service selects Pods of its own namespace only)'] },
  },
  {
    name: 'selector copied from the Deployment metadata labels instead of its template',
    input: input({
      service: service('web', { selector: { app: 'web', team: 'shop' } }),
      nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [deployment('web', { labels: { app: 'web', team: 'shop' }, templateLabels: { app: 'web-pod' } })] },
    }),
    verdict: 'failing',
    details: { selector: ['the selector matches the labels of Deployment web itself, not its Pod template (template labels: app=web-pod)'] },
  },
  {
    name: 'a workload whose template matches is about to create Pods: pending, not failing',
    input: input({
      service: service('web', { createdSecondsAgo: 100 }),
      nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [deployment('web', { replicas: 3 })] },
    }),
    verdict: 'pending',
    statuses: { selector: 'pending', endpoints: 'pending' },
    messages: { selector: 'app=web matches no Pods yet' },
    details: { selector: ['Deployment web (3 replicas): its Pod template matches, Pods not created yet'] },
  },
  {
    name: 'a matching workload scaled to zero is a failure',
    input: input({
      service: service('web', { createdSecondsAgo: 100 }),
      nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [deployment('web', { replicas: 0 })] },
    }),
    verdict: 'failing',
    details: { selector: ['Deployment web has a matching Pod template but is scaled to 0 replicas'] },
  },
  {
    name: 'matches nothing within 15 s of creation and nothing close: pending',
    input: input({ service: service('web', { createdSecondsAgo: 5 }), nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [] } }),
    verdict: 'pending',
    statuses: { selector: 'pending' },
    messages: { selector: 'app=web matches no Pods yet' },
  },
  {
    name: 'matches nothing after 15 s and nothing close: failing',
    input: input({ service: service('web', { createdSecondsAgo: 16 }), nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [] } }),
    verdict: 'failing',
    statuses: { selector: 'fail' },
    details: { selector: ['no Pod or workload in the namespace comes close'] },
  },
  {
    name: 'Pods from two ReplicaSets mid-rollout are grouped by owner',
    input: input({
      service: service('web'),
      pods: [...web.pods, notReady(pod('web-6b8f9d7c4-zzzzz', { replicaSet: 'web-6b8f9d7c4', node: 'node-2', ip: '10.244.2.8' }))],
      endpointSlices: [slice('web', [...['2xkqp', '8mf4d', 'tq9zr'].map((s, i) => ({ ip: `10.244.${i + 1}.${[7, 4, 9][i]}`, pod: `web-7d9c6f5b8-${s}`, node: `node-${i + 1}` })), { ip: '10.244.2.8', pod: 'web-6b8f9d7c4-zzzzz', node: 'node-2', ready: false }])],
    }),
    verdict: 'pending',
    statuses: { pods: 'pending', endpoints: 'pending' },
    messages: {
      selector: 'app=web → 4 Pods: 3 of ReplicaSet web-7d9c6f5b8 (Deployment web), 1 of ReplicaSet web-6b8f9d7c4 (Deployment web)',
      pods: '3 of 4 ready · 1 not ready',
      endpoints: '3 ready, 1 not ready, 0 terminating (EndpointSlice web-x2k9p)',
    },
  },
  {
    name: 'owner objects name the Deployment even when the hash is not in the RS name',
    input: input({
      service: service('web'),
      pods: [pod('custom-rs-abcde', { owner: { kind: 'ReplicaSet', name: 'custom-rs' } })],
      owners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'custom-rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', uid: 'd1', controller: true }] } }],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'custom-rs-abcde', node: 'node-1' }])],
    }),
    verdict: 'ready',
    messages: { selector: 'app=web → 1 Pod of ReplicaSet custom-rs (Deployment frontend)' },
  },

  // ───── Pod states through the service ─────
  {
    name: 'all Pods failing to pull their image',
    input: input({
      service: service('web'),
      pods: [waiting(pod('web-1', { image: 'nginx:nope' }), 'ImagePullBackOff', 'Back-off pulling image "nginx:nope"', { phase: 'Pending' })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1', ready: false }])],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail', endpoints: 'fail' },
    messages: {
      pods: '0 of 1 ready · 1 image pull failing',
      endpoints: '0 ready, 1 not ready, 0 terminating (EndpointSlice web-x2k9p): nothing will receive traffic',
    },
    details: { pods: ['web-1  10.244.1.7  node-1  image pull failing: ImagePullBackOff for "nginx:nope" (container web)'] },
  },
  {
    name: 'one Pod of three crash-looping while the others serve: degraded',
    input: input({
      service: service('web'),
      pods: [web.pods[0] as KubeObject, web.pods[1] as KubeObject, waiting(pod('web-7d9c6f5b8-tq9zr', { replicaSet: 'web-7d9c6f5b8', node: 'node-3', ip: '10.244.3.9' }), 'CrashLoopBackOff', 'back-off', { restarts: 5, lastTerminated: { exitCode: 137, reason: 'OOMKilled' } })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-7d9c6f5b8-2xkqp', node: 'node-1' }, { ip: '10.244.2.4', pod: 'web-7d9c6f5b8-8mf4d', node: 'node-2' }, { ip: '10.244.3.9', pod: 'web-7d9c6f5b8-tq9zr', node: 'node-3', ready: false }])],
    }),
    verdict: 'degraded',
    statuses: { pods: 'fail', endpoints: 'warn' },
    messages: { pods: '2 of 3 ready · 1 crash loop' },
    details: { pods: ['web-7d9c6f5b8-tq9zr  10.244.3.9  node-3  crash loop: container web restarted 5 times, last exit code 137 (OOMKilled)'] },
  },
  {
    name: 'Pods starting (creating, init, unschedulable within grace): pending',
    input: input({
      service: service('web'),
      pods: [creating(pod('web-1')), initialising(pod('web-2')), unschedulable(pod('web-3'), '0/3 nodes are available: 3 Insufficient cpu.', 5)],
      endpointSlices: [slice('web', [])],
    }),
    verdict: 'pending',
    statuses: { pods: 'pending', endpoints: 'pending' },
    messages: { pods: '0 of 3 ready · 1 starting, 1 initialising, 1 not scheduled yet', endpoints: 'EndpointSlice has no endpoints: nothing will receive traffic' },
  },
  {
    name: 'unschedulable for longer than 15 s: failing, with the scheduler message',
    input: input({ service: service('web'), pods: [unschedulable(pod('web-1'), '0/3 nodes are available: 3 Insufficient cpu.', 40)], endpointSlices: [slice('web', [])] }),
    verdict: 'failing',
    statuses: { pods: 'fail', endpoints: 'fail', ports: 'ok' },
    details: { pods: ['web-1  -  -  not scheduled for 40 s: 0/3 nodes are available: 3 Insufficient cpu.'] },
  },
  {
    name: 'crash loop between two back-offs (restarted after exit code 1, running, not ready): failing, not pending',
    input: input({
      service: service('web'),
      pods: [
        (() => {
          const p = notReady(pod('web-1'));
          const c = (p['status'] as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0] as Record<string, unknown>;
          c['restartCount'] = 1;
          c['lastState'] = { terminated: { exitCode: 1, reason: 'Error' } };
          return p;
        })(),
      ],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1', ready: false }])],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail', endpoints: 'fail' },
    messages: { pods: '0 of 1 ready · 1 crash loop' },
    details: { pods: ['web-1  10.244.1.7  node-1  crash loop: container web restarted 1 time, last exit code 1'] },
  },
  {
    name: 'missing ConfigMap',
    input: input({
      service: service('web'),
      pods: [waiting(pod('web-1'), 'CreateContainerConfigError', 'configmap "app-config" not found', { phase: 'Pending' })],
      endpointSlices: [slice('web', [])],
    }),
    verdict: 'failing',
    messages: { pods: '0 of 1 ready · 1 config error' },
    details: { pods: ['web-1  10.244.1.7  node-1  config error: configmap "app-config" not found (container web)'] },
  },
  {
    name: 'readiness probe failing on every Pod: failing, with the probe output',
    input: input({
      service: service('web'),
      pods: [notReady(pod('web-1'))],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1', ready: false }])],
      events: [event({ name: 'web-1', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 12 })],
    }),
    verdict: 'failing',
    statuses: { pods: 'warn', endpoints: 'fail', events: 'warn' },
    messages: { pods: '0 of 1 ready · 1 readiness probe failing', events: '1 warning, latest: Unhealthy on Pod web-1' },
    details: {
      pods: ['web-1  10.244.1.7  node-1  readiness probe failing: HTTP probe failed with statuscode: 503 (12 times)'],
      events: ['2 s ago  Pod web-1  Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (×12)'],
    },
  },
  {
    name: 'terminating Pods during a scale-down: pending while they leave',
    input: input({
      service: service('web'),
      pods: [web.pods[0] as KubeObject, terminatingPod(notReady(pod('web-7d9c6f5b8-8mf4d', { replicaSet: 'web-7d9c6f5b8', node: 'node-2', ip: '10.244.2.4' })))],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-7d9c6f5b8-2xkqp', node: 'node-1' }, { ip: '10.244.2.4', pod: 'web-7d9c6f5b8-8mf4d', node: 'node-2', ready: false, serving: false, terminating: true }])],
    }),
    verdict: 'pending',
    messages: { pods: '1 of 2 ready · 1 terminating', endpoints: '1 ready, 0 not ready, 1 terminating (EndpointSlice web-x2k9p)' },
  },
  {
    name: 'Pods ready but the EndpointSlice controller has not caught up',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: [slice('web', [])] }),
    verdict: 'pending',
    statuses: { endpoints: 'pending' },
    details: { endpoints: ['the selected Pods are ready: waiting for the EndpointSlice controller to list them'] },
  },
  {
    name: 'a ready Pod the EndpointSlice does not list yet, others failing: endpoints pending, not failing',
    input: input({
      service: service('web'),
      pods: [web.pods[0] as KubeObject, waiting(pod('web-7d9c6f5b8-8mf4d', { replicaSet: 'web-7d9c6f5b8', node: 'node-2', ip: '10.244.2.4' }), 'CrashLoopBackOff', 'back-off', { restarts: 5 })],
      endpointSlices: [slice('web', [{ ip: '10.244.2.4', pod: 'web-7d9c6f5b8-8mf4d', node: 'node-2', ready: false }])],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail', endpoints: 'pending' },
    details: { endpoints: ['1 of the selected Pods is ready: waiting for the EndpointSlice controller to list it'] },
  },

  // ───── rollouts: Pods of an old ReplicaSet that the new one replaces ─────
  {
    name: 'a rollout fixing an image: the old Pods failing to pull are being replaced, pending',
    input: input({
      service: service('web'),
      pods: [
        waiting(pod('web-5f4d3c2b1-aaaaa', { replicaSet: 'web-5f4d3c2b1', createdSecondsAgo: 60, image: 'nginx:nope' }), 'ImagePullBackOff', 'Back-off pulling image "nginx:nope"', { phase: 'Pending' }),
        waiting(pod('web-5f4d3c2b1-bbbbb', { replicaSet: 'web-5f4d3c2b1', createdSecondsAgo: 60, image: 'nginx:nope', node: 'node-2', ip: '10.244.2.4' }), 'ImagePullBackOff', 'Back-off pulling image "nginx:nope"', { phase: 'Pending' }),
        creating(pod('web-7d9c6f5b8-ccccc', { replicaSet: 'web-7d9c6f5b8', createdSecondsAgo: 1, node: 'node-3' })),
      ],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-5f4d3c2b1-aaaaa', node: 'node-1', ready: false }, { ip: '10.244.2.4', pod: 'web-5f4d3c2b1-bbbbb', node: 'node-2', ready: false }])],
    }),
    verdict: 'pending',
    statuses: { pods: 'pending', endpoints: 'pending' },
    messages: { pods: '0 of 3 ready · 2 image pull failing (old ReplicaSet), 1 starting' },
    details: { pods: ['web-5f4d3c2b1-aaaaa  10.244.1.7  node-1  image pull failing: ImagePullBackOff for "nginx:nope" (container web) · old ReplicaSet, the rollout replaces it'] },
  },
  {
    name: 'a rollout fixing a readiness probe: one new Pod serves, the old unhealthy ones leave: pending, not degraded',
    input: input({
      service: service('web'),
      pods: [
        notReady(pod('api-5f4d3c2b1-aaaaa', { replicaSet: 'api-5f4d3c2b1', labels: { app: 'web' }, createdSecondsAgo: 60 })),
        pod('api-7d9c6f5b8-ccccc', { replicaSet: 'api-7d9c6f5b8', labels: { app: 'web' }, createdSecondsAgo: 5, node: 'node-3', ip: '10.244.3.9' }),
      ],
      events: [event({ name: 'api-5f4d3c2b1-aaaaa', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 9 })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'api-5f4d3c2b1-aaaaa', node: 'node-1', ready: false }, { ip: '10.244.3.9', pod: 'api-7d9c6f5b8-ccccc', node: 'node-3' }])],
    }),
    verdict: 'pending',
    statuses: { pods: 'pending', endpoints: 'pending' },
    messages: { pods: '1 of 2 ready · 1 readiness probe failing (old ReplicaSet)' },
  },
  {
    name: 'a rollout whose new Pods fail while the old ones serve: degraded',
    input: input({
      service: service('web'),
      pods: [...web.pods, waiting(pod('web-5f4d3c2b1-zzzzz', { replicaSet: 'web-5f4d3c2b1', createdSecondsAgo: 2, image: 'nginx:nope' }), 'ImagePullBackOff', 'Back-off pulling image "nginx:nope"', { phase: 'Pending' })],
      endpointSlices: web.slices,
    }),
    verdict: 'degraded',
    statuses: { pods: 'fail' },
    messages: { pods: '3 of 4 ready · 1 image pull failing' },
  },
  {
    name: 'a rollout whose new Pods fail as the old ones did: failing',
    input: input({
      service: service('web'),
      pods: [
        waiting(pod('web-5f4d3c2b1-aaaaa', { replicaSet: 'web-5f4d3c2b1', createdSecondsAgo: 60 }), 'CrashLoopBackOff', 'back-off', { restarts: 4 }),
        waiting(pod('web-7d9c6f5b8-ccccc', { replicaSet: 'web-7d9c6f5b8', createdSecondsAgo: 30, node: 'node-3' }), 'CrashLoopBackOff', 'back-off', { restarts: 3 }),
      ],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-5f4d3c2b1-aaaaa', node: 'node-1', ready: false }, { ip: '10.244.1.7', pod: 'web-7d9c6f5b8-ccccc', node: 'node-3', ready: false }])],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail' },
    messages: { pods: '0 of 2 ready · 1 crash loop (old ReplicaSet), 1 crash loop' },
  },
  {
    name: 'two ReplicaSets whose newest Pods were created in the same second: neither is taken as the old one',
    input: input({
      service: service('web'),
      pods: [
        waiting(pod('web-5f4d3c2b1-aaaaa', { replicaSet: 'web-5f4d3c2b1', createdSecondsAgo: 5 }), 'CrashLoopBackOff', 'back-off', { restarts: 4 }),
        creating(pod('web-7d9c6f5b8-ccccc', { replicaSet: 'web-7d9c6f5b8', createdSecondsAgo: 5, node: 'node-3' })),
      ],
      endpointSlices: [slice('web', [])],
    }),
    verdict: 'failing',
    statuses: { pods: 'fail' },
  },

  // ───── a cluster running faster than real time (kubespy demo --speed N) ─────
  {
    name: 'the same warning on several Pods is summed up, not named by whichever reported last',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      events: web.pods.map((p, i) => event({ name: p.metadata.name as string, reason: 'Unhealthy', message: 'Readiness probe failed: 503', lastSecondsAgo: i + 1 })),
    }),
    verdict: 'ready',
    messages: { events: '3 warnings: Unhealthy on 3 Pods' },
  },
  {
    name: 'speed 10: a load balancer pending for 7 s is past the 60 s hint',
    input: input({ service: service('web', { type: 'LoadBalancer', loadBalancerClass: 'example.com/metal', createdSecondsAgo: 7 }), pods: web.pods, endpointSlices: web.slices, timeScale: 10 }),
    verdict: 'degraded',
    statuses: { address: 'warn' },
    messages: { address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer pending: no load-balancer controller for class example.com/metal on this cluster?' },
  },
  {
    name: 'speed 10: a load balancer pending for 5 s is still being provisioned',
    input: input({ service: service('web', { type: 'LoadBalancer', loadBalancerClass: 'example.com/metal', createdSecondsAgo: 5 }), pods: web.pods, endpointSlices: web.slices, timeScale: 10 }),
    verdict: 'pending',
    statuses: { address: 'pending' },
  },
  {
    name: 'speed 10: a selector matching nothing for 2 s is past the 15 s grace',
    input: input({ service: service('web', { createdSecondsAgo: 2 }), nearMiss: { sameNamespace: [], otherNamespaces: [], workloads: [] }, timeScale: 10 }),
    verdict: 'failing',
    statuses: { selector: 'fail' },
  },
  {
    name: 'Pod list capped at 10 lines',
    input: input({
      service: service('web'),
      pods: Array.from({ length: 14 }, (_, i) => webPod(i)),
      endpointSlices: [slice('web', Array.from({ length: 14 }, (_, i) => ({ ip: `10.244.${i}.9`, pod: `web-7d9c6f5b8-p${i}`, node: `node-${(i % 3) + 1}` })))],
    }),
    verdict: 'ready',
    messages: { pods: '14 of 14 ready', selector: 'app=web → 14 Pods, all of ReplicaSet web-7d9c6f5b8 (Deployment web)' },
    details: { pods: ['… and 4 more'] },
  },

  // ───── endpoints from old servers ─────
  {
    name: 'slices without serving/terminating and a nil ready (old servers) count as ready',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-7d9c6f5b8-2xkqp', node: 'node-1', ready: null }, { ip: '10.244.2.4', pod: 'web-7d9c6f5b8-8mf4d', node: 'node-2' }, { ip: '10.244.3.9', pod: 'web-7d9c6f5b8-tq9zr', node: 'node-3' }], { legacy: true })],
    }),
    verdict: 'ready',
    messages: { endpoints: '3 ready, 0 not ready, 0 terminating (EndpointSlice web-x2k9p)' },
  },
  {
    name: 'dual-stack slices list each Pod once',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: [
        ...web.slices,
        slice('web', web.pods.map((p, i) => ({ ip: `fd00::${i + 1}`, pod: p.metadata.name as string, node: `node-${i + 1}` })), { name: 'web-v6abc', addressType: 'IPv6' }),
      ],
    }),
    verdict: 'ready',
    messages: { endpoints: '3 ready, 0 not ready, 0 terminating (2 EndpointSlices)' },
  },
  {
    name: 'v1 Endpoints when EndpointSlices are not served',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlicesServed: false,
      endpointSlices: [slice('web', [])],
      endpoints: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web', namespace: 'default' },
        subsets: [
          {
            addresses: [{ ip: '10.244.1.7', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-7d9c6f5b8-2xkqp', uid: 'a' } }, { ip: '10.244.2.4', nodeName: 'node-2', targetRef: { kind: 'Pod', name: 'web-7d9c6f5b8-8mf4d', uid: 'b' } }],
            notReadyAddresses: [{ ip: '10.244.3.9', nodeName: 'node-3', targetRef: { kind: 'Pod', name: 'web-7d9c6f5b8-tq9zr', uid: 'c' } }],
            ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          },
        ],
      },
    }),
    verdict: 'pending',
    messages: { endpoints: '2 ready, 1 not ready, 0 terminating (v1 Endpoints: EndpointSlices are not served)' },
  },

  // ───── ports ─────
  {
    name: 'named targetPort no container declares: failing',
    input: input({
      service: service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      pods: [pod('web-1', { containerPorts: [{ containerPort: 8080 }] })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1' }], { ports: [] })],
    }),
    verdict: 'failing',
    statuses: { ports: 'fail' },
    messages: { ports: 'targetPort "http" is not declared by any container of the selected Pods (they declare: web 8080/TCP)' },
  },
  {
    name: 'named targetPort with the right name but another protocol does not resolve',
    input: input({
      service: service('web', { ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }] }),
      pods: [pod('web-1', { containerPorts: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1' }])],
    }),
    verdict: 'failing',
    messages: { ports: 'targetPort "dns" is not declared by any container of the selected Pods (they declare: web "dns" 5353/TCP)' },
  },
  {
    name: 'numeric targetPort no container declares: warn, works if the app listens',
    input: input({
      service: service('web', { ports: [{ port: 80, targetPort: 9090 }] }),
      pods: web.pods,
      endpointSlices: web.slices,
    }),
    verdict: 'degraded',
    statuses: { ports: 'warn' },
    messages: { ports: '80/TCP → container port 9090: no container declares 9090/TCP (they declare: web "http" 8080/TCP); it works anyway if the app listens on it' },
  },
  {
    name: 'named port on some Pods only (mid-rollout port rename): warn',
    input: input({
      service: service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }] }),
      pods: [pod('web-1', { containerPorts: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }), pod('web-2', { ip: '10.244.2.4', containerPorts: [{ name: 'http', containerPort: 8080 }] })],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1' }, { ip: '10.244.2.4', pod: 'web-2', node: 'node-1' }])],
    }),
    verdict: 'degraded',
    statuses: { ports: 'warn' },
    messages: { ports: 'metrics 9090/TCP → container port "metrics" = 9090 on 1 of 2 Pods: the others get no traffic on this port' },
    details: { ports: ['http 80/TCP → container port "http" = 8080 on 2 of 2 Pods'] },
  },
  {
    name: 'named targetPort served by a sidecar init container (restartPolicy Always)',
    input: input({
      service: service('web', { ports: [{ name: 'proxy', port: 443, targetPort: 'proxy' }] }),
      pods: [(() => {
        const p = pod('web-1');
        (p['spec'] as Record<string, unknown>)['initContainers'] = [{ name: 'envoy', image: 'envoy', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001, protocol: 'TCP' }] }];
        return p;
      })()],
      endpointSlices: [slice('web', [{ ip: '10.244.1.7', pod: 'web-1', node: 'node-1' }])],
    }),
    verdict: 'ready',
    messages: { ports: 'proxy 443/TCP → container port "proxy" = 15001 on 1 of 1 Pods' },
  },

  // ───── address ─────
  {
    name: 'load balancer pending for less than 60 s: pending',
    input: input({ service: service('web', { type: 'LoadBalancer', createdSecondsAgo: 30 }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'pending',
    statuses: { address: 'pending' },
    messages: { address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer pending' },
    details: { address: ['pending for 30 s (kubectl shows EXTERNAL-IP <pending>)'] },
  },
  {
    name: 'load balancer pending for 60 s: warn with the controller hint',
    input: input({ service: service('web', { type: 'LoadBalancer', createdSecondsAgo: 60 }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'degraded',
    statuses: { address: 'warn' },
    messages: { address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer pending: no load-balancer controller on this cluster?' },
  },
  {
    name: 'load balancer pending with a class names the class',
    input: input({ service: service('web', { type: 'LoadBalancer', createdSecondsAgo: 125, loadBalancerClass: 'example.com/internal' }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'degraded',
    messages: { address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer pending: no load-balancer controller for class example.com/internal on this cluster?' },
    details: { address: ['pending for 2 m 5 s (kubectl shows EXTERNAL-IP <pending>); spec.loadBalancerClass example.com/internal'] },
  },
  {
    name: 'load balancer with a hostname',
    input: input({ service: service('web', { type: 'LoadBalancer', lbIngress: [{ hostname: 'a1b2.elb.example.com' }] }), pods: web.pods, endpointSlices: web.slices }),
    verdict: 'ready',
    messages: { address: 'cluster IP 10.96.12.4 · node port 31380 · load balancer a1b2.elb.example.com' },
  },

  // ───── dns, proxy, network policy ─────
  {
    name: 'cluster DNS missing: warn, not fail',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, dns: { pods: [], clusterDomain: 'cluster.local' } }),
    verdict: 'degraded',
    statuses: { dns: 'warn' },
    messages: { dns: 'web.default.svc.cluster.local → 10.96.12.4 · no kube-dns Service in kube-system: is cluster DNS installed?' },
  },
  {
    name: 'CoreDNS not ready',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      dns: { service: service('kube-dns', { namespace: 'kube-system' }), pods: [systemPod('coredns-668d6bf9bc-abcde', 'kube-dns', 'node-1', false)], clusterDomain: 'corp.local' },
    }),
    verdict: 'degraded',
    messages: { dns: 'web.default.svc.corp.local → 10.96.12.4 · CoreDNS 0 of 1 ready: names do not resolve' },
  },
  {
    name: 'kube-proxy missing on a node that hosts an endpoint: warn naming it',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      proxy: { pods: [systemPod('kube-proxy-ax7k2', 'kube-proxy', 'node-1'), systemPod('kube-proxy-bx7k2', 'kube-proxy', 'node-2', false)] },
    }),
    verdict: 'degraded',
    statuses: { proxy: 'warn' },
    messages: { proxy: 'kube-proxy not ready on node-2, node-3 (2 of 3 nodes that host endpoints)' },
    details: { proxy: ['node-2: kube-proxy Pod kube-proxy-bx7k2 not ready', 'node-3: no kube-proxy Pod'] },
  },
  {
    name: 'a NotReady node hosting endpoints',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, proxy: { pods: input().proxy.pods, nodes: [node('node-1'), node('node-2'), node('node-3', false)] } }),
    verdict: 'degraded',
    statuses: { proxy: 'warn' },
    details: { proxy: ['node node-3 is NotReady: its endpoints may not answer'] },
  },
  {
    name: 'no kube-proxy Pods seen (a replacement, or no permission): info',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, proxy: { pods: [] } }),
    verdict: 'ready',
    statuses: { proxy: 'info' },
  },
  {
    name: 'a replacement proxy (cilium) is named',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, proxy: { pods: ['node-1', 'node-2', 'node-3'].map((n, i) => systemPod(`cilium-${'abc'[i]}k2x9`, 'cilium', n)) } }),
    verdict: 'ready',
    messages: { proxy: 'cilium ready on the 3 nodes that host endpoints' },
  },
  {
    name: 'a default-deny ingress policy blocks the Service port: warn naming it',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, networkPolicies: [networkPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] })] }),
    verdict: 'degraded',
    statuses: { networkpolicy: 'warn' },
    messages: { networkpolicy: 'policy default-deny selects these Pods and no ingress rule allows 8080/TCP: that traffic is blocked' },
  },
  {
    name: 'an ingress policy allowing the port (by name) from some Pods: info',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      networkPolicies: [
        networkPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
        networkPolicy('allow-frontend', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 'http' }] }] }),
      ],
    }),
    verdict: 'ready',
    statuses: { networkpolicy: 'info' },
    messages: { networkpolicy: 'ingress to these Pods is restricted by allow-frontend, default-deny; the Service ports are allowed' },
    details: { networkpolicy: ['8080/TCP allowed by allow-frontend (from pods role=frontend)'] },
  },
  {
    name: 'a policy selecting other Pods does not count; egress-only policies do not restrict ingress',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      networkPolicies: [
        networkPolicy('db-only', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
        networkPolicy('egress-lock', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, policyTypes: ['Egress'], egress: [] }),
      ],
    }),
    verdict: 'ready',
    messages: { networkpolicy: '1 policy egress-lock select these Pods, none restricts ingress' },
  },
  {
    name: 'an ingress rule for another port range',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      networkPolicies: [networkPolicy('metrics-only', { podSelector: {}, ingress: [{ ports: [{ port: 9000, endPort: 9100 }] }] })],
    }),
    verdict: 'degraded',
    messages: { networkpolicy: 'policy metrics-only selects these Pods and no ingress rule allows 8080/TCP: that traffic is blocked' },
  },

  // ───── events ─────
  {
    name: 'warnings deduplicated, most recent first, capped at 5, old legacy Events read',
    input: input({
      service: service('web'),
      pods: web.pods,
      endpointSlices: web.slices,
      events: [
        event({ name: 'web-7d9c6f5b8-2xkqp', reason: 'Unhealthy', message: 'Readiness probe failed: 503', count: 3, lastSecondsAgo: 400 }),
        event({ name: 'web-7d9c6f5b8-2xkqp', reason: 'Unhealthy', message: 'Readiness probe failed: 503', count: 2, lastSecondsAgo: 500 }),
        event({ kind: 'Service', name: 'web', reason: 'SyncLoadBalancerFailed', message: 'Error syncing load balancer', lastSecondsAgo: 600 }),
        ...[1, 2, 3, 4, 5].map((i) => event({ name: 'web-7d9c6f5b8-8mf4d', reason: `Reason${i}`, message: `m${i}`, lastSecondsAgo: 1000 + i })),
        event({ name: 'some-other-pod', reason: 'BackOff', message: 'not ours', lastSecondsAgo: 1 }),
        event({ name: 'web-7d9c6f5b8-tq9zr', type: 'Normal', reason: 'Pulled', message: 'normal events are not warnings', lastSecondsAgo: 1 }),
      ],
    }),
    verdict: 'ready',
    statuses: { events: 'info' },
    messages: { events: '7 warnings, latest: Unhealthy on Pod web-7d9c6f5b8-2xkqp' },
    details: {
      events: [
        '6 m 40 s ago  Pod web-7d9c6f5b8-2xkqp  Unhealthy: Readiness probe failed: 503 (×5)',
        '10 m ago  Service web  SyncLoadBalancerFailed: Error syncing load balancer',
        '… and 2 more',
      ],
    },
  },

  // ───── unavailable checks, reconnecting ─────
  {
    name: 'RBAC: slices and network policies unreadable, the rest carries on',
    input: input({
      service: service('web'),
      pods: web.pods,
      unavailable: {
        endpoints: 'cannot watch endpointslices.discovery.k8s.io in namespace default: forbidden',
        networkpolicy: 'cannot list networkpolicies.networking.k8s.io in namespace default: forbidden',
      },
    }),
    verdict: 'ready',
    statuses: { endpoints: 'skip', networkpolicy: 'skip', pods: 'ok', selector: 'ok', proxy: 'ok' },
    messages: {
      endpoints: 'not checked: cannot watch endpointslices.discovery.k8s.io in namespace default: forbidden',
      networkpolicy: 'not checked: cannot list networkpolicies.networking.k8s.io in namespace default: forbidden',
    },
  },
  {
    name: 'RBAC: Pods unreadable, the endpoints still tell where traffic goes',
    input: input({
      service: service('web'),
      endpointSlices: web.slices,
      unavailable: { pods: 'cannot watch pods in namespace default: forbidden', selector: 'cannot list pods in namespace default: forbidden' },
    }),
    verdict: 'ready',
    statuses: { pods: 'skip', selector: 'skip', endpoints: 'ok', ports: 'info' },
    messages: { pods: 'not checked: cannot watch pods in namespace default: forbidden', ports: 'http 80/TCP → 8080 (from the endpoints)' },
  },
  {
    name: 'RBAC: the Service itself unreadable',
    input: input({ unavailable: { service: 'cannot watch services in namespace default: forbidden' } }),
    verdict: 'absent',
    statuses: { service: 'skip' },
    messages: { service: 'not checked: cannot watch services in namespace default: forbidden' },
  },
  {
    name: 'reconnecting: the summary says so',
    input: input({ service: service('web'), pods: web.pods, endpointSlices: web.slices, reconnecting: true }),
    verdict: 'ready',
    summary: 'Service default/web · ClusterIP · READY · reconnecting…',
  },
];

describe('analyseService', () => {
  it.each(cases)('$name', (c) => {
    const report = analyseService(c.input);
    expect(report.target).toEqual({ kind: 'Service', namespace: c.input.namespace, name: c.input.name });
    expect(report.checks.map((x) => x.id)).toEqual([...SERVICE_CHECK_IDS]);
    expect(report.verdict).toBe(c.verdict);
    if (c.summary) expect(report.summary).toBe(c.summary);
    for (const [id, status] of Object.entries(c.statuses ?? {})) expect({ id, status: byId(report, id as ServiceCheckId).status }).toEqual({ id, status });
    for (const [id, message] of Object.entries(c.messages ?? {})) expect({ id, message: byId(report, id as ServiceCheckId).message }).toEqual({ id, message });
    for (const [id, lines] of Object.entries(c.details ?? {})) {
      for (const line of lines ?? []) expect(byId(report, id as ServiceCheckId).details).toContain(line);
    }
  });

  it('is a pure function of its input: the same input gives the same report, and the input is not changed', () => {
    const i = input({ service: service('web', { type: 'LoadBalancer' }), pods: web.pods, endpointSlices: web.slices });
    const before = JSON.stringify(i);
    expect(analyseService(i)).toEqual(analyseService(i));
    expect(JSON.stringify(i)).toBe(before);
  });

  it('keeps the view bounded: details never exceed the caps', () => {
    const pods = Array.from({ length: 200 }, (_, i) => webPod(i));
    const report = analyseService(input({ service: service('web'), pods, endpointSlices: web.slices, events: pods.map((p) => event({ name: p.metadata.name as string, reason: 'BackOff', message: 'x' })) }));
    for (const c of report.checks) expect(c.details.length).toBeLessThanOrEqual(11);
  });
});

describe('analyseService on malformed input', () => {
  // A small deterministic generator: junk of every JSON type, objects with fields of the wrong type.
  function rng(seed: number) {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
  }
  const scalars: unknown[] = [null, undefined, 0, -1, Number.POSITIVE_INFINITY, Number.NaN, 'x', '', true, [], {}, 'None', '2026-13-99T99:99:99Z'];
  function junk(r: () => number, depth: number): unknown {
    const roll = r();
    if (depth <= 0 || roll < 0.3) return scalars[Math.floor(r() * scalars.length)];
    if (roll < 0.5) return Array.from({ length: Math.floor(r() * 3) }, () => junk(r, depth - 1));
    const keys = ['metadata', 'spec', 'status', 'name', 'labels', 'selector', 'ports', 'type', 'conditions', 'containerStatuses', 'containers', 'endpoints', 'addresses', 'conditions', 'ready', 'ingress', 'loadBalancer', 'clusterIP', 'targetPort', 'port', 'podSelector', 'state', 'waiting', 'involvedObject', 'ownerReferences', 'nodeName', 'app'];
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(r() * 5); i++) obj[keys[Math.floor(r() * keys.length)] as string] = junk(r, depth - 1);
    return obj;
  }
  // Real objects with one field swapped for junk.
  function mutate(r: () => number, value: unknown, depth = 0): unknown {
    if (Array.isArray(value)) return value.map((v) => (r() < 0.2 ? junk(r, 2) : mutate(r, v, depth + 1)));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = r() < 0.15 ? junk(r, 2) : mutate(r, v, depth + 1);
      return out;
    }
    return value;
  }

  it('never throws, and always returns the ten checks', () => {
    const r = rng(42);
    const real = input({
      service: service('web', { type: 'LoadBalancer', selector: { app: 'web' } }),
      pods: [...web.pods, waiting(pod('x'), 'CrashLoopBackOff'), unschedulable(pod('y'), 'm', 30), initialising(pod('z'))],
      endpointSlices: web.slices,
      events: [event({ name: 'web-7d9c6f5b8-2xkqp', reason: 'Unhealthy', message: 'Readiness probe failed: x' })],
      networkPolicies: [networkPolicy('p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })],
      nearMiss: { sameNamespace: [pod('a', { labels: { app: 'wbe' } })], otherNamespaces: [], workloads: [deployment('web')] },
      owners: [],
    });
    for (let i = 0; i < 300; i++) {
      const broken = (i % 3 === 0 ? junk(r, 4) : mutate(r, real)) as ServiceTraceInput;
      const attempt = { ...real, ...(broken && typeof broken === 'object' ? broken : {}), namespace: 'default', name: 'web', now: NOW };
      const report = analyseService(attempt as ServiceTraceInput);
      expect(report.checks.map((c) => c.id)).toEqual([...SERVICE_CHECK_IDS]);
      for (const c of report.checks) {
        expect(typeof c.message).toBe('string');
        expect(c.details.every((d) => typeof d === 'string')).toBe(true);
      }
    }
  });
});
