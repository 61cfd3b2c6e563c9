/**
 * The ReplicaSet controller (kube-controller-manager's replicaset-controller,
 * pkg/controller/replicaset/replica_set.go): keeps spec.replicas active Pods that match the
 * selector and are controlled by the ReplicaSet, and reports status.
 *
 * Mirrored behaviour:
 * - Claims Pods like the ControllerRefManager: adopts orphans matching the selector, releases owned
 *   Pods whose labels stopped matching; terminating and terminal Pods do not count.
 * - Creates missing Pods from the template (generateName `<rs>-`, template labels, annotations and
 *   finalizers, ownerReference controller:true blockOwnerDeletion:true) in slow-start batches
 *   1, 2, 4, … (at most 500 per sync); an error stops the sync, records FailedCreate and sets the
 *   ReplicaFailure condition.
 * - Deletes extras preferring unscheduled, then pending, then not-ready, then recently-ready,
 *   most-restarted and newest Pods (controller.ActivePodsWithRanks).
 * - Status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas (Ready for
 *   minReadySeconds; requeued until then), observedGeneration; zero counts omitted as on the wire.
 * - Events SuccessfulCreate `Created pod: x` / SuccessfulDelete `Deleted pod: x` on the ReplicaSet.
 */
import { compareText } from '../../lib/compare.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import type { StoreChange } from '../store/types.js';
import { QueueLoop, objectKey, splitKey, type Controller } from './runtime.js';
import {
  arr,
  controllerRef,
  creationMs,
  errorMessage,
  isNotFound,
  isPodActive,
  isPodReady,
  isTerminating,
  jsonEqual,
  labelsOf,
  matchesLabelSelector,
  minReadyRealMs,
  matchesMap,
  num,
  obj,
  ownerReference,
  podAvailability,
  podCondition,
  podFromTemplate,
  podPhase,
  specReplicas,
  stringMap,
  type JsonObject,
} from './pod-template.js';

const RS = 'replicasets.apps';
const SOURCE = { component: 'replicaset-controller' };
/** controller.BurstReplicas: the most Pods one sync creates or deletes. */
const BURST_REPLICAS = 500;

export interface ReplicaSetControllerOptions {
  burstReplicas?: number;
}

/** Pods compared for scale-down, most deletable first (controller.ActivePodsWithRanks, simplified). */
export function compareForDeletion(a: KubeObject, b: KubeObject): number {
  const assigned = (p: KubeObject) => (obj(p, 'spec')?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phaseRank = (p: KubeObject) => ({ Pending: 0, Unknown: 1, Running: 2 })[podPhase(p)] ?? 0;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ready = (p: KubeObject) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isPodReady(a) && isPodReady(b)) {
    const since = (p: KubeObject) => Date.parse(String(podCondition(p, 'Ready')?.lastTransitionTime ?? '')) || 0;
    if (since(a) !== since(b)) return since(b) - since(a); // ready for less time goes first
  }
  const restarts = (p: KubeObject) =>
    Math.max(0, ...arr(p, 'status', 'containerStatuses').map((c) => num(c, 'restartCount') ?? 0));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  // Newer first. Equal creation times (whole seconds: common) fall back to the UID, as the real
  // ranking does for Pods in the same logarithmic age bucket (LogarithmicScaleDown), then the name.
  return (
    creationMs(b) - creationMs(a) ||
    compareText(a.metadata.uid ?? '', b.metadata.uid ?? '') ||
    compareText(a.metadata.name ?? '', b.metadata.name ?? '')
  );
}

interface RsIndexEntry {
  namespace: string;
  selector: unknown;
}

export function createReplicaSetController(options: ReplicaSetControllerOptions = {}): Controller {
  const burst = options.burstReplicas ?? BURST_REPLICAS;
  const loop = new QueueLoop();
  // Selectors of known ReplicaSets, so an orphan Pod's change finds who may adopt it without
  // reading the store inside the subscription callback.
  const index = new Map<string, RsIndexEntry>();

  function onChange(change: StoreChange): void {
    const { resource, object, previous } = change;
    if (resource.group === 'apps' && resource.plural === 'replicasets') {
      const key = objectKey(object);
      if (change.type === 'DELETED') index.delete(key);
      else index.set(key, { namespace: object.metadata.namespace ?? '', selector: obj(object, 'spec')?.selector });
      loop.queue?.add(key);
      return;
    }
    if (resource.group !== '' || resource.plural !== 'pods') return;
    for (const pod of previous ? [object, previous] : [object]) {
      const ref = controllerRef(pod);
      if (ref) {
        if (ref.kind === 'ReplicaSet') loop.queue?.add(`${pod.metadata.namespace}/${ref.name}`);
        continue;
      }
      for (const [key, entry] of index) {
        if (entry.namespace === pod.metadata.namespace && matchesLabelSelector(entry.selector, labelsOf(pod))) loop.queue?.add(key);
      }
    }
  }

  function reconcile(key: string): void {
    if (!loop.ctx) return;
    const { store, events, clock } = loop.ctx;
    const { namespace, name } = splitKey(key);
    const rs = store.tryGet(RS, namespace, name);
    if (!rs || !namespace) return;
    const selector = obj(rs, 'spec')?.selector;
    const owner = ownerReference(rs, 'apps/v1', 'ReplicaSet');

    const claimed = claimPods(rs, selector);
    const active = claimed.filter(isPodActive);
    const replicas = specReplicas(rs);
    let manageError: { reason: string; message: string } | undefined;

    if (!isTerminating(rs)) {
      const diff = active.length - replicas;
      if (diff < 0) {
        let remaining = Math.min(-diff, burst);
        const template = obj(rs, 'spec', 'template');
        // slowStartBatch: 1, 2, 4, … so a quota or admission failure costs one request, not hundreds.
        for (let batch = 1; remaining > 0 && !manageError; batch *= 2) {
          const size = Math.min(batch, remaining);
          for (let i = 0; i < size; i++) {
            try {
              const pod = store.create('pods', namespace, podFromTemplate(template, namespace, `${name}-`, owner));
              events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
            } catch (error) {
              const message = errorMessage(error);
              events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`, SOURCE);
              manageError = { reason: 'FailedCreate', message };
              break;
            }
          }
          remaining -= size;
        }
      } else if (diff > 0) {
        const victims = [...active].sort(compareForDeletion).slice(0, Math.min(diff, burst));
        for (const pod of victims) {
          try {
            store.delete('pods', namespace, pod.metadata.name ?? '');
            events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
          } catch (error) {
            if (isNotFound(error)) continue;
            const message = errorMessage(error);
            events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${message}`, SOURCE);
            manageError = { reason: 'FailedDelete', message };
          }
        }
      }
    }

    // Status is computed from what the store holds now: the creates and deletes above are
    // synchronous, so there is no expectation cache to wait on.
    const pods = listOwned(rs).filter(isPodActive);
    const minReadyMs = minReadyRealMs(rs, loop.ctx);
    const now = clock.now();
    const templateLabels = stringMap(obj(rs, 'spec', 'template', 'metadata')?.labels);
    let ready = 0;
    let available = 0;
    let fullyLabeled = 0;
    let nextCheck: number | undefined;
    for (const pod of pods) {
      if (matchesMap(templateLabels, labelsOf(pod))) fullyLabeled++;
      if (isPodReady(pod)) ready++;
      const a = podAvailability(pod, minReadyMs, now);
      if (a.available) available++;
      else if (a.waitMs !== undefined) nextCheck = Math.min(nextCheck ?? Infinity, a.waitMs);
    }
    if (nextCheck !== undefined) loop.queue?.addAfter(key, nextCheck);

    writeStatus(rs, { replicas: pods.length, fullyLabeled, ready, available }, manageError);
    // The real sync returns the error and is retried with back-off, repeating the Warning event
    // (the recorder aggregates it by count); a fixed simulated 10 s keeps the store quiet.
    if (manageError) loop.queue?.addAfter(key, loop.ctx.duration(10_000));
  }

  function claimPods(rs: KubeObject, selector: unknown): KubeObject[] {
    if (!loop.ctx) return [];
    const { store } = loop.ctx;
    const namespace = rs.metadata.namespace;
    const owned: KubeObject[] = [];
    for (const pod of store.list('pods', { namespace }).items) {
      const ref = controllerRef(pod);
      const matches = matchesLabelSelector(selector, labelsOf(pod));
      if (ref) {
        if (ref.uid !== rs.metadata.uid) continue;
        if (matches) owned.push(pod);
        else if (!isTerminating(pod)) release(pod, rs);
        continue;
      }
      // Adoption: orphans that match, unless either side is going away.
      if (!matches || isTerminating(pod) || isTerminating(rs)) continue;
      const adopted = store.mutate('pods', namespace, pod.metadata.name ?? '', (copy) => {
        if (controllerRef(copy)) return undefined;
        copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), ownerReference(rs, 'apps/v1', 'ReplicaSet')];
        return copy;
      });
      if (adopted && controllerRef(adopted)?.uid === rs.metadata.uid) owned.push(adopted);
    }
    return owned;
  }

  function release(pod: KubeObject, rs: KubeObject): void {
    loop.ctx?.store.mutate('pods', pod.metadata.namespace, pod.metadata.name ?? '', (copy) => {
      const refs = copy.metadata.ownerReferences ?? [];
      const kept = refs.filter((r) => r.uid !== rs.metadata.uid);
      if (kept.length === refs.length) return undefined;
      if (kept.length) copy.metadata.ownerReferences = kept;
      else delete copy.metadata.ownerReferences;
      return copy;
    });
  }

  function listOwned(rs: KubeObject): KubeObject[] {
    if (!loop.ctx) return [];
    return loop.ctx.store.list('pods', { namespace: rs.metadata.namespace }).items.filter((p) => controllerRef(p)?.uid === rs.metadata.uid);
  }

  function writeStatus(
    rs: KubeObject,
    counts: { replicas: number; fullyLabeled: number; ready: number; available: number },
    manageError: { reason: string; message: string } | undefined,
  ): void {
    if (!loop.ctx) return;
    const clock = loop.ctx.clock;
    const old = obj(rs, 'status') ?? {};
    const status: JsonObject = { replicas: counts.replicas };
    if (counts.fullyLabeled) status.fullyLabeledReplicas = counts.fullyLabeled;
    if (counts.ready) status.readyReplicas = counts.ready;
    if (counts.available) status.availableReplicas = counts.available;
    status.observedGeneration = rs.metadata.generation ?? 1;
    let conditions = arr(old, 'conditions').filter((c): c is JsonObject => typeof c === 'object' && c !== null);
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError && !failure) {
      conditions = [
        ...conditions,
        { type: 'ReplicaFailure', status: 'True', lastTransitionTime: metaTimeNow(clock), reason: manageError.reason, message: manageError.message },
      ];
    } else if (!manageError && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    if (conditions.length) status.conditions = conditions;
    if (jsonEqual(status, old)) return;
    try {
      loop.ctx.store.mutate(
        RS,
        rs.metadata.namespace,
        rs.metadata.name ?? '',
        (copy) => {
          copy.status = status;
          return copy;
        },
        { subresource: 'status' },
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  return loop.controller({
    name: 'replicaset-controller',
    logLabel: 'replicaset',
    reconcile,
    onChange,
    resync(context, queue) {
      for (const rs of context.store.list(RS).items) {
        const key = objectKey(rs);
        index.set(key, { namespace: rs.metadata.namespace ?? '', selector: obj(rs, 'spec')?.selector });
        queue.add(key);
      }
    },
    reset: () => index.clear(),
  });
}
