/**
 * The Deployment controller (kube-controller-manager's deployment-controller,
 * pkg/controller/deployment/{deployment_controller,sync,rolling,recreate,progress}.go and
 * deployment/util/deployment_util.go), following kubernetes-facts.md §5:
 *
 * - ReplicaSets `<deploy>-<pod-template-hash>`: template labels + pod-template-hash, selector +
 *   pod-template-hash, annotations revision / desired-replicas / max-replicas (+ the Deployment's
 *   own annotations except last-applied and the deployment.kubernetes.io ones), controller ref.
 * - The "new" ReplicaSet is the oldest owned one whose template equals the Deployment's ignoring
 *   pod-template-hash; its revision becomes max(old revisions)+1, so `kubectl rollout undo`
 *   (which patches the template back) revives an old ReplicaSet with a new revision and a
 *   revision-history annotation.
 * - RollingUpdate with maxSurge (rounded up) / maxUnavailable (rounded down): scale the new
 *   ReplicaSet up within the surge, then old ones down (unhealthy Pods first) within availability.
 *   Recreate: old ReplicaSets to 0, wait until their Pods are gone, then the new one at full size.
 * - spec.replicas changes on a Deployment mid-rollout are spread proportionally over the active
 *   ReplicaSets (scale()), paused Deployments only scale and report Progressing Unknown
 *   DeploymentPaused / DeploymentResumed.
 * - Status (observedGeneration, replicas, updated/ready/available/unavailable) and the conditions
 *   Available / Progressing / ReplicaFailure with the real reasons and messages; the progress
 *   deadline (scaled by the cluster speed) is re-checked with a timer.
 * - Events ScalingReplicaSet `Scaled up replica set D-h from 0 to 3` on the Deployment.
 * - Old ReplicaSets at zero beyond revisionHistoryLimit are deleted once the rollout is complete.
 */
import type { TimerHandle } from '../../lib/clock.js';
import type { KubeObject } from '../../lib/kube-object.js';
import { metaTimeNow } from '../time.js';
import type { StoreChange } from '../store/types.js';
import { deleteIfPresent, QueueLoop, objectKey, splitKey, type Controller, type ControllerContext } from './runtime.js';
import {
  arr,
  byCreation,
  clone,
  computeHash,
  controllerRef,
  errorMessage,
  isAlreadyExists,
  isEmptySelector,
  isObject,
  isTerminating,
  jsonEqual,
  labelsOf,
  matchesLabelSelector,
  num,
  obj,
  ownerReference,
  podPhase,
  POD_TEMPLATE_HASH,
  scaledValue,
  specReplicas,
  str,
  stringMap,
  withoutLabel,
  type JsonObject,
} from './pod-template.js';

const DEPLOY = 'deployments.apps';
const RS = 'replicasets.apps';
const SOURCE = { component: 'deployment-controller' };

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const MAX_REV_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

// ---------------------------------------------------------------------------------------------
// Pure helpers (deployment/util), exported for tests
// ---------------------------------------------------------------------------------------------

function statusCount(o: KubeObject | undefined, f: string): number {
  return (o && num(o, 'status', f)) ?? 0;
}

function isRollingUpdate(d: KubeObject): boolean {
  return (str(d, 'spec', 'strategy', 'type') ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 → unavailable 1. */
export function resolveFenceposts(d: KubeObject): { maxSurge: number; maxUnavailable: number } {
  if (!isRollingUpdate(d)) return { maxSurge: 0, maxUnavailable: 0 };
  const replicas = specReplicas(d);
  const ru = obj(d, 'spec', 'strategy', 'rollingUpdate') ?? {};
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', replicas, true, 0);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false, 0);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(d: KubeObject): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0;
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicas);
}

export function revisionOf(rs: KubeObject): number {
  const v = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isInteger(v) ? v : 0;
}

/**
 * deployment/util EqualIgnoreHash: Semantic.DeepEqual of the templates without the hash label.
 * It compares decoded Go structs, where a JSON null and an absent field are the same zero value:
 * `kubectl rollout undo` sends the old ReplicaSet's template with `creationTimestamp: null`,
 * and must find that ReplicaSet again rather than create a twin of it.
 */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return jsonEqual(withoutNulls(withoutLabel(a, POD_TEMPLATE_HASH)), withoutNulls(withoutLabel(b, POD_TEMPLATE_HASH)));
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function sumSpec(rss: KubeObject[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

function sumStatus(rss: KubeObject[], f: string): number {
  return rss.reduce((n, rs) => n + statusCount(rs, f), 0);
}


function hasProgressDeadline(d: KubeObject): boolean {
  const s = num(d, 'spec', 'progressDeadlineSeconds');
  return s !== undefined && s !== MAX_INT32;
}

type Condition = JsonObject & { type: string; status: string; reason?: string };

function conditionsOf(status: JsonObject): Condition[] {
  return arr(status, 'conditions').filter((c): c is Condition => isObject(c) && typeof c.type === 'string');
}

function getCondition(status: JsonObject, type: string): Condition | undefined {
  return conditionsOf(status).find((c) => c.type === type);
}

function newCondition(type: string, status: string, reason: string, message: string, now: string): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status+reason → unchanged; same status → keep lastTransitionTime. */
function setCondition(status: JsonObject, cond: Condition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...conditionsOf(status).filter((c) => c.type !== cond.type), cond];
}

function removeCondition(status: JsonObject, type: string): void {
  const kept = conditionsOf(status).filter((c) => c.type !== type);
  if (kept.length) status.conditions = kept;
  else delete status.conditions;
}

/** DeploymentComplete. */
function deploymentComplete(d: KubeObject, status: JsonObject): boolean {
  const replicas = specReplicas(d);
  return (
    (num(status, 'updatedReplicas') ?? 0) === replicas &&
    (num(status, 'replicas') ?? 0) === replicas &&
    (num(status, 'availableReplicas') ?? 0) === replicas &&
    (num(status, 'observedGeneration') ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: any increase in updated/ready/available or decrease in old replicas. */
function deploymentProgressing(d: KubeObject, status: JsonObject): boolean {
  const old = obj(d, 'status') ?? {};
  const n = (s: JsonObject, f: string) => num(s, f) ?? 0;
  return (
    n(status, 'updatedReplicas') > n(old, 'updatedReplicas') ||
    n(status, 'replicas') - n(status, 'updatedReplicas') < n(old, 'replicas') - n(old, 'updatedReplicas') ||
    n(status, 'readyReplicas') > n(old, 'readyReplicas') ||
    n(status, 'availableReplicas') > n(old, 'availableReplicas')
  );
}

/** Status field order and omitempty as the API server serializes DeploymentStatus. */
function normalizeStatus(status: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const f of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) {
    const v = num(status, f);
    if (v) out[f] = v;
  }
  const conditions = conditionsOf(status);
  if (conditions.length) out.conditions = conditions;
  const collision = num(status, 'collisionCount');
  if (collision !== undefined) out.collisionCount = collision;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

interface Sync {
  ctx: ControllerContext;
  key: string;
  /** The Deployment as last written (kept current as the sync writes it). */
  d: KubeObject;
  rsList: KubeObject[];
}

export function createDeploymentController(): Controller {
  const loop = new QueueLoop();
  const selectors = new Map<string, { namespace: string; selector: unknown }>();
  /** ReplicaSet key → owning Deployment key, so Pod deletions reach the Deployment (Recreate). */
  const rsOwner = new Map<string, string>();
  const deadlineTimers = new Map<string, { at: number; handle: TimerHandle }>();

  function onChange(change: StoreChange): void {
    const { resource, object, previous } = change;
    if (resource.group === 'apps' && resource.plural === 'deployments') {
      const key = objectKey(object);
      if (change.type === 'DELETED') {
        selectors.delete(key);
        deadlineTimers.get(key)?.handle.cancel();
        deadlineTimers.delete(key);
      } else selectors.set(key, { namespace: object.metadata.namespace ?? '', selector: obj(object, 'spec')?.selector });
      loop.queue?.add(key);
      return;
    }
    if (resource.group === 'apps' && resource.plural === 'replicasets') {
      const key = objectKey(object);
      const ref = controllerRef(object);
      if (change.type === 'DELETED') rsOwner.delete(key);
      else if (ref?.kind === 'Deployment') rsOwner.set(key, `${object.metadata.namespace}/${ref.name}`);
      for (const rs of previous ? [object, previous] : [object]) {
        const r = controllerRef(rs);
        if (r) {
          if (r.kind === 'Deployment') loop.queue?.add(`${rs.metadata.namespace}/${r.name}`);
          continue;
        }
        for (const [dkey, entry] of selectors) {
          if (entry.namespace === rs.metadata.namespace && matchesLabelSelector(entry.selector, labelsOf(rs))) loop.queue?.add(dkey);
        }
      }
      return;
    }
    // Recreate waits for old Pods to be gone: their deletion must wake the Deployment up.
    if (resource.group === '' && resource.plural === 'pods' && change.type === 'DELETED') {
      const ref = controllerRef(object);
      if (ref?.kind !== 'ReplicaSet') return;
      const owner = rsOwner.get(`${object.metadata.namespace}/${ref.name}`);
      if (owner) loop.queue?.add(owner);
    }
  }

  function reconcile(key: string, ctx: ControllerContext): void {
    const { namespace, name } = splitKey(key);
    const d = ctx.store.tryGet(DEPLOY, namespace, name);
    if (!d || !namespace) return;
    const s: Sync = { ctx, key, d, rsList: [] };

    if (isEmptySelector(obj(d, 'spec')?.selector)) {
      ctx.events.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', SOURCE);
      return;
    }
    s.rsList = claimReplicaSets(s);

    if (isTerminating(d)) {
      const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, false);
      syncDeploymentStatus(s, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
      return;
    }
    checkPausedConditions(s);
    if (obj(d, 'spec')?.paused === true || isScalingEvent(s)) {
      syncScale(s);
      return;
    }
    if (isRollingUpdate(d)) rolloutRolling(s);
    else rolloutRecreate(s);
  }

  // --- ReplicaSet ownership ---

  function claimReplicaSets(s: Sync): KubeObject[] {
    const { store } = s.ctx;
    const selector = obj(s.d, 'spec')?.selector;
    const owned: KubeObject[] = [];
    for (const rs of store.list(RS, { namespace: s.d.metadata.namespace }).items) {
      const ref = controllerRef(rs);
      const matches = matchesLabelSelector(selector, labelsOf(rs));
      if (ref) {
        if (ref.uid !== s.d.metadata.uid) continue;
        if (matches) owned.push(rs);
        else
          store.mutate(RS, rs.metadata.namespace, rs.metadata.name ?? '', (copy) => {
            copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== s.d.metadata.uid);
            return copy;
          });
        continue;
      }
      if (!matches || isTerminating(rs)) continue;
      const adopted = store.mutate(RS, rs.metadata.namespace, rs.metadata.name ?? '', (copy) => {
        if (controllerRef(copy)) return undefined;
        copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), ownerReference(s.d, 'apps/v1', 'Deployment')];
        return copy;
      });
      if (adopted && controllerRef(adopted)?.uid === s.d.metadata.uid) owned.push(adopted);
    }
    return owned;
  }

  function replaceRs(s: Sync, rs: KubeObject): void {
    const i = s.rsList.findIndex((r) => r.metadata.uid === rs.metadata.uid);
    if (i >= 0) s.rsList[i] = rs;
    else s.rsList.push(rs);
  }

  // --- writes ---

  function writeDeploymentStatus(s: Sync, status: JsonObject): void {
    const normalized = normalizeStatus(status);
    if (jsonEqual(normalized, obj(s.d, 'status') ?? {})) return;
    const written = s.ctx.store.mutate(
      DEPLOY,
      s.d.metadata.namespace,
      s.d.metadata.name ?? '',
      (copy) => {
        copy.status = normalized;
        return copy;
      },
      { subresource: 'status' },
    );
    if (written) s.d = written;
  }

  /**
   * The real controller sets the revision annotation through UpdateStatus: the Deployment status
   * strategy lets annotations through there, so the generation does not move. If this store's
   * status subresource keeps metadata as stored, fall back to a main-resource write (which bumps
   * the generation, as any Deployment annotation change does).
   */
  function setDeploymentRevision(s: Sync, revision: string): void {
    if (s.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
    const { store } = s.ctx;
    const ns = s.d.metadata.namespace;
    const name = s.d.metadata.name ?? '';
    const annotate = (copy: KubeObject) => {
      copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
      return copy;
    };
    let written = store.mutate(DEPLOY, ns, name, annotate, { subresource: 'status' });
    if (written?.metadata.annotations?.[REVISION_ANNOTATION] !== revision) written = store.mutate(DEPLOY, ns, name, annotate);
    if (written) s.d = written;
  }

  function setReplicasAnnotations(annotations: Record<string, string>, d: KubeObject): boolean {
    const desired = String(specReplicas(d));
    const max = String(specReplicas(d) + maxSurge(d));
    const changed = annotations[DESIRED_REPLICAS_ANNOTATION] !== desired || annotations[MAX_REPLICAS_ANNOTATION] !== max;
    annotations[DESIRED_REPLICAS_ANNOTATION] = desired;
    annotations[MAX_REPLICAS_ANNOTATION] = max;
    return changed;
  }

  /** scaleReplicaSet: size and replica annotations in one update; event only when the size moved. */
  function scaleReplicaSet(s: Sync, rs: KubeObject, newScale: number, operation?: 'up' | 'down'): { scaled: boolean; rs: KubeObject } {
    const oldScale = specReplicas(rs);
    const annotations = { ...(rs.metadata.annotations ?? {}) };
    const annotationsChanged = setReplicasAnnotations(annotations, s.d);
    if (oldScale === newScale && !annotationsChanged) return { scaled: false, rs };
    const written = s.ctx.store.mutate(RS, rs.metadata.namespace, rs.metadata.name ?? '', (copy) => {
      (copy.spec as JsonObject).replicas = newScale;
      copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), ...annotations };
      return copy;
    });
    const result = written ?? rs;
    replaceRs(s, result);
    if (oldScale !== newScale) {
      const op = operation ?? (oldScale < newScale ? 'up' : 'down');
      s.ctx.events.record(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`, SOURCE);
    }
    return { scaled: oldScale !== newScale, rs: result };
  }

  function scaleAndRecord(s: Sync, rs: KubeObject, newScale: number): boolean {
    if (specReplicas(rs) === newScale) return false;
    return scaleReplicaSet(s, rs, newScale).scaled;
  }

  // --- revisions and the new ReplicaSet ---

  function copyDeploymentAnnotations(d: KubeObject, annotations: Record<string, string>): boolean {
    let changed = false;
    const skip = new Set([LAST_APPLIED, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO]);
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
      if (skip.has(k) || annotations[k] === v) continue;
      annotations[k] = v;
      changed = true;
    }
    return changed;
  }

  /** SetNewReplicaSetAnnotations: bump the revision, remembering the old one in revision-history. */
  function setNewReplicaSetAnnotations(d: KubeObject, annotations: Record<string, string>, newRevision: number, exists: boolean): boolean {
    let changed = copyDeploymentAnnotations(d, annotations);
    const oldText = annotations[REVISION_ANNOTATION];
    const oldRevision = oldText === undefined ? 0 : Number(oldText) || 0;
    if (oldRevision < newRevision) {
      annotations[REVISION_ANNOTATION] = String(newRevision);
      changed = true;
      if (oldText !== undefined) {
        const history = (annotations[REVISION_HISTORY_ANNOTATION] ?? '').split(',').filter((x) => x !== '');
        history.push(oldText);
        while (history.join(',').length > MAX_REV_HISTORY_CHARS && history.length > 1) history.shift();
        annotations[REVISION_HISTORY_ANNOTATION] = history.join(',');
      }
    }
    if (!exists && setReplicasAnnotations(annotations, d)) changed = true;
    return changed;
  }

  function findNewReplicaSet(d: KubeObject, rsList: KubeObject[]): KubeObject | undefined {
    const template = obj(d, 'spec', 'template');
    return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(obj(rs, 'spec', 'template'), template));
  }

  /** NewRSNewReplicas: how big the new ReplicaSet may be right now. */
  function newRSNewReplicas(d: KubeObject, allRSs: KubeObject[], newRSReplicas: number): number {
    if (!isRollingUpdate(d)) return specReplicas(d);
    const replicas = specReplicas(d);
    const currentPodCount = sumSpec(allRSs);
    const maxTotal = replicas + maxSurge(d);
    if (currentPodCount >= maxTotal) return newRSReplicas;
    const scaleUp = Math.min(maxTotal - currentPodCount, replicas - newRSReplicas);
    return newRSReplicas + scaleUp;
  }

  function getAllReplicaSetsAndSyncRevision(s: Sync, createIfNotExisted: boolean): { newRS?: KubeObject; oldRSs: KubeObject[] } {
    const { store, events, clock } = s.ctx;
    const d = s.d;
    const found = findNewReplicaSet(d, s.rsList);
    const oldRSs = s.rsList.filter((rs) => rs !== found);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const now = metaTimeNow(clock);

    if (found) {
      const annotations = { ...(found.metadata.annotations ?? {}) };
      const annotationsUpdated = setNewReplicaSetAnnotations(d, annotations, newRevision, true);
      const minReady = num(d, 'spec', 'minReadySeconds') ?? 0;
      const minReadyChanged = (num(found, 'spec', 'minReadySeconds') ?? 0) !== minReady;
      if (annotationsUpdated || minReadyChanged) {
        const written = store.mutate(RS, found.metadata.namespace, found.metadata.name ?? '', (copy) => {
          copy.metadata.annotations = annotations;
          const spec = copy.spec as JsonObject;
          if (minReady) spec.minReadySeconds = minReady;
          else delete spec.minReadySeconds;
          return copy;
        });
        const rs = written ?? found;
        replaceRs(s, rs);
        return { newRS: rs, oldRSs };
      }
      setDeploymentRevision(s, found.metadata.annotations?.[REVISION_ANNOTATION] ?? String(newRevision));
      const status = clone(obj(s.d, 'status') ?? {});
      if (hasProgressDeadline(s.d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${found.metadata.name}"`, now));
        writeDeploymentStatus(s, status);
      }
      return { newRS: found, oldRSs };
    }
    if (!createIfNotExisted) return { oldRSs };

    // A brand-new ReplicaSet for the current template.
    const collisionCount = num(d, 'status', 'collisionCount');
    const template = clone(obj(d, 'spec', 'template') ?? {});
    const hash = computeHash(template, collisionCount);
    const meta = (isObject(template.metadata) ? template.metadata : (template.metadata = {})) as JsonObject;
    meta.labels = { ...stringMap(meta.labels), [POD_TEMPLATE_HASH]: hash };
    const selector = clone(obj(d, 'spec', 'selector') ?? {});
    selector.matchLabels = { ...stringMap(selector.matchLabels), [POD_TEMPLATE_HASH]: hash };
    const annotations: Record<string, string> = {};
    setNewReplicaSetAnnotations(d, annotations, newRevision, false);
    const replicas = newRSNewReplicas(d, oldRSs, 0);
    const rsName = `${d.metadata.name}-${hash}`;
    const spec: JsonObject = { replicas };
    const minReady = num(d, 'spec', 'minReadySeconds');
    if (minReady) spec.minReadySeconds = minReady;
    spec.selector = selector;
    spec.template = template;
    const body: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: d.metadata.namespace,
        labels: stringMap(meta.labels),
        annotations,
        ownerReferences: [ownerReference(d, 'apps/v1', 'Deployment')],
      },
      spec,
    };
    let created: KubeObject;
    let alreadyExisted = false;
    try {
      created = store.create(RS, d.metadata.namespace, body);
    } catch (error) {
      if (isAlreadyExists(error)) {
        const existing = store.tryGet(RS, d.metadata.namespace, rsName);
        if (existing && controllerRef(existing)?.uid === d.metadata.uid && equalIgnoreHash(obj(existing, 'spec', 'template'), obj(d, 'spec', 'template'))) {
          created = existing;
          alreadyExisted = true;
        } else {
          // Hash collision: bump collisionCount so the next sync hashes differently, and retry.
          const status = clone(obj(s.d, 'status') ?? {});
          status.collisionCount = (collisionCount ?? 0) + 1;
          writeDeploymentStatus(s, status);
          throw error;
        }
      } else {
        const message = `Failed to create new replica set "${rsName}": ${errorMessage(error)}`;
        if (hasProgressDeadline(d)) {
          const status = clone(obj(s.d, 'status') ?? {});
          setCondition(status, newCondition('Progressing', 'False', 'ReplicaSetCreateError', message, now));
          writeDeploymentStatus(s, status);
        }
        events.record(d, 'Warning', 'ReplicaSetCreateError', message, SOURCE);
        throw error;
      }
    }
    replaceRs(s, created);
    if (!alreadyExisted && replicas > 0) {
      events.record(s.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`, SOURCE);
    }
    setDeploymentRevision(s, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(s.d)) {
      const status = clone(obj(s.d, 'status') ?? {});
      setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, now));
      writeDeploymentStatus(s, status);
    }
    return { newRS: created, oldRSs };
  }

  // --- status ---

  function calculateStatus(s: Sync, allRSs: KubeObject[], newRS: KubeObject | undefined): JsonObject {
    const d = s.d;
    const available = sumStatus(allRSs, 'availableReplicas');
    const total = sumSpec(allRSs);
    const status: JsonObject = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sumStatus(allRSs, 'replicas'),
      updatedReplicas: statusCount(newRS, 'replicas'),
      readyReplicas: sumStatus(allRSs, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      conditions: clone(conditionsOf(obj(d, 'status') ?? {})),
    };
    const collision = num(d, 'status', 'collisionCount');
    if (collision !== undefined) status.collisionCount = collision;
    const now = metaTimeNow(s.ctx.clock);
    if (available >= specReplicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
    } else {
      setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
    }
    return status;
  }

  function syncDeploymentStatus(s: Sync, allRSs: KubeObject[], newRS: KubeObject | undefined): void {
    writeDeploymentStatus(s, calculateStatus(s, allRSs, newRS));
  }

  function progressDeadlineMs(s: Sync): number {
    return s.ctx.duration((num(s.d, 'spec', 'progressDeadlineSeconds') ?? 600) * 1000);
  }

  function deploymentTimedOut(s: Sync, status: JsonObject): boolean {
    if (!hasProgressDeadline(s.d)) return false;
    const cond = getCondition(status, 'Progressing');
    if (!cond) return false;
    if (cond.reason === 'NewReplicaSetAvailable') return false;
    if (cond.reason === 'ProgressDeadlineExceeded') return true;
    const from = Date.parse(String(cond.lastUpdateTime ?? ''));
    return Number.isFinite(from) && from + progressDeadlineMs(s) < s.ctx.clock.now();
  }

  function syncRolloutStatus(s: Sync, allRSs: KubeObject[], newRS: KubeObject | undefined): void {
    const d = s.d;
    const status = calculateStatus(s, allRSs, newRS);
    const now = metaTimeNow(s.ctx.clock);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(obj(d, 'status') ?? {}, 'Progressing');
    const isComplete = (num(status, 'replicas') ?? 0) === (num(status, 'updatedReplicas') ?? 0) && current?.reason === 'NewReplicaSetAvailable';
    if (hasProgressDeadline(d) && !isComplete) {
      if (deploymentComplete(d, status)) {
        setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${newRS?.metadata.name}" has successfully progressed.`, now));
      } else if (deploymentProgressing(d, status)) {
        const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${newRS?.metadata.name}" is progressing.`, now);
        // Progress refreshes lastUpdateTime even with the same reason; the transition time stays.
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, 'Progressing');
        }
        setCondition(status, cond);
      } else if (deploymentTimedOut(s, obj(d, 'status') ?? {})) {
        setCondition(status, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRS?.metadata.name}" has timed out progressing.`, now));
      }
    }
    const failure = replicaFailure(allRSs, newRS);
    if (failure) setCondition(status, failure);
    else removeCondition(status, 'ReplicaFailure');
    writeDeploymentStatus(s, status);
    requeueStuckDeployment(s, status);
  }

  /** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else any old one's. */
  function replicaFailure(allRSs: KubeObject[], newRS: KubeObject | undefined): Condition | undefined {
    const ordered = newRS ? [newRS, ...allRSs.filter((r) => r !== newRS)] : allRSs;
    for (const rs of ordered) {
      const c = getCondition(obj(rs, 'status') ?? {}, 'ReplicaFailure');
      if (c) {
        const out: Condition = { type: 'ReplicaFailure', status: c.status };
        out.lastUpdateTime = c.lastTransitionTime;
        out.lastTransitionTime = c.lastTransitionTime;
        if (c.reason !== undefined) out.reason = c.reason;
        if (c.message !== undefined) out.message = c.message;
        return out;
      }
    }
    return undefined;
  }

  /** Without progress the deadline must be re-checked even if nothing else happens. */
  function requeueStuckDeployment(s: Sync, status: JsonObject): void {
    const current = getCondition(obj(s.d, 'status') ?? {}, 'Progressing');
    if (!hasProgressDeadline(s.d) || !current) return;
    if (deploymentComplete(s.d, status) || current.reason === 'ProgressDeadlineExceeded') return;
    const from = Date.parse(String(current.lastUpdateTime ?? ''));
    if (!Number.isFinite(from)) return;
    const at = from + progressDeadlineMs(s) + 1;
    const existing = deadlineTimers.get(s.key);
    if (existing && existing.at <= at && existing.at > s.ctx.clock.now()) return;
    existing?.handle.cancel();
    const key = s.key;
    const handle = s.ctx.clock.setTimeout(() => {
      deadlineTimers.delete(key);
      loop.queue?.add(key);
    }, Math.max(1, at - s.ctx.clock.now()));
    deadlineTimers.set(key, { at, handle });
  }

  // --- paused and scaling ---

  function checkPausedConditions(s: Sync): void {
    if (!hasProgressDeadline(s.d)) return;
    const status = clone(obj(s.d, 'status') ?? {});
    const cond = getCondition(status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return;
    const pausedCondExists = cond?.reason === 'DeploymentPaused';
    const paused = obj(s.d, 'spec')?.paused === true;
    const now = metaTimeNow(s.ctx.clock);
    if (paused && !pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now));
    } else if (!paused && pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now));
    } else return;
    writeDeploymentStatus(s, status);
  }

  function isScalingEvent(s: Sync): boolean {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, false);
    const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => specReplicas(rs) > 0);
    return active.some((rs) => {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== specReplicas(s.d);
    });
  }

  function syncScale(s: Sync): void {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, false);
    scale(s, newRS, oldRSs);
    const current = currentSets(s, newRS);
    if (obj(s.d, 'spec')?.paused === true) cleanupDeployment(s, current.oldRSs);
    syncDeploymentStatus(s, [...current.oldRSs, ...(current.newRS ? [current.newRS] : [])], current.newRS);
  }

  /** The sync's ReplicaSets as last written (scaling replaces entries of s.rsList). */
  function currentSets(s: Sync, newRS: KubeObject | undefined): { newRS?: KubeObject; oldRSs: KubeObject[] } {
    const fresh = newRS ? s.rsList.find((r) => r.metadata.uid === newRS.metadata.uid) : undefined;
    return { newRS: fresh, oldRSs: s.rsList.filter((r) => r.metadata.uid !== newRS?.metadata.uid) };
  }

  /** scale(): the single active ReplicaSet takes the new size; several share it proportionally. */
  function scale(s: Sync, newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
    const d = s.d;
    const replicas = specReplicas(d);
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (specReplicas(activeOrLatest) !== replicas) scaleAndRecord(s, activeOrLatest, replicas);
      return;
    }
    // IsSaturated: the new ReplicaSet alone serves the full, current size; old ones can go.
    const desired = Number(newRS?.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? NaN);
    if (newRS && specReplicas(newRS) === replicas && desired === replicas && statusCount(newRS, 'availableReplicas') === replicas) {
      for (const rs of oldRSs.filter((r) => specReplicas(r) > 0)) scaleAndRecord(s, rs, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = [...oldRSs, ...(newRS ? [newRS] : [])].filter((r) => specReplicas(r) > 0);
    const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
    const toAdd = allowed - sumSpec(all);
    let operation: 'up' | 'down' | undefined;
    if (toAdd > 0) {
      // Larger first; among equals the newer ones grow first (ReplicaSetsBySizeNewer: equal
      // creation times by name, reversed).
      all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(b, a));
      operation = 'up';
    } else if (toAdd < 0) {
      // Larger first; among equals the older ones shrink first (ReplicaSetsBySizeOlder).
      all.sort((a, b) => specReplicas(b) - specReplicas(a) || byCreation(a, b));
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<KubeObject, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const proportion = getProportion(rs, d, toAdd, added);
        sizes.set(rs, specReplicas(rs) + proportion);
        added += proportion;
      } else sizes.set(rs, specReplicas(rs));
    }
    all.forEach((rs, i) => {
      let size = sizes.get(rs) ?? specReplicas(rs);
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + (toAdd - added));
      scaleReplicaSet(s, rs, size, operation);
    });
  }

  function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
    if (!newRS && oldRSs.length === 0) return undefined;
    const sortedOld = [...oldRSs].sort((a, b) => byCreation(b, a));
    const active = [...sortedOld, ...(newRS ? [newRS] : [])].filter((r) => specReplicas(r) > 0);
    if (active.length === 0) return newRS ?? sortedOld[0];
    if (active.length === 1) return active[0];
    return undefined;
  }

  function getProportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
    if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    let fraction: number;
    if (specReplicas(d) === 0) fraction = -specReplicas(rs);
    else {
      const deploymentReplicas = specReplicas(d) + maxSurge(d);
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? NaN);
      const base = Number.isFinite(annotated) && annotated > 0 ? annotated : num(d, 'status', 'replicas') || specReplicas(rs);
      const size = (specReplicas(rs) * deploymentReplicas) / base;
      fraction = Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  // --- strategies ---

  function rolloutRolling(s: Sync): void {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, true);
    if (!newRS) return;
    if (reconcileNewReplicaSet(s, newRS, oldRSs)) {
      const cur = currentSets(s, newRS);
      syncRolloutStatus(s, [...cur.oldRSs, ...(cur.newRS ? [cur.newRS] : [])], cur.newRS);
      return;
    }
    const scaledDown = reconcileOldReplicaSets(s, newRS, oldRSs);
    const cur = currentSets(s, newRS);
    const all = [...cur.oldRSs, ...(cur.newRS ? [cur.newRS] : [])];
    if (!scaledDown && deploymentComplete(s.d, obj(s.d, 'status') ?? {})) cleanupDeployment(s, cur.oldRSs);
    syncRolloutStatus(s, all, cur.newRS);
  }

  function reconcileNewReplicaSet(s: Sync, newRS: KubeObject, oldRSs: KubeObject[]): boolean {
    const replicas = specReplicas(s.d);
    const current = specReplicas(newRS);
    if (current === replicas) return false;
    if (current > replicas) return scaleAndRecord(s, newRS, replicas);
    const target = newRSNewReplicas(s.d, [...oldRSs, newRS], current);
    return scaleAndRecord(s, newRS, target);
  }

  function reconcileOldReplicaSets(s: Sync, newRS: KubeObject, oldRSsIn: KubeObject[]): boolean {
    const d = s.d;
    let oldRSs = oldRSsIn.map((r) => s.rsList.find((x) => x.metadata.uid === r.metadata.uid) ?? r);
    const fresh = s.rsList.find((x) => x.metadata.uid === newRS.metadata.uid) ?? newRS;
    if (sumSpec(oldRSs) === 0) return false;
    const allPods = sumSpec([...oldRSs, fresh]);
    const minAvailable = specReplicas(d) - maxUnavailable(d);
    const newUnavailable = specReplicas(fresh) - statusCount(fresh, 'availableReplicas');
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;

    // cleanupUnhealthyReplicas: scaling down Pods that are not available costs no availability.
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const size = specReplicas(rs);
      const availableHere = statusCount(rs, 'availableReplicas');
      if (size === 0 || size === availableHere) continue;
      const down = Math.min(maxScaledDown - cleaned, size - availableHere);
      scaleAndRecord(s, rs, size - down);
      cleaned += down;
    }
    oldRSs = oldRSs.map((r) => s.rsList.find((x) => x.metadata.uid === r.metadata.uid) ?? r);

    // scaleDownOldReplicaSetsForRollingUpdate: then healthy ones, oldest first, within availability.
    let scaled = 0;
    const available = sumStatus([...oldRSs, fresh], 'availableReplicas');
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of [...oldRSs].sort(byCreation)) {
        if (scaled >= total) break;
        const size = specReplicas(rs);
        if (size === 0) continue;
        const down = Math.min(size, total - scaled);
        scaleAndRecord(s, rs, size - down);
        scaled += down;
      }
    }
    return cleaned + scaled > 0;
  }

  function rolloutRecreate(s: Sync): void {
    let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, false);
    let scaledDown = false;
    for (const rs of oldRSs.filter((r) => specReplicas(r) > 0)) {
      if (scaleAndRecord(s, rs, 0)) scaledDown = true;
    }
    let cur = currentSets(s, newRS);
    if (scaledDown) {
      syncRolloutStatus(s, [...cur.oldRSs, ...(cur.newRS ? [cur.newRS] : [])], cur.newRS);
      return;
    }
    if (oldPodsRunning(s, cur.oldRSs)) {
      syncRolloutStatus(s, [...cur.oldRSs, ...(cur.newRS ? [cur.newRS] : [])], cur.newRS);
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(s, true));
    cur = currentSets(s, newRS);
    if (cur.newRS) scaleAndRecord(s, cur.newRS, specReplicas(s.d));
    cur = currentSets(s, newRS);
    if (deploymentComplete(s.d, obj(s.d, 'status') ?? {})) cleanupDeployment(s, cur.oldRSs);
    syncRolloutStatus(s, [...cur.oldRSs, ...(cur.newRS ? [cur.newRS] : [])], cur.newRS);
  }

  /** oldPodsRunning: any old ReplicaSet Pod not yet Succeeded/Failed, terminating ones included. */
  function oldPodsRunning(s: Sync, oldRSs: KubeObject[]): boolean {
    if (sumStatus(oldRSs, 'replicas') > 0) return true;
    const uids = new Set(oldRSs.map((r) => r.metadata.uid));
    return s.ctx.store
      .list('pods', { namespace: s.d.metadata.namespace })
      .items.some((p) => uids.has(controllerRef(p)?.uid) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
  }

  /** cleanupDeployment: delete the oldest empty ReplicaSets beyond revisionHistoryLimit. */
  function cleanupDeployment(s: Sync, oldRSs: KubeObject[]): void {
    const limit = num(s.d, 'spec', 'revisionHistoryLimit');
    if (limit === undefined) return;
    const cleanable = oldRSs.filter((rs) => !isTerminating(rs));
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if (statusCount(rs, 'replicas') !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 0) > statusCount(rs, 'observedGeneration')) continue;
      if (deleteIfPresent(s.ctx.store, RS, rs.metadata.namespace, rs.metadata.name ?? '')) {
        s.rsList = s.rsList.filter((r) => r.metadata.uid !== rs.metadata.uid);
      }
    }
  }

  return loop.controller({
    name: 'deployment-controller',
    logLabel: 'deployment',
    reconcile,
    onChange,
    resync(context, queue) {
      for (const rs of context.store.list(RS).items) {
        const ref = controllerRef(rs);
        if (ref?.kind === 'Deployment') rsOwner.set(objectKey(rs), `${rs.metadata.namespace}/${ref.name}`);
      }
      for (const d of context.store.list(DEPLOY).items) {
        const key = objectKey(d);
        selectors.set(key, { namespace: d.metadata.namespace ?? '', selector: obj(d, 'spec')?.selector });
        queue.add(key);
      }
    },
    reset() {
      for (const t of deadlineTimers.values()) t.handle.cancel();
      deadlineTimers.clear();
      selectors.clear();
      rsOwner.clear();
    },
  });
}
