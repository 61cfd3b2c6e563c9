/**
 * CustomResourceDefinitions: turning a CRD into a served resource and the status the
 * apiextensions-apiserver's naming and establishing controllers write (NamesAccepted,
 * Established, acceptedNames, storedVersions). kubespy serves one version per resource: the
 * storage version.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { deepEqual, isRecord } from './json.js';
import type { ResourceType } from './types.js';

export const CRD_RESOURCE = 'customresourcedefinitions.apiextensions.k8s.io';

const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function spec(crd: KubeObject): Record<string, unknown> {
  return isRecord(crd.spec) ? crd.spec : {};
}

function names(crd: KubeObject): CrdNames | undefined {
  const n = spec(crd).names;
  if (!isRecord(n) || typeof n.plural !== 'string' || typeof n.kind !== 'string' || !n.plural || !n.kind) return undefined;
  return {
    plural: n.plural,
    kind: n.kind,
    singular: typeof n.singular === 'string' && n.singular ? n.singular : n.kind.toLowerCase(),
    listKind: typeof n.listKind === 'string' && n.listKind ? n.listKind : `${n.kind}List`,
    shortNames: strings(n.shortNames),
    categories: strings(n.categories),
  };
}

function versions(crd: KubeObject): Array<Record<string, unknown>> {
  const v = spec(crd).versions;
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** The storage version, or the first served one when none is marked. */
function storageVersion(crd: KubeObject): Record<string, unknown> | undefined {
  const all = versions(crd);
  return all.find((v) => v.storage === true) ?? all.find((v) => v.served !== false) ?? all[0];
}

/** The resource a CRD defines; undefined while its spec is incomplete. */
export function crdResourceType(crd: KubeObject): ResourceType | undefined {
  const s = spec(crd);
  const n = names(crd);
  const version = storageVersion(crd);
  if (!n || typeof s.group !== 'string' || !s.group || !version || typeof version.name !== 'string') return undefined;
  const sub = isRecord(version.subresources) ? version.subresources : {};
  const subresources: Array<'status' | 'scale'> = [];
  if (sub.status !== undefined) subresources.push('status');
  if (sub.scale !== undefined) subresources.push('scale');
  return {
    group: s.group,
    version: version.name,
    kind: n.kind,
    listKind: n.listKind,
    plural: n.plural,
    singular: n.singular,
    shortNames: n.shortNames,
    categories: n.categories,
    namespaced: s.scope !== 'Cluster',
    subresources,
    verbs: [...CRD_VERBS].sort(),
  };
}

/** Checks the apiextensions validation rejects most often (metadata.name, group, names, versions). */
export function validateCrd(crd: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const s = spec(crd);
  const n = names(crd);
  if (typeof s.group !== 'string' || !s.group) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.group' });
  }
  if (!n) {
    const raw = isRecord(s.names) ? s.names : {};
    if (!raw.plural) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.plural' });
    if (!raw.kind) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.kind' });
  }
  if (n && typeof s.group === 'string' && s.group && crd.metadata.name !== `${n.plural}.${s.group}`) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${crd.metadata.name ?? ''}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  const vs = versions(crd);
  if (vs.length === 0) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: "null": must have exactly one version marked as storage version', field: 'spec.versions' });
  } else if (vs.filter((v) => v.storage === true).length !== 1) {
    const count = vs.filter((v) => v.storage === true).length;
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${count}: must have exactly one version marked as storage version`,
      field: 'spec.versions',
    });
  }
  if (s.scope !== undefined && s.scope !== 'Namespaced' && s.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${String(s.scope)}": supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  return causes;
}

interface Condition {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function condition(existing: unknown[], type: string, reason: string, message: string, now: string): Condition {
  const prev = existing.find((c) => isRecord(c) && c.type === type);
  const keep = isRecord(prev) && prev.status === 'True' && typeof prev.lastTransitionTime === 'string';
  return {
    type,
    status: 'True',
    lastTransitionTime: keep ? (prev.lastTransitionTime as string) : now,
    reason,
    message,
  };
}

/**
 * The status the naming and establishing controllers converge to: names accepted (no conflict
 * checks between CRDs here), Established, storedVersions including the storage version.
 * Returns undefined when the current status is already that (so no write happens).
 */
export function desiredCrdStatus(crd: KubeObject, now: string): Record<string, unknown> | undefined {
  const n = names(crd);
  const version = storageVersion(crd);
  if (!n || !version || typeof version.name !== 'string') return undefined;
  const status = isRecord(crd.status) ? crd.status : {};
  const existing = Array.isArray(status.conditions) ? status.conditions : [];
  const acceptedNames: Record<string, unknown> = { plural: n.plural, singular: n.singular, kind: n.kind, listKind: n.listKind };
  if (n.shortNames.length > 0) acceptedNames.shortNames = n.shortNames;
  if (n.categories.length > 0) acceptedNames.categories = n.categories;
  const stored = strings(status.storedVersions);
  if (!stored.includes(version.name)) stored.push(version.name);
  const desired: Record<string, unknown> = {
    ...status,
    conditions: [
      condition(existing, 'NamesAccepted', 'NoConflicts', 'no conflicts found', now),
      condition(existing, 'Established', 'InitialNamesAccepted', 'the initial names have been accepted', now),
    ],
    acceptedNames,
    storedVersions: stored,
  };
  return deepEqual(desired, status) ? undefined : desired;
}
