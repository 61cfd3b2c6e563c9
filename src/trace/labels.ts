/**
 * Label selectors as the API server evaluates them. A Service's `spec.selector` is a plain map
 * (every pair must match); NetworkPolicy and workload selectors are metav1.LabelSelector
 * (matchLabels AND matchExpressions; an empty selector selects everything).
 */
import { isRec, recs, str, stringMap, strings } from './read.js';

export type Labels = Record<string, string>;

/** A Service selector matches when every pair is present with the same value. */
export function mapMatches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** "app=web,tier=front" — the order the user wrote is kept (JSON maps keep insertion order). */
export function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * metav1.LabelSelector semantics (apimachinery LabelSelectorAsSelector): matchLabels plus
 * In / NotIn / Exists / DoesNotExist expressions. An unknown operator selects nothing, as the
 * API server would reject the object; a missing or malformed selector is treated as "select
 * nothing" rather than "select everything" so bad input never widens a match.
 */
export function labelSelectorMatches(selector: unknown, labels: Labels): boolean {
  if (!isRec(selector)) return false;
  if (!mapMatches(stringMap(selector['matchLabels']), labels)) return false;
  for (const expr of recs(selector['matchExpressions'])) {
    const key = str(expr['key']);
    if (key === undefined) return false;
    const values = strings(expr['values']);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr['operator']) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        // NotIn also matches objects without the key (apimachinery selector.go).
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A LabelSelector in kubectl's words: "app=web,tier in (a,b),!legacy"; "all Pods" when empty. */
export function formatLabelSelector(selector: unknown): string {
  if (!isRec(selector)) return 'nothing';
  const parts = Object.entries(stringMap(selector['matchLabels'])).map(([k, v]) => `${k}=${v}`);
  for (const expr of recs(selector['matchExpressions'])) {
    const key = str(expr['key']) ?? '?';
    const values = strings(expr['values']).join(',');
    switch (expr['operator']) {
      case 'In':
        parts.push(`${key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
      default:
        parts.push(`${key} ?`);
    }
  }
  return parts.length === 0 ? 'all Pods' : parts.join(',');
}
