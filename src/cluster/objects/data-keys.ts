/**
 * What ConfigMap and Secret share (pkg/apis/core/validation ValidateConfigMap / ValidateSecret):
 * key syntax, a 1 MiB total, and `immutable: true` freezing the data.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { forbidden, immutable, invalid } from './field-errors.js';
import { deepEqual, isObject } from './json.js';
import { isConfigMapKey } from './names.js';

/** MaxSecretSize and the ConfigMap limit (RLIMIT-style 1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;

/** Checks every key of `obj[field]`; returns the summed value lengths for the size limit. */
export function validateDataKeys(obj: KubeObject, field: string, causes: StatusCause[]): number {
  const data = obj[field];
  if (data === undefined || data === null) return 0;
  if (!isObject(data)) {
    causes.push(invalid(field, data, 'must be a map of string keys to string values'));
    return 0;
  }
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) causes.push(invalid(`${field}[${key}]`, key, msg));
    size += typeof value === 'string' ? value.length : 0;
  }
  return size;
}

export function tooLong(field: string): StatusCause {
  return { reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_DATA_BYTES} bytes`, field };
}

/** `immutable: true` can't be unset and freezes the data fields. */
export function validateImmutableData(obj: KubeObject, previous: KubeObject | undefined, fields: string[]): StatusCause[] {
  if (!previous || previous.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (obj.immutable !== true) causes.push(immutable('immutable', obj.immutable ?? null));
  for (const field of fields) {
    if (!deepEqual(obj[field] ?? {}, previous[field] ?? {})) {
      causes.push(forbidden(field, 'field is immutable when `immutable` is set'));
    }
  }
  return causes;
}
