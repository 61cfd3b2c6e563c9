/**
 * Issue 2 acceptance: the real kubectl against the full embedded cluster (API server + simulated
 * controllers at speed 20). Each step asserts what kubectl prints, the way a user reads it.
 * The steps build on each other (one Deployment goes through its life), so they run in order.
 */
import { describe, expect, it } from 'vitest';
import { eventually, withCluster } from './helpers/cluster.js';
import { hasKubectl, kubectlIn, records, rows, warnIfNoKubectl, type Kubectl } from './helpers/kubectl.js';

warnIfNoKubectl('the kubectl-against-the-full-cluster tests');

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 80
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
`;

/** Requests no Node of the simulated cluster can hold. */
const HUGE_POD = `apiVersion: v1
kind: Pod
metadata:
  name: huge
spec:
  containers:
  - name: main
    image: busybox:1.36
    resources:
      requests:
        cpu: "500"
        memory: 1Ti
`;

/** The selector matches app=bad, the template is labelled app=other, and the image is empty. */
const INVALID = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  replicas: 1
  selector:
    matchLabels:
      app: bad
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
      - name: main
        image: ""
`;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

describe.skipIf(!hasKubectl)('real kubectl against the full embedded cluster', () => {
  const fixture = withCluster({ speed: 20 });
  let kubectl: Kubectl;
  const ok = (args: string[]) => kubectl.ok(args);

  /** `kubectl get rs -l app=web` as {NAME → row}. */
  async function replicaSets(): Promise<Map<string, Record<string, string>>> {
    return new Map(records(await ok(['get', 'rs', '-l', 'app=web'])).map((r) => [r['NAME']!, r]));
  }

  it('kubectl get nodes lists three Ready nodes', async () => {
    kubectl = kubectlIn(fixture);
    const nodes = records(await ok(['get', 'nodes']));
    expect(Object.keys(nodes[0] ?? {})).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes.map((n) => [n['NAME'], n['STATUS'], n['VERSION']])).toEqual([
      ['node-1', 'Ready', 'v1.32.0'],
      ['node-2', 'Ready', 'v1.32.0'],
      ['node-3', 'Ready', 'v1.32.0'],
    ]);
    // describe reads the kubelet's Lease in kube-node-lease, as on a real cluster.
    const described = await ok(['describe', 'node', 'node-2']);
    expect(described).toMatch(/^Lease:\s*\n\s+HolderIdentity:\s+node-2$/m);
    expect(described).toMatch(/^Conditions:[\s\S]*^\s+Ready\s+True\s/m);
  });

  it('kubectl get pods -n kube-system shows CoreDNS and kube-proxy Running', async () => {
    const pods = await eventually(async () => {
      const list = records(await ok(['get', 'pods', '-n', 'kube-system']));
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((p) => p['STATUS'] === 'Running' && p['READY'] === '1/1')).toBe(true);
      return list;
    });
    const names = pods.map((p) => p['NAME']!);
    expect(names.filter((n) => /^coredns-[a-z0-9]+-[a-z0-9]{5}$/.test(n))).toHaveLength(2);
    // kube-proxy is a DaemonSet: one Pod per Node.
    expect(names.filter((n) => /^kube-proxy-[a-z0-9]{5}$/.test(n))).toHaveLength(3);
  });

  it('kubectl apply -f creates a Deployment and a LoadBalancer Service; rollout status succeeds', async () => {
    const manifest = await fixture.file('app.yaml', APP);
    expect(await ok(['apply', '-f', manifest])).toBe('deployment.apps/web created\nservice/web created\n');
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(status).toMatch(/deployment "web" successfully rolled out\n$/);
    const deploy = records(await ok(['get', 'deployment', 'web']));
    expect(deploy[0]).toMatchObject({ NAME: 'web', READY: '3/3', 'UP-TO-DATE': '3', AVAILABLE: '3' });
  });

  it('kubectl wait --for=condition=Available returns "condition met"', async () => {
    expect(await ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=30s'])).toBe('deployment.apps/web condition met\n');
  });

  it('the LoadBalancer Service gets a cluster IP, a node port and an EXTERNAL-IP', async () => {
    const svc = await eventually(async () => {
      const [row] = records(await ok(['get', 'svc', 'web']));
      expect(row?.['EXTERNAL-IP']).toMatch(IPV4);
      return row!;
    });
    expect(svc).toMatchObject({ NAME: 'web', TYPE: 'LoadBalancer' });
    expect(svc['CLUSTER-IP']).toMatch(IPV4);
    expect(svc['PORT(S)']).toMatch(/^80:3\d{4}\/TCP$/);
  });

  it('kubectl get endpointslices shows the ready Pods’ IPs on port 80', async () => {
    const podIPs = records(await ok(['get', 'pods', '-l', 'app=web', '-o', 'wide'])).map((p) => p['IP']!);
    expect(podIPs).toHaveLength(3);
    const [slice] = records(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']));
    expect(slice?.['NAME']).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice).toMatchObject({ ADDRESSTYPE: 'IPv4', PORTS: '80' });
    expect(slice?.['ENDPOINTS']?.split(',').sort()).toEqual([...podIPs].sort());
  });

  it('kubectl get events shows Scheduled, Pulled, Started and ScalingReplicaSet', async () => {
    const events = records(await ok(['get', 'events']));
    const reasons = new Set(events.map((e) => e['REASON']));
    for (const reason of ['Scheduled', 'Pulled', 'Started', 'ScalingReplicaSet']) expect(reasons).toContain(reason);
    const scaling = events.find((e) => e['REASON'] === 'ScalingReplicaSet');
    expect(scaling?.['OBJECT']).toBe('deployment/web');
    expect(scaling?.['MESSAGE']).toMatch(/^Scaled up replica set web-[a-z0-9]+ from 0 to 3$/);
  });

  it('kubectl get -w prints the Deployment, then its changes as kubectl scale takes effect', async () => {
    const watch = kubectl.start(['get', 'deployment', 'web', '-w', '--request-timeout=60s']);
    try {
      await watch.waitForOutput(/^web\s+3\/3/m);
      expect(await ok(['scale', 'deployment/web', '--replicas=4'])).toBe('deployment.apps/web scaled\n');
      // READY is ready/desired: the watch sees the new desired count, then the fourth Pod ready.
      await watch.waitForOutput(/^web\s+4\/4\s+4\s+4\s/m);
      const lines = rows(watch.stdout());
      expect(lines[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      expect(lines.length).toBeGreaterThan(2);
    } finally {
      await watch.stop();
    }
    expect(records(await ok(['get', 'pods', '-l', 'app=web']))).toHaveLength(4);
  });

  it('kubectl set image rolls out a second revision and scales the old ReplicaSet to 0', async () => {
    const [before] = [...(await replicaSets()).keys()];
    expect(await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])).toBe('deployment.apps/web image updated\n');
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toMatch(/successfully rolled out\n$/);
    const rs = await eventually(async () => {
      const all = await replicaSets();
      expect(all.get(before!)).toMatchObject({ DESIRED: '0', CURRENT: '0', READY: '0' });
      return all;
    });
    expect(rs.size).toBe(2);
    const [, current] = [...rs].find(([name]) => name !== before)!;
    expect(current).toMatchObject({ DESIRED: '4', CURRENT: '4', READY: '4' });
    const history = rows(await ok(['rollout', 'history', 'deployment/web']));
    expect(history.slice(1)).toEqual([
      ['REVISION', 'CHANGE-CAUSE'],
      ['1', '<none>'],
      ['2', '<none>'],
    ]);
    const images = await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
    expect(new Set(images.split(' '))).toEqual(new Set(['nginx:1.28']));
  });

  it('kubectl rollout undo brings the first ReplicaSet back as revision 3', async () => {
    const before = await replicaSets();
    const [first] = [...before].find(([, r]) => r['DESIRED'] === '0')!;
    expect(await ok(['rollout', 'undo', 'deployment/web'])).toBe('deployment.apps/web rolled back\n');
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toMatch(/successfully rolled out\n$/);
    const after = await eventually(async () => {
      const all = await replicaSets();
      expect(all.get(first)).toMatchObject({ DESIRED: '4', CURRENT: '4', READY: '4' });
      return all;
    });
    // The old ReplicaSet is reused, not cloned: still two of them, the second one now at 0.
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const history = rows(await ok(['rollout', 'history', 'deployment/web']));
    expect(history.slice(2).map((r) => r[0])).toEqual(['2', '3']);
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.27');
  });

  it('a Pod whose requests fit no node stays Pending with a FailedScheduling event', async () => {
    expect(await ok(['apply', '-f', await fixture.file('huge.yaml', HUGE_POD)])).toBe('pod/huge created\n');
    const described = await eventually(async () => {
      const text = await ok(['describe', 'pod', 'huge']);
      expect(text).toMatch(/Warning\s+FailedScheduling/);
      return text;
    });
    expect(described).toMatch(/^Status:\s+Pending$/m);
    expect(described).toMatch(/default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory\./);
    const [pod] = records(await ok(['get', 'pod', 'huge', '-o', 'wide']));
    expect(pod).toMatchObject({ READY: '0/1', STATUS: 'Pending', NODE: '<none>' });
    const events = records(await ok(['get', 'events', '--field-selector', 'involvedObject.name=huge']));
    expect(events.map((e) => [e['TYPE'], e['REASON'], e['OBJECT']])).toContainEqual(['Warning', 'FailedScheduling', 'pod/huge']);
    await ok(['delete', 'pod', 'huge', '--wait=false']);
  });

  it('an invalid manifest is refused with 422 and the server’s field errors, and nothing is stored', async () => {
    const manifest = await fixture.file('invalid.yaml', INVALID);
    const result = await kubectl.run(['create', '-f', manifest, '-v=6']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/POST https:\/\/127\.0\.0\.1:\d+\/apis\/apps\/v1\/namespaces\/default\/deployments\?\S* 422 Unprocessable Entity/);
    const message = result.stderr.split('\n').filter((l) => !/^[IWE]\d{4} /.test(l));
    expect(message).toEqual(
      expect.arrayContaining([
        'The Deployment "bad" is invalid: ',
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
        '* spec.template.spec.containers[0].image: Required value',
      ]),
    );
    const missing = await kubectl.run(['get', 'deployment', 'bad']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "bad" not found');
  });

  it('kubectl get of an unknown resource type fails with kubectl’s message', async () => {
    const result = await kubectl.run(['get', 'gizmos']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: the server doesn't have a resource type "gizmos"`);
  });

  it('kubectl delete of the Deployment cascades to its ReplicaSets and Pods', async () => {
    expect(await ok(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted\n');
    await eventually(async () => {
      const left = await kubectl.run(['get', 'rs,pods', '-l', 'app=web']);
      expect(left.stdout).toBe('');
      expect(left.stderr).toBe('No resources found in default namespace.\n');
    });
    // The Service owns its EndpointSlice: deleting it takes the slice with it.
    expect(await ok(['delete', 'service', 'web'])).toBe('service "web" deleted\n');
    await eventually(async () => expect(records(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']))).toEqual([]));
  });
});
