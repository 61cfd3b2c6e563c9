/**
 * The scale subresource: an autoscaling/v1 Scale view of an object with spec.replicas
 * (Deployments, ReplicaSets, StatefulSets), as `kubectl scale` and HPAs read and write it.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { invalid } from '../store/errors.js';
import { formatLabelSelector } from './tables.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

export function toScale(obj: KubeObject): KubeObject {
  const spec = rec(obj['spec']);
  const status = rec(obj['status']);
  const metadata: KubeObject['metadata'] = {};
  for (const key of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    if (obj.metadata[key] !== undefined) metadata[key] = obj.metadata[key];
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 0 },
    status: {
      replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0,
      // Scale.status.selector is the serialized label selector (string form).
      selector: spec['selector'] === undefined ? '' : formatLabelSelector(spec['selector']),
    },
  };
}

/** spec.replicas of a Scale body; 422 like the real Scale validation when not an integer >= 0. */
export function replicasOf(scale: unknown, name: string): number {
  const replicas = rec(rec(scale)['spec'])['replicas'];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      },
    ], 'autoscaling');
  }
  return replicas;
}

/** RFC 7386 JSON merge patch, enough for patches of a Scale (no lists to merge). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Rec = { ...rec(target) };
  for (const [key, value] of Object.entries(patch as Rec)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
