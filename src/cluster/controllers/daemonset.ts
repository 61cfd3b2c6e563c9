/**
 * The DaemonSet controller (pkg/controller/daemon/{daemon_controller,update}.go), kubernetes-facts.md §5:
 *
 * - One Pod per Node that should run it: the template's nodeSelector / required node affinity
 *   match, and every NoSchedule/NoExecute taint is tolerated (by the template's tolerations plus
 *   the ones the controller adds to every daemon Pod: not-ready, unreachable, disk/memory/pid
 *   pressure, unschedulable, and network-unavailable for hostNetwork Pods).
 * - Placement: by default, as the real controller does since 1.12, the Pod gets a required node
 *   affinity `matchFields metadata.name In [node]` and the scheduler binds it (so Scheduled events
 *   appear); `placement: 'nodeName'` sets spec.nodeName directly instead (the pre-1.12 way).
 * - Pods carry labels controller-revision-hash and pod-template-generation; a ControllerRevision
 *   `<ds>-<hash>` holds the template (data.spec.template, $patch: replace) with its revision number.
 * - Duplicates on a Node are trimmed to the oldest, failed Pods replaced, Pods on Nodes that should
 *   not run them deleted (numberMisscheduled meanwhile).
 * - RollingUpdate (maxUnavailable default 1, maxSurge 0): old unavailable Pods go at once, old
 *   available ones only while fewer than maxUnavailable Nodes are unavailable; the next sync
 *   creates the updated Pod once the old one is gone. OnDelete leaves old Pods alone.
 * - Status: desired/current/updated NumberScheduled, numberReady, numberAvailable,
 *   numberUnavailable, numberMisscheduled, observedGeneration.
 * - Events SuccessfulCreate `Created pod: x` / SuccessfulDelete `Deleted pod: x` on the DaemonSet.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { StoreChange } from '../store/types.js';
import { ensureRevision, ownedRevisions, truncateRevisions, type RevisionOwnerKind } from './controller-revision.js';
import { QueueLoop, objectKey, splitKey, type Controller } from './runtime.js';
import { matchesNodeAffinity, tolerates, type Taint, type Toleration } from './scheduler.js';
import {
  arr,
  byCreation,
  computeHash,
  CONTROLLER_REVISION_HASH,
  controllerRef,
  errorMessage,
  isNotFound,
  isObject,
  isPodReady,
  isTerminating,
  jsonEqual,
  labelsOf,
  matchesLabelSelector,
  minReadyRealMs,
  num,
  obj,
  ownerReference,
  podAvailability,
  podFromTemplate,
  podPhase,
  scaledValue,
  str,
  type JsonObject,
} from './pod-template.js';

const DS = 'daemonsets.apps';
const SOURCE = { component: 'daemonset-controller' };
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';
/** A DaemonSet's revisions carry the same hash label as its Pods (dsc.snapshot). */
const HISTORY: RevisionOwnerKind = { kind: 'DaemonSet', hashLabel: CONTROLLER_REVISION_HASH };

export interface DaemonSetControllerOptions {
  /** How a daemon Pod is tied to its Node; default 'affinity' (the real controller's way). */
  placement?: 'affinity' | 'nodeName';
}

/** util.AddOrUpdateDaemonPodTolerations. */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });
  const out = [
    t('node.kubernetes.io/not-ready', 'NoExecute'),
    t('node.kubernetes.io/unreachable', 'NoExecute'),
    t('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    t('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    t('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    t('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) out.push(t('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return out;
}

function templateTolerations(template: unknown): Toleration[] {
  return arr(template, 'spec', 'tolerations').filter(isObject) as Toleration[];
}

function withDaemonTolerations(template: unknown): Toleration[] {
  const own = templateTolerations(template);
  const extra = daemonPodTolerations(obj(template, 'spec')?.hostNetwork === true).filter(
    (t) => !own.some((o) => o.key === t.key && o.effect === t.effect),
  );
  return [...own, ...extra];
}

/** NodeShouldRunDaemonPod: selector/affinity fit and every scheduling taint tolerated. */
export function nodeShouldRunDaemonPod(node: KubeObject, template: unknown): boolean {
  const podLike: KubeObject = { metadata: {}, spec: obj(template, 'spec') ?? {} };
  if (!matchesNodeAffinity(podLike, node)) return false;
  const tolerations = withDaemonTolerations(template);
  for (const raw of arr(node, 'spec', 'taints')) {
    if (!isObject(raw)) continue;
    const taint = raw as unknown as Taint;
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => tolerates(t, taint))) return false;
  }
  return true;
}

/** The Node a daemon Pod belongs to: spec.nodeName, else the metadata.name node affinity. */
export function daemonPodNode(pod: KubeObject): string | undefined {
  const bound = str(pod, 'spec', 'nodeName');
  if (bound) return bound;
  for (const term of arr(pod, 'spec', 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms')) {
    for (const f of arr(term, 'matchFields')) {
      if (str(f, 'key') === 'metadata.name' && str(f, 'operator') === 'In') {
        const v = arr(f, 'values')[0];
        if (typeof v === 'string') return v;
      }
    }
  }
  return undefined;
}

export function createDaemonSetController(options: DaemonSetControllerOptions = {}): Controller {
  const placement = options.placement ?? 'affinity';
  const loop = new QueueLoop();
  const known = new Set<string>();

  function onChange(change: StoreChange): void {
    const { resource, object } = change;
    if (resource.group === 'apps' && resource.plural === 'daemonsets') {
      const key = objectKey(object);
      if (change.type === 'DELETED') known.delete(key);
      else known.add(key);
      loop.queue?.add(key);
    } else if (resource.group === '' && resource.plural === 'pods') {
      const ref = controllerRef(object);
      if (ref?.kind === 'DaemonSet') loop.queue?.add(`${object.metadata.namespace}/${ref.name}`);
    } else if (resource.group === '' && resource.plural === 'nodes') {
      for (const key of known) loop.queue?.add(key);
    }
  }

  function buildPod(ds: KubeObject, template: unknown, hash: string, nodeName: string): KubeObject {
    const pod = podFromTemplate(template, ds.metadata.namespace ?? '', `${ds.metadata.name}-`, ownerReference(ds, 'apps/v1', 'DaemonSet'));
    pod.metadata.labels = {
      ...(pod.metadata.labels ?? {}),
      [CONTROLLER_REVISION_HASH]: hash,
      [POD_TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1),
    };
    const spec = pod.spec as JsonObject;
    spec.tolerations = withDaemonTolerations(template);
    if (placement === 'nodeName') {
      spec.nodeName = nodeName;
    } else {
      const affinity = isObject(spec.affinity) ? spec.affinity : {};
      const nodeAffinity = isObject(affinity.nodeAffinity) ? affinity.nodeAffinity : {};
      // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become exactly this node.
      nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
      };
      affinity.nodeAffinity = nodeAffinity;
      spec.affinity = affinity;
    }
    return pod;
  }

  /** Ensures the ControllerRevision for the current template (snapshot + cleanupHistory). */
  function syncRevisions(ds: KubeObject, template: unknown, hash: string): void {
    if (!loop.ctx) return;
    const { store } = loop.ctx;
    const owned = ownedRevisions(store, ds);
    const current = ensureRevision(store, ds, HISTORY, owned, template, hash);
    // Old revisions beyond revisionHistoryLimit, oldest first.
    truncateRevisions(store, ds, owned.filter((r) => r.metadata.name !== current.metadata.name));
  }

  function reconcile(key: string): void {
    if (!loop.ctx) return;
    const { store, events, clock } = loop.ctx;
    const { namespace, name } = splitKey(key);
    const ds = store.tryGet(DS, namespace, name);
    if (!ds || !namespace) return;
    const template = obj(ds, 'spec', 'template') ?? {};
    const hash = computeHash(template, num(ds, 'status', 'collisionCount'));
    const minReadyMs = minReadyRealMs(ds, loop.ctx);
    const selector = obj(ds, 'spec')?.selector;
    const nodes = store.list('nodes').items;

    const listPods = () => {
      const byNode = new Map<string, KubeObject[]>();
      for (const pod of store.list('pods', { namespace }).items) {
        if (controllerRef(pod)?.uid !== ds.metadata.uid || !matchesLabelSelector(selector, labelsOf(pod))) continue;
        const node = daemonPodNode(pod) ?? '';
        byNode.set(node, [...(byNode.get(node) ?? []), pod]);
      }
      // podByCreationTimestampAndPhase: scheduled Pods first, then oldest, equal times by name;
      // pods[0] is the one a node keeps.
      const scheduled = (p: KubeObject) => (obj(p, 'spec')?.nodeName ? 0 : 1);
      for (const list of byNode.values()) list.sort((a, b) => scheduled(a) - scheduled(b) || byCreation(a, b));
      return byNode;
    };

    const deletePod = (pod: KubeObject) => {
      try {
        store.delete('pods', namespace, pod.metadata.name ?? '');
        events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
      } catch (error) {
        if (!isNotFound(error)) events.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(error)}`, SOURCE);
      }
    };

    if (!isTerminating(ds)) {
      syncRevisions(ds, template, hash);
      // manage(): create where missing, trim duplicates, replace failed, remove misscheduled.
      const byNode = listPods();
      const nodeNames = new Set(nodes.map((n) => n.metadata.name ?? ''));
      for (const node of nodes) {
        const nodeName = node.metadata.name ?? '';
        const shouldRun = nodeShouldRunDaemonPod(node, template);
        const pods = byNode.get(nodeName) ?? [];
        if (shouldRun && pods.length === 0) {
          try {
            const pod = store.create('pods', namespace, buildPod(ds, template, hash, nodeName));
            events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
          } catch (error) {
            events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(error)}`, SOURCE);
          }
        } else if (shouldRun) {
          const running: KubeObject[] = [];
          for (const pod of pods) {
            if (isTerminating(pod)) continue;
            if (podPhase(pod) === 'Failed') {
              events.record(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`, SOURCE);
              deletePod(pod);
              continue;
            }
            running.push(pod);
          }
          for (const extra of running.slice(1)) deletePod(extra);
        } else {
          for (const pod of pods) if (!isTerminating(pod)) deletePod(pod);
        }
      }
      // Pods tied to Nodes that no longer exist (the pod GC's job on a real cluster).
      for (const [nodeName, pods] of byNode) {
        if (nodeNames.has(nodeName)) continue;
        for (const pod of pods) if (!isTerminating(pod)) deletePod(pod);
      }

      if ((str(ds, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate') === 'RollingUpdate') rollingUpdate(ds, nodes, template, hash, minReadyMs, deletePod, listPods());
    }

    // updateDaemonSetStatus
    const byNode = listPods();
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let nextCheck: number | undefined;
    const now = clock.now();
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name ?? '') ?? [];
      if (nodeShouldRunDaemonPod(node, template)) {
        desired++;
        const pod = pods[0];
        if (!pod) continue;
        current++;
        if (isPodReady(pod)) {
          ready++;
          const a = podAvailability(pod, minReadyMs, now);
          if (a.available) available++;
          else if (a.waitMs !== undefined) nextCheck = Math.min(nextCheck ?? Infinity, a.waitMs);
        }
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) updated++;
      } else if (pods.length > 0) misscheduled++;
    }
    if (nextCheck !== undefined) loop.queue?.addAfter(key, nextCheck);
    const status: JsonObject = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
    };
    if (updated) status.updatedNumberScheduled = updated;
    if (available) status.numberAvailable = available;
    if (desired - available > 0) status.numberUnavailable = desired - available;
    const collision = num(ds, 'status', 'collisionCount');
    if (collision !== undefined) status.collisionCount = collision;
    const conditions = arr(ds, 'status', 'conditions');
    if (conditions.length) status.conditions = conditions;
    if (jsonEqual(status, obj(ds, 'status') ?? {})) return;
    store.mutate(
      DS,
      namespace,
      name,
      (copy) => {
        copy.status = status;
        return copy;
      },
      { subresource: 'status' },
    );
  }

  /** rollingUpdate (maxSurge 0): delete old Pods within maxUnavailable; manage() recreates them. */
  function rollingUpdate(
    ds: KubeObject,
    nodes: KubeObject[],
    template: unknown,
    hash: string,
    minReadyMs: number,
    deletePod: (pod: KubeObject) => void,
    byNode: Map<string, KubeObject[]>,
  ): void {
    if (!loop.ctx) return;
    const now = loop.ctx.clock.now();
    const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(n, template));
    const maxUnavailable = Math.max(
      scaledValue(obj(ds, 'spec', 'updateStrategy', 'rollingUpdate')?.maxUnavailable ?? 1, eligible.length, true, 1),
      0,
    ) || 1;
    let numUnavailable = 0;
    const allowedReplacements: KubeObject[] = [];
    const candidates: KubeObject[] = [];
    for (const node of eligible) {
      const pods = (byNode.get(node.metadata.name ?? '') ?? []).filter((p) => !isTerminating(p));
      const fresh = pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash);
      const old = pods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] !== hash);
      if (fresh.length > 1 || old.length > 1 || (fresh.length === 0) === (old.length === 0)) {
        numUnavailable++;
        continue;
      }
      const newPod = fresh[0];
      const oldPod = old[0];
      if (newPod) {
        if (!podAvailability(newPod, minReadyMs, now).available) numUnavailable++;
      } else if (oldPod) {
        if (!podAvailability(oldPod, minReadyMs, now).available) allowedReplacements.push(oldPod);
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    for (const pod of [...allowedReplacements, ...candidates.slice(0, remaining)]) deletePod(pod);
  }

  return loop.controller({
    name: 'daemonset-controller',
    logLabel: 'daemonset',
    reconcile,
    onChange,
    resync(context, queue) {
      for (const ds of context.store.list(DS).items) {
        known.add(objectKey(ds));
        queue.add(objectKey(ds));
      }
    },
    reset: () => known.clear(),
  });
}
