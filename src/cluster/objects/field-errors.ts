/**
 * StatusCause builders that word field errors exactly as apimachinery's field.Error.ErrorBody()
 * does (k8s.io/apimachinery/pkg/util/validation/field/errors.go), so a 422 from the embedded
 * cluster reads like one from kube-apiserver: `Required value`, `Invalid value: "x": detail`,
 * `Unsupported value: "x": supported values: "a", "b"`, `Duplicate value: "x"`, `Forbidden: detail`.
 */
import type { StatusCause } from '../../lib/kube-object.js';
import { isObject } from './json.js';

/** A value already printed the way Go's %#v would (e.g. `map[string]string{"app":"x"}`). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/**
 * Prints a bad value like ErrorBody: strings quoted (%q), numbers and booleans bare, nil as
 * `null`. Go prints structs with %#v; JSON is the readable stand-in for those here.
 */
export function formatValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** map[string]string as Go's %#v prints it: keys sorted, `", "` between entries. */
export function goStringMap(map: unknown): GoLiteral {
  if (!isObject(map)) return new GoLiteral('map[string]string(nil)');
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(map[k]))}`);
  return new GoLiteral(`map[string]string{${entries.join(', ')}}`);
}

export function required(field: string, detail = ''): StatusCause {
  return { reason: 'FieldValueRequired', message: withDetail('Required value', detail), field };
}

export function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${formatValue(value)}`, detail), field };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): StatusCause {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', message: withDetail(`Unsupported value: ${formatValue(value)}`, detail), field };
}

export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${formatValue(value)}`, field };
}

export function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field };
}

/** apimachinery's FieldImmutableErrorMsg. */
export const IMMUTABLE = 'field is immutable';

export function immutable(field: string, value: unknown): StatusCause {
  return invalid(field, value, IMMUTABLE);
}

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export function notFound(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueNotFound', message: `Not found: ${formatValue(value)}`, field };
}
