/**
 * Server-side apply, simplified but shaped like the real one (KEP-555; apiserver's
 * fieldmanager + structured-merge-diff):
 *
 * 1. The applied configuration is merged onto the live object like a strategic merge patch
 *    (maps recursively, keyed lists by key, other lists replaced).
 * 2. Its field set (fieldset.ts) becomes the manager's `Apply` entry in metadata.managedFields.
 * 3. A field this apply sets to a new value that another manager's `Apply` entry owns is a
 *    conflict: 409 unless `force`, which moves ownership to this manager. Same value = shared.
 * 4. Fields the manager applied last time but not now are removed from the object, unless
 *    another manager also owns them.
 *
 * Not modelled: conflicts with `Update` managers (only Apply entries are recorded here),
 * multi-key list items (containerPort+protocol) — one merge key is used — and status ownership.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import type { PatchContext } from '../store/types.js';
import { deepEqual, isObject, type JsonObject } from '../objects/json.js';
import { badRequest, PatchError } from './errors.js';
import { deleteAt, FieldSet, fieldSetOf, pathString, valueAt, type PathElement } from './fieldset.js';
import { applySchemaFor } from './schema.js';
import { strategicMerge } from './strategic.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
  [field: string]: unknown;
}

interface Conflict {
  manager: string;
  path: PathElement[];
}

function entriesOf(object: KubeObject): ManagedFieldsEntry[] {
  const raw = object.metadata.managedFields;
  return Array.isArray(raw) ? raw.filter(isObject).map((e) => ({ ...e })) : [];
}

function conflictError(conflicts: Conflict[]): PatchError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${JSON.stringify(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    message = `Apply failed with 1 conflict: conflict with ${JSON.stringify(only.manager)}: ${pathString(only.path)}`;
  } else {
    const managers = [...new Set(conflicts.map((c) => c.manager))].sort();
    const lines = managers.flatMap((m) => [
      `conflicts with ${JSON.stringify(m)}:`,
      ...conflicts.filter((c) => c.manager === m).map((c) => `- ${pathString(c.path)}`),
    ]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new PatchError(409, message, { reason: 'Conflict', causes });
}

export function serverSideApply(current: KubeObject, applied: JsonObject, context: PatchContext): KubeObject {
  const manager = context.fieldManager;
  if (!manager) {
    throw new PatchError(422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  }
  const appliedMeta = applied.metadata;
  if (appliedMeta !== undefined && !isObject(appliedMeta)) throw badRequest('metadata must be an object');
  if (isObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }

  const schema = applySchemaFor(context.resource);
  const newSet = fieldSetOf(applied, schema);
  const entries = entriesOf(current);
  const isMine = (e: ManagedFieldsEntry): boolean => e.manager === manager && e.operation === 'Apply' && !e.subresource;
  const mine = entries.find(isMine);
  const previousSet = mine ? FieldSet.fromFieldsV1(mine.fieldsV1) : new FieldSet();

  const base: KubeObject = { ...current, metadata: { ...current.metadata } };
  delete base.metadata.managedFields;
  const merged = strategicMerge(base, applied, schema) as KubeObject;

  // Conflicts: someone else applied this field and this apply changes its value. As in
  // structured-merge-diff, only changed leaves count, not the list items that contain them.
  const others = entries.filter((e) => !isMine(e));
  const otherSets = new Map(others.map((e) => [e, FieldSet.fromFieldsV1(e.fieldsV1)] as const));
  const conflicts: Array<Conflict & { entry: ManagedFieldsEntry }> = [];
  for (const path of newSet.members()) {
    if (newSet.hasChildren(path)) continue;
    for (const [entry, set] of otherSets) {
      if (entry.operation !== 'Apply' || !set.has(path)) continue;
      const before = valueAt(current, path);
      const after = valueAt(merged, path);
      const same = before.found && after.found && deepEqual(before.value, after.value);
      if (!same) conflicts.push({ manager: entry.manager ?? '', path, entry });
    }
  }
  if (conflicts.length > 0 && context.force !== true) throw conflictError(conflicts);
  for (const { entry, path } of conflicts) otherSets.get(entry)?.remove(path);

  // Fields this manager stopped applying go away unless another manager still owns them.
  for (const path of previousSet.members()) {
    if (newSet.has(path)) continue;
    const ownedElsewhere = [...otherSets.values()].some((set) => set.touches(path));
    if (!ownedElsewhere && !newSet.touches(path)) deleteAt(merged, path);
  }

  const fieldsV1 = newSet.toFieldsV1();
  const unchanged = mine !== undefined && deepEqual(mine.fieldsV1, fieldsV1);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: typeof applied.apiVersion === 'string' ? applied.apiVersion : apiVersionOf(current, context),
    // The timestamp moves only when the manager's field set does, so re-applying is a no-op.
    time: unchanged && mine.time ? mine.time : context.now,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  const managedFields: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const e of entries) {
    if (isMine(e)) {
      managedFields.push(entry);
      placed = true;
      continue;
    }
    const set = otherSets.get(e);
    if (!set || set.isEmpty()) continue; // forced away from its last field
    managedFields.push(conflicts.some((c) => c.entry === e) ? { ...e, fieldsV1: set.toFieldsV1() } : e);
  }
  if (!placed) managedFields.push(entry);
  merged.metadata = { ...merged.metadata, managedFields };
  return merged;
}

function apiVersionOf(current: KubeObject, context: PatchContext): string {
  if (typeof current.apiVersion === 'string') return current.apiVersion;
  const { group, version } = context.resource;
  return group ? `${group}/${version}` : version;
}
