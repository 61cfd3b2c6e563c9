/**
 * What the apps/v1 workloads share (pkg/apis/apps/validation): a required, non-empty selector
 * that must select the pod template's labels, a valid pod template with restartPolicy Always,
 * non-negative counts, and — in apps/v1 — a selector that never changes after creation.
 */
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { GoLiteral, goStringMap, immutable, invalid, notSupported, required } from './field-errors.js';
import { deepEqual, ensureObject, isObject, objectAt, type JsonObject } from './json.js';
import { selectorIsEmpty, selectorMatches, validateAnnotations, validateLabelSelector, validateLabels } from './metadata.js';
import { regexError } from './names.js';
import { defaultPodSpec, validatePodSpec } from './pod.js';

/** Pod template defaults for a workload spec (`spec.template.spec`). */
export function defaultPodTemplate(spec: JsonObject): void {
  const template = ensureObject(spec, 'template');
  defaultPodSpec(ensureObject(template, 'spec'));
}

/** A LabelSelector as Go's %#v prints `&v1.LabelSelector{…}` in field errors. */
export function goLabelSelector(selector: unknown): GoLiteral {
  if (!isObject(selector)) return new GoLiteral('(*v1.LabelSelector)(nil)');
  const labels = isObject(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0
    ? goStringMap(selector.matchLabels).text
    : 'map[string]string(nil)';
  const exprs = Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions
        .filter(isObject)
        .map((e) => {
          const values = Array.isArray(e.values) ? `[]string{${e.values.map((v) => JSON.stringify(String(v))).join(', ')}}` : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(e.key ?? ''))}, Operator:${JSON.stringify(String(e.operator ?? ''))}, Values:${values}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoLiteral(`&v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`);
}

export function nonNegative(spec: JsonObject, field: string, path: string): StatusCause[] {
  const value = spec[field];
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(path, value, 'must be an integer')];
  return value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/**
 * Selector and template checks (ValidateDeploymentSpec, ValidateReplicaSetSpec, …). `noun` is the
 * word the "empty selector" message uses ('deployment' for ReplicaSets too, as upstream does).
 */
export function validateSelectorAndTemplate(spec: JsonObject, noun: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = spec.selector;
  let usable = false;
  if (selector === undefined || selector === null) {
    causes.push(required('spec.selector'));
  } else if (!isObject(selector)) {
    causes.push(invalid('spec.selector', selector, 'invalid label selector'));
  } else {
    const selectorCauses = validateLabelSelector(selector, 'spec.selector');
    causes.push(...selectorCauses);
    if (selectorIsEmpty(selector)) causes.push(invalid('spec.selector', goLabelSelector(selector), `empty selector is invalid for ${noun}`));
    usable = selectorCauses.length === 0 && !selectorIsEmpty(selector);
  }

  const template = spec.template;
  if (!isObject(template)) {
    causes.push(required('spec.template'));
    return causes;
  }
  const templateMeta = objectAt(template, 'metadata');
  if (usable && isObject(selector) && !selectorMatches(selector, templateMeta?.labels)) {
    causes.push(invalid('spec.template.metadata.labels', goStringMap(templateMeta?.labels), '`selector` does not match template `labels`'));
  }
  causes.push(...validateLabels(templateMeta?.labels, 'spec.template.metadata.labels'));
  causes.push(...validateAnnotations(templateMeta?.annotations, 'spec.template.metadata.annotations'));
  causes.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const restartPolicy = objectAt(template, 'spec')?.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== null && restartPolicy !== 'Always') {
    causes.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  }
  return causes;
}

/** apps/v1 strategies' ValidateUpdate: spec.selector is immutable. */
export function validateSelectorUnchanged(object: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  if (!previous) return [];
  const selector = objectAt(object, 'spec')?.selector;
  const old = objectAt(previous, 'spec')?.selector;
  return deepEqual(selector, old) ? [] : [immutable('spec.selector', goLabelSelector(selector))];
}

const PERCENT_RE = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent for maxSurge / maxUnavailable. */
export function validateIntOrPercent(value: unknown, path: string): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    if (!PERCENT_RE.test(value)) {
      return [invalid(path, value, regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%'))];
    }
    return Number.parseInt(value, 10) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
  }
  return [invalid(path, value, 'must be an integer or percentage (e.g. 5 or 5%)')];
}

/** An int-or-percent that resolves to zero whatever the replica count. */
export function isZero(value: unknown): boolean {
  return value === 0 || value === '0%' || (typeof value === 'string' && PERCENT_RE.test(value) && Number.parseInt(value, 10) === 0);
}
