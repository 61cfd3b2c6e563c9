/**
 * The StatefulSet controller (pkg/controller/statefulset/{stateful_set_control,stateful_set_utils}.go),
 * kubernetes-facts.md §5:
 *
 * - Pods `<set>-<ordinal>` (ordinals from spec.ordinals.start, default 0) with labels
 *   controller-revision-hash (the ControllerRevision's name), statefulset.kubernetes.io/pod-name and
 *   apps.kubernetes.io/pod-index; spec.hostname = the Pod's name, spec.subdomain = spec.serviceName.
 * - ControllerRevisions `<set>-<hash>` hold the template (data.spec.template, $patch: replace) with
 *   a revision number; going back to an earlier template (`kubectl rollout undo`) renumbers that
 *   revision instead of creating one. Unused revisions beyond revisionHistoryLimit are deleted.
 * - podManagementPolicy OrderedReady: ordinals created one at a time, lowest first, each Running
 *   and Ready (and available for minReadySeconds) before the next; scale down removes the highest
 *   ordinal first, one at a time, and only while every other Pod is healthy. Parallel: all at once.
 * - RollingUpdate: from the highest ordinal down, one Pod at a time, each deleted and recreated at
 *   the update revision and waited for until healthy; ordinals below rollingUpdate.partition keep
 *   (and are recreated at) the current revision. OnDelete: only Pods deleted by someone else come
 *   back at the update revision.
 * - Failed or Succeeded Pods are deleted and recreated (RecreatingFailedPod).
 * - Status: observedGeneration, replicas, readyReplicas, currentReplicas, updatedReplicas,
 *   availableReplicas, currentRevision, updateRevision, collisionCount; once a RollingUpdate has
 *   every Pod updated and ready, currentRevision becomes the update revision (completeRollingUpdate).
 * - Events on the StatefulSet (statefulset-controller): SuccessfulCreate `create Pod web-0 in
 *   StatefulSet web successful`, SuccessfulDelete `delete Pod web-2 in StatefulSet web successful`,
 *   FailedCreate / FailedDelete `… failed error: <API error>`.
 *
 * Not simulated: volumeClaimTemplates (no PersistentVolumeClaims are created and the Pods get no
 * claim volumes), rollingUpdate.maxUnavailable (alpha), hash-collision handling (collisionCount
 * stays 0) and the identity repair of Pods whose labels were edited.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import type { StoreChange } from '../store/types.js';
import {
  arr,
  clone,
  computeHash,
  CONTROLLER_REVISION_HASH,
  controllerRef,
  errorMessage,
  isNotFound,
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
  specReplicas,
  str,
  type JsonObject,
} from './pod-template.js';
import { ensureRevision, ownedRevisions, truncateRevisions, type RevisionOwnerKind } from './controller-revision.js';
import { QueueLoop, objectKey, splitKey, type Controller, type ControllerContext } from './runtime.js';

const STS = 'statefulsets.apps';
const SOURCE = { component: 'statefulset-controller' };
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** The label history.NewControllerRevision puts on a StatefulSet's ControllerRevisions. */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
const HISTORY: RevisionOwnerKind = { kind: 'StatefulSet', hashLabel: REVISION_HASH_LABEL };
/** Simulated wait before retrying a sync whose create or delete the API refused. */
const RETRY_MS = 10_000;

/** getOrdinal: the ordinal in `<set>-<n>`, undefined when the name is not one of the set's. */
export function podOrdinal(setName: string, podName: string): number | undefined {
  if (!podName.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** isRunningAndReady / isRunningAndAvailable, with minReadySeconds as real ms at the cluster speed. */
function runningAndAvailable(pod: KubeObject, minReadyMs: number, now: number): { ok: boolean; waitMs?: number } {
  if (podPhase(pod) !== 'Running' || !isPodReady(pod)) return { ok: false };
  const a = podAvailability(pod, minReadyMs, now);
  return { ok: a.available, waitMs: a.waitMs };
}

function podRevision(pod: KubeObject): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH];
}

interface Revisions {
  current: KubeObject;
  update: KubeObject;
}

/** What one sync of a StatefulSet works on. */
interface SetSync {
  set: KubeObject;
  namespace: string;
  revisions: Revisions;
  /** Index i holds ordinal start+i (undefined: not created yet). */
  replicas: Array<KubeObject | undefined>;
  /** Pods with ordinals beyond the desired range, lowest ordinal first. */
  condemned: KubeObject[];
  minReadyMs: number;
  now: number;
  /** Set when the API refused a create or delete: the sync is retried later. */
  failed: boolean;
  /** Real ms until some Pod becomes available (minReadySeconds), to re-check then. */
  nextCheck?: number;
}

export function createStatefulSetController(): Controller {
  const loop = new QueueLoop();

  function live(): ControllerContext {
    if (!loop.ctx) throw new Error('statefulset-controller not started');
    return loop.ctx;
  }

  function onChange(change: StoreChange): void {
    const { resource, object, previous } = change;
    if (resource.group === 'apps' && resource.plural === 'statefulsets') {
      loop.queue?.add(objectKey(object));
      return;
    }
    if (resource.group !== '' || resource.plural !== 'pods') return;
    for (const pod of previous ? [object, previous] : [object]) {
      const ref = controllerRef(pod);
      if (ref) {
        if (ref.kind === 'StatefulSet') loop.queue?.add(`${pod.metadata.namespace}/${ref.name}`);
        continue;
      }
      // An orphan `<set>-<n>` may be adopted by its set (getParentName).
      const parent = /^(.+)-(0|[1-9]\d*)$/.exec(pod.metadata.name ?? '')?.[1];
      if (parent) loop.queue?.add(`${pod.metadata.namespace}/${parent}`);
    }
  }

  /* ---------------- revisions */

  /** getStatefulSetRevisions: the update revision (created or renumbered) and the current one. */
  function ensureRevisions(set: KubeObject, template: JsonObject, hash: string): Revisions {
    const { store } = live();
    const owned = ownedRevisions(store, set);
    const update = ensureRevision(store, set, HISTORY, owned, template, hash);
    const currentName = str(set, 'status', 'currentRevision');
    const current = owned.find((r) => r.metadata.name === currentName) ?? update;
    return { current, update };
  }

  /** truncateHistory: revisions no live Pod uses, oldest first, beyond revisionHistoryLimit. */
  function truncateHistory(set: KubeObject, revisions: Revisions, pods: KubeObject[]): void {
    const { store } = live();
    const inUse = new Set([revisions.current.metadata.name, revisions.update.metadata.name, ...pods.map(podRevision)]);
    truncateRevisions(store, set, ownedRevisions(store, set).filter((r) => !inUse.has(r.metadata.name)));
  }

  /** The template a revision holds (ApplyRevision), without the $patch directive. */
  function revisionTemplate(revision: KubeObject): JsonObject {
    const template = clone(obj(revision, 'data', 'spec', 'template') ?? {});
    delete template.$patch;
    return template;
  }

  /* ---------------- Pods */

  /** Owned Pods, plus orphans named `<set>-<n>` that match the selector (adoption). */
  function claimPods(set: KubeObject): KubeObject[] {
    const { store } = live();
    const setName = set.metadata.name ?? '';
    const selector = obj(set, 'spec')?.selector;
    const out: KubeObject[] = [];
    for (const pod of store.list('pods', { namespace: set.metadata.namespace }).items) {
      const ref = controllerRef(pod);
      if (ref) {
        if (ref.uid === set.metadata.uid) out.push(pod);
        continue;
      }
      const name = pod.metadata.name ?? '';
      if (podOrdinal(setName, name) === undefined || !matchesLabelSelector(selector, labelsOf(pod))) continue;
      if (isTerminating(pod) || isTerminating(set)) continue;
      const adopted = store.mutate('pods', set.metadata.namespace, name, (copy) => {
        if (controllerRef(copy)) return undefined;
        copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), ownerReference(set, 'apps/v1', 'StatefulSet')];
        return copy;
      });
      if (adopted && controllerRef(adopted)?.uid === set.metadata.uid) out.push(adopted);
    }
    return out;
  }

  /**
   * newVersionedStatefulSetPod: ordinals below the partition are created from the current
   * revision, the others from the update revision (OnDelete: always the update revision).
   */
  function buildPod(s: SetSync, index: number, ordinal: number): KubeObject {
    const { set } = s;
    const strategy = obj(set, 'spec', 'updateStrategy');
    const rolling = (str(strategy, 'type') ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = num(strategy, 'rollingUpdate', 'partition') ?? 0;
    const revision = rolling && index < partition ? s.revisions.current : s.revisions.update;
    const name = `${set.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(revisionTemplate(revision), s.namespace, '', ownerReference(set, 'apps/v1', 'StatefulSet'));
    delete pod.metadata.generateName;
    pod.metadata.name = name;
    pod.metadata.labels = {
      ...(pod.metadata.labels ?? {}),
      [CONTROLLER_REVISION_HASH]: revision.metadata.name ?? '',
      [POD_NAME_LABEL]: name,
      [POD_INDEX_LABEL]: String(ordinal),
    };
    const spec = pod.spec as JsonObject;
    spec.hostname = name;
    const serviceName = str(set, 'spec', 'serviceName');
    if (serviceName) spec.subdomain = serviceName;
    return pod;
  }

  function createPod(s: SetSync, index: number, ordinal: number): void {
    const { store, events } = live();
    const setName = s.set.metadata.name ?? '';
    const pod = buildPod(s, index, ordinal);
    try {
      store.create('pods', s.namespace, pod);
      events.record(s.set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${setName} successful`, SOURCE);
    } catch (error) {
      events.record(s.set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${setName} failed error: ${errorMessage(error)}`, SOURCE);
      s.failed = true;
    }
  }

  function deletePod(s: SetSync, pod: KubeObject): void {
    const { store, events } = live();
    const setName = s.set.metadata.name ?? '';
    try {
      store.delete('pods', s.namespace, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
      events.record(s.set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${setName} successful`, SOURCE);
    } catch (error) {
      if (isNotFound(error)) return;
      events.record(s.set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${setName} failed error: ${errorMessage(error)}`, SOURCE);
      s.failed = true;
    }
  }

  function healthy(s: SetSync, pod: KubeObject): boolean {
    if (isTerminating(pod)) return false;
    const r = runningAndAvailable(pod, s.minReadyMs, s.now);
    if (r.waitMs !== undefined) s.nextCheck = Math.min(s.nextCheck ?? Infinity, r.waitMs);
    return r.ok;
  }

  /* ---------------- the sync (updateStatefulSet) */

  /** Brings the Pods one step closer to the spec; returns early where the policy says to wait. */
  function manage(s: SetSync): void {
    const { events } = live();
    const monotonic = str(s.set, 'spec', 'podManagementPolicy') !== 'Parallel';
    const start = num(s.set, 'spec', 'ordinals', 'start') ?? 0;

    for (let i = 0; i < s.replicas.length; i++) {
      let pod = s.replicas[i];
      const phase = pod ? podPhase(pod) : '';
      if (pod && !isTerminating(pod) && (phase === 'Failed' || phase === 'Succeeded')) {
        const which = `StatefulSet ${s.namespace}/${s.set.metadata.name} is recreating`;
        if (phase === 'Failed') events.record(s.set, 'Warning', 'RecreatingFailedPod', `${which} failed Pod ${pod.metadata.name}`, SOURCE);
        else events.record(s.set, 'Normal', 'RecreatingTerminatedPod', `${which} terminated Pod ${pod.metadata.name}`, SOURCE);
        deletePod(s, pod);
        if (s.failed) return;
        // Terminal Pods are deleted at once (no grace period), so the ordinal is free again.
        pod = live().store.tryGet('pods', s.namespace, pod.metadata.name ?? '');
        s.replicas[i] = pod;
      }
      if (!pod) {
        createPod(s, i, start + i);
        if (s.failed || monotonic) return;
        continue;
      }
      if (isTerminating(pod)) {
        // The Pod must be gone before its ordinal is created again.
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(s, pod)) return;
    }

    // Scale down: highest ordinal first; OrderedReady only while every other Pod is healthy.
    const all = [...s.replicas.filter((p): p is KubeObject => p !== undefined), ...s.condemned];
    const firstUnhealthy = all.find((p) => !healthy(s, p));
    for (const pod of [...s.condemned].reverse()) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && firstUnhealthy && firstUnhealthy !== pod) return;
      deletePod(s, pod);
      if (s.failed || monotonic) return;
    }

    const strategy = obj(s.set, 'spec', 'updateStrategy');
    if ((str(strategy, 'type') ?? 'RollingUpdate') !== 'RollingUpdate') return;
    // Rolling update: highest ordinal first, one Pod at a time, down to the partition.
    const partition = num(strategy, 'rollingUpdate', 'partition') ?? 0;
    const updateName = s.revisions.update.metadata.name;
    for (let i = s.replicas.length - 1; i >= partition; i--) {
      const pod = s.replicas[i];
      if (!pod) return;
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        deletePod(s, pod);
        return;
      }
      if (!healthy(s, pod)) return;
    }
  }

  /** updateStatefulSetStatus / computeReplicaStatus / completeRollingUpdate. */
  function writeStatus(s: SetSync, pods: KubeObject[]): void {
    const { store } = live();
    const currentName = s.revisions.current.metadata.name ?? '';
    const updateName = s.revisions.update.metadata.name ?? '';
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let current = 0;
    let updated = 0;
    for (const pod of pods) {
      if (podPhase(pod) === '') continue; // isCreated
      replicas++;
      if (podPhase(pod) === 'Running' && isPodReady(pod)) {
        ready++;
        if (runningAndAvailable(pod, s.minReadyMs, s.now).ok) available++;
      }
      if (isTerminating(pod)) continue;
      if (podRevision(pod) === currentName) current++;
      if (podRevision(pod) === updateName) updated++;
    }
    let currentRevision = currentName;
    const rolling = (str(s.set, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate') === 'RollingUpdate';
    if (rolling && updated === replicas && ready === replicas) {
      current = updated;
      currentRevision = updateName;
    }
    const old = obj(s.set, 'status') ?? {};
    // Zero counts are omitted on the wire except replicas and availableReplicas (not omitempty).
    const status: JsonObject = { observedGeneration: s.set.metadata.generation ?? 1, replicas };
    if (ready) status.readyReplicas = ready;
    if (current) status.currentReplicas = current;
    if (updated) status.updatedReplicas = updated;
    status.currentRevision = currentRevision;
    status.updateRevision = updateName;
    status.collisionCount = num(old, 'collisionCount') ?? 0;
    status.availableReplicas = available;
    const conditions = arr(old, 'conditions');
    if (conditions.length) status.conditions = conditions;
    if (jsonEqual(status, old)) return;
    try {
      store.mutate(
        STS,
        s.namespace,
        s.set.metadata.name ?? '',
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

  function reconcile(key: string): void {
    if (!loop.ctx) return;
    const { store, clock } = loop.ctx;
    const { namespace, name } = splitKey(key);
    const set = store.tryGet(STS, namespace, name);
    // A StatefulSet being deleted is left to the garbage collector.
    if (!set || !namespace || isTerminating(set)) return;
    const template = obj(set, 'spec', 'template') ?? {};
    const revisions = ensureRevisions(set, template, computeHash(template, num(set, 'status', 'collisionCount') ?? 0));
    const start = num(set, 'spec', 'ordinals', 'start') ?? 0;
    const count = specReplicas(set);
    const s: SetSync = {
      set,
      namespace,
      revisions,
      replicas: new Array<KubeObject | undefined>(count).fill(undefined),
      condemned: [],
      minReadyMs: minReadyRealMs(set, loop.ctx),
      now: clock.now(),
      failed: false,
    };
    for (const pod of claimPods(set)) {
      const ordinal = podOrdinal(name, pod.metadata.name ?? '');
      if (ordinal === undefined) continue;
      if (ordinal >= start && ordinal < start + count) s.replicas[ordinal - start] = pod;
      else s.condemned.push(pod);
    }
    s.condemned.sort((a, b) => (podOrdinal(name, a.metadata.name ?? '') ?? 0) - (podOrdinal(name, b.metadata.name ?? '') ?? 0));
    manage(s);

    const pods = store.list('pods', { namespace }).items.filter((p) => controllerRef(p)?.uid === set.metadata.uid);
    writeStatus(s, pods);
    truncateHistory(set, revisions, pods);
    if (s.failed) loop.queue?.addAfter(key, loop.ctx.duration(RETRY_MS));
    else if (s.nextCheck !== undefined) loop.queue?.addAfter(key, s.nextCheck);
  }

  return loop.controller({
    name: 'statefulset-controller',
    logLabel: 'statefulset',
    reconcile,
    onChange,
    resync(context, queue) {
      for (const set of context.store.list(STS).items) queue.add(objectKey(set));
    },
  });
}
