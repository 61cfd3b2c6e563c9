/**
 * Checks every kind shares: ObjectMeta (apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate)
 * and label selectors (ValidateLabelSelector), plus selector matching for workload templates.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import type { ResourceType } from '../store/types.js';
import { forbidden, immutable, invalid, notSupported, required } from './field-errors.js';
import { isObject, type JsonObject } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, maskTrailingDash } from './names.js';

/** How a kind's names are checked; `prefix` is true for generateName. */
export type NameValidator = (name: string, prefix: boolean) => string[];

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Total size limit for annotations (apimachinery TotalAnnotationSizeLimitB). */
const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

export function validateObjectMeta(
  resource: ResourceType,
  object: KubeObject,
  validateName: NameValidator,
  previous?: KubeObject,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = object.metadata;
  if (!isObject(meta)) return [required('metadata')];

  if (typeof meta.generateName === 'string' && meta.generateName !== '') {
    for (const msg of validateName(meta.generateName, true)) causes.push(invalid('metadata.generateName', meta.generateName, msg));
  }
  if (typeof meta.name !== 'string' || meta.name === '') {
    causes.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of validateName(meta.name, false)) causes.push(invalid('metadata.name', meta.name, msg));
  }

  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (resource.namespaced) {
    if (namespace === '') causes.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(namespace)) causes.push(invalid('metadata.namespace', namespace, msg));
  } else if (namespace !== '') {
    causes.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }

  causes.push(...validateLabels(meta.labels, 'metadata.labels'));
  causes.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));

  if (previous) {
    const old = previous.metadata;
    // ValidateObjectMetaUpdate: identity fields never change once stored.
    if (meta.name !== old.name) causes.push(immutable('metadata.name', meta.name));
    if ((meta.namespace ?? '') !== (old.namespace ?? '')) causes.push(immutable('metadata.namespace', meta.namespace));
    if (meta.uid && old.uid && meta.uid !== old.uid) causes.push(immutable('metadata.uid', meta.uid));
  }
  return causes;
}

/** ValidateLabels: key errors report the key, value errors the value, both at the map's path. */
export function validateLabels(labels: unknown, path: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (!isObject(labels)) return [invalid(path, labels, 'must be a map of string keys to string values')];
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const msg of isQualifiedName(key)) causes.push(invalid(path, key, msg));
    if (typeof value !== 'string') {
      causes.push(invalid(path, value, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(value)) causes.push(invalid(path, value, msg));
  }
  return causes;
}

/** ValidateAnnotations: keys are qualified names (checked lowercased), total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isObject(annotations)) return [invalid(path, annotations, 'must be a map of string keys to string values')];
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) causes.push(invalid(path, key, msg));
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) {
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${ANNOTATIONS_SIZE_LIMIT} bytes`, field: path });
  }
  return causes;
}

/** metav1 validation.ValidateLabelSelector. */
export function validateLabelSelector(selector: JsonObject, path: string): StatusCause[] {
  const causes: StatusCause[] = [...validateLabels(selector.matchLabels, `${path}.matchLabels`)];
  const expressions = selector.matchExpressions;
  if (expressions === undefined || expressions === null) return causes;
  if (!Array.isArray(expressions)) return [...causes, invalid(`${path}.matchExpressions`, expressions, 'must be a list')];
  expressions.forEach((expr: unknown, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    if (!isObject(expr)) {
      causes.push(invalid(at, expr, 'must be an object'));
      return;
    }
    const operator = expr.operator;
    const values = Array.isArray(expr.values) ? expr.values : [];
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) causes.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) causes.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      causes.push(invalid(`${at}.operator`, operator, 'not a valid selector operator'));
    }
    const key = typeof expr.key === 'string' ? expr.key : '';
    for (const msg of isQualifiedName(key)) causes.push(invalid(`${at}.key`, key, msg));
  });
  return causes;
}

/** Whether a LabelSelector (matchLabels AND matchExpressions) selects `labels`. */
export function selectorMatches(selector: JsonObject, labels: unknown): boolean {
  const have: JsonObject = isObject(labels) ? labels : {};
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) if (have[k] !== v) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expr of expressions) {
    if (!isObject(expr) || typeof expr.key !== 'string') return false;
    const values = Array.isArray(expr.values) ? expr.values : [];
    const present = Object.prototype.hasOwnProperty.call(have, expr.key);
    const value = have[expr.key];
    switch (expr.operator) {
      case 'In':
        if (!present || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a LabelSelector has no requirements at all. */
export function selectorIsEmpty(selector: JsonObject): boolean {
  const labels = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return labels + exprs === 0;
}

/** Shared by enum-like fields: NotSupported unless `value` is one of `allowed` (absent is fine). */
export function checkEnum(value: unknown, path: string, allowed: readonly string[]): StatusCause[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'string' && allowed.includes(value) ? [] : [notSupported(path, value, allowed)];
}
