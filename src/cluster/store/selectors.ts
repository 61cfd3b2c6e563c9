/**
 * Label and field selectors as kube-apiserver parses and evaluates them (kubernetes-facts.md §1;
 * k8s.io/apimachinery/pkg/labels and pkg/fields). Parse errors become 400 BadRequest with the
 * parser's wording, so `kubectl get -l 'a in b'` fails here as it does on a real cluster.
 */
import type { KubeObject } from '../../lib/kube-object.js';
import { badRequest } from './errors.js';
import { qualifiedResource } from './registry.js';
import type { ResourceType } from './types.js';

// ---------------------------------------------------------------------------------------------
// Label syntax (validation.IsQualifiedName / IsValidLabelValue)

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_NAME_MSG =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const PREFIX_MSG =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Problems with a label key (optional DNS-subdomain prefix + '/' + name); [] when valid. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix)) errs.push(PREFIX_MSG);
  } else {
    return [QUALIFIED_NAME_MSG];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!NAME_PART.test(name)) errs.push(NAME_PART_MSG);
  return errs;
}

/** Problems with a label value (≤63 chars, alphanumeric at the ends, '-_.' inside, may be empty). */
export function labelValueErrors(value: string): string[] {
  if (value.length > 63) return ['must be no more than 63 characters'];
  if (!LABEL_VALUE.test(value)) return [LABEL_VALUE_MSG];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Label selectors

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted; one value for =, ==, !=, gt, lt; none for exists and !. */
  values: string[];
}

/** A parsed selector: every requirement must match (comma = AND). Empty matches everything. */
export interface LabelSelectorParsed {
  requirements: LabelRequirement[];
}

type TokenType = 'eos' | 'ident' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'in' | 'notin';

interface Token {
  type: TokenType;
  lit: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (WHITESPACE.has(ch)) {
      i++;
      continue;
    }
    if (SPECIAL.has(ch)) {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ type: two, lit: two });
        i += 2;
      } else {
        tokens.push({ type: ch as TokenType, lit: ch });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j] ?? '') && !WHITESPACE.has(input[j] ?? '')) j++;
    const word = input.slice(i, j);
    tokens.push({ type: word === 'in' || word === 'notin' ? word : 'ident', lit: word });
    i = j;
  }
  tokens.push({ type: 'eos', lit: '' });
  return tokens;
}

class SelectorSyntaxError extends Error {}

/** Recursive-descent parser mirroring labels.Parser's grammar and error wording. */
class LabelParser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  /** In a value position 'in' and 'notin' are plain identifiers ('a in (in)'). */
  private peek(values: boolean): Token {
    const t = this.tokens[Math.min(this.pos, this.tokens.length - 1)] as Token;
    return values && (t.type === 'in' || t.type === 'notin') ? { type: 'ident', lit: t.lit } : t;
  }

  private next(values: boolean): Token {
    const t = this.peek(values);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t.type === 'eos') return reqs;
      if (t.type !== 'ident' && t.type !== '!') {
        throw new SelectorSyntaxError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.requirement());
      } catch (err) {
        if (err instanceof SelectorSyntaxError) throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.next(true);
      if (after.type === 'eos') return reqs;
      if (after.type !== ',') throw new SelectorSyntaxError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2.type !== 'ident' && t2.type !== '!') {
        throw new SelectorSyntaxError(`found '${t2.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let negated = false;
    let t = this.next(true);
    if (t.type === '!') {
      negated = true;
      t = this.next(true);
    }
    if (t.type !== 'ident') throw new SelectorSyntaxError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    checkKey(key);
    const la = this.peek(true);
    if (negated) return { key, operator: '!', values: [] };
    if (la.type === 'eos' || la.type === ',') return { key, operator: 'exists', values: [] };
    const op = this.operator();
    let values: string[];
    if (op === 'in' || op === 'notin') {
      values = this.valueSet();
    } else {
      values = [this.exactValue()];
    }
    if ((op === 'gt' || op === 'lt') && !/^[+-]?\d+$/.test(values[0] ?? '')) {
      throw new SelectorSyntaxError("for 'Gt', 'Lt' operators, the value must be an integer");
    }
    if (op !== 'gt' && op !== 'lt') values.forEach((v, i) => checkValue(key, v, i));
    return { key, operator: op, values: [...new Set(values)].sort() };
  }

  private operator(): LabelOperator {
    const t = this.next(false);
    switch (t.type) {
      case '=':
      case '==':
      case '!=':
      case 'in':
      case 'notin':
        return t.type;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new SelectorSyntaxError(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private exactValue(): string {
    const la = this.peek(true);
    if (la.type === 'eos' || la.type === ',') return '';
    const t = this.next(true);
    if (t.type !== 'ident') throw new SelectorSyntaxError(`found '${t.lit}', expected: identifier`);
    return t.lit;
  }

  private valueSet(): string[] {
    const open = this.next(true);
    if (open.type !== '(') throw new SelectorSyntaxError(`found '${open.lit}', expected: '('`);
    const la = this.peek(true);
    if (la.type === ')') {
      this.next(true);
      // `k in ()` is the set holding the empty string, as labels.Parser reads it.
      return [''];
    }
    if (la.type !== 'ident' && la.type !== ',') {
      throw new SelectorSyntaxError(`found '${la.lit}', expected: ',', ')' or identifier`);
    }
    const values: string[] = [];
    // Empty entries ("(,a)", "(a,,b)", "(a,)") stand for the empty string.
    let expectValue = true;
    for (;;) {
      const t = this.next(true);
      if (t.type === 'ident') {
        values.push(t.lit);
        expectValue = false;
        const after = this.peek(true);
        if (after.type !== ',' && after.type !== ')') {
          throw new SelectorSyntaxError(`found '${after.lit}', expected: ',' or ')'`);
        }
      } else if (t.type === ',') {
        if (expectValue) values.push('');
        expectValue = true;
      } else if (t.type === ')') {
        if (expectValue) values.push('');
        return values;
      } else {
        throw new SelectorSyntaxError(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }
}

function checkKey(key: string): void {
  const errs = labelKeyErrors(key);
  if (errs.length > 0) throw new SelectorSyntaxError(`key: Invalid value: "${key}": ${errs.join('; ')}`);
}

function checkValue(key: string, value: string, index: number): void {
  const errs = labelValueErrors(value);
  if (errs.length > 0) {
    throw new SelectorSyntaxError(`values[${index}][${key}]: Invalid value: "${value}": ${errs.join('; ')}`);
  }
}

/** Parses the string form (`app=web,tier in (a,b),!canary`); throws ApiError 400 when malformed. */
export function parseLabelSelector(selector: string | undefined): LabelSelectorParsed {
  if (!selector || selector.trim() === '') return { requirements: [] };
  try {
    return { requirements: new LabelParser(lex(selector)).parse() };
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw badRequest(err.message);
    throw err;
  }
}

function requirementMatches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case '=':
    case '==':
    case 'in':
      return has && req.values.includes(value ?? '');
    case '!=':
    case 'notin':
      // Objects lacking the key match, as labels.Requirement.Matches does.
      return !has || !req.values.includes(value ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value ?? '')) return false;
      const actual = BigInt(value ?? '0');
      const bound = BigInt(req.values[0] ?? '0');
      return req.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function matchesLabels(selector: LabelSelectorParsed, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/** The string form of a parsed selector (requirements sorted by key, as labels.Selector.String()). */
export function labelSelectorParsedToString(selector: LabelSelectorParsed): string {
  return [...selector.requirements]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
        case 'gt':
          return `${r.key}>${r.values[0] ?? ''}`;
        case 'lt':
          return `${r.key}<${r.values[0] ?? ''}`;
        default:
          return `${r.key}${r.operator}${r.values[0] ?? ''}`;
      }
    })
    .join(',');
}

/** metav1.LabelSelector, the API object form used by workloads, NetworkPolicies, PDBs… */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * metav1.LabelSelectorAsSelector: matchLabels → `k=v`, In/NotIn → `k in (…)`, Exists → `k`,
 * DoesNotExist → `!k`. Throws ApiError 400 for an unknown operator.
 */
export function labelSelectorToParsed(selector: LabelSelector): LabelSelectorParsed {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: '=', values: [value] });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...new Set(expr.values ?? [])].sort();
    switch (expr.operator) {
      case 'In':
        requirements.push({ key: expr.key, operator: 'in', values });
        break;
      case 'NotIn':
        requirements.push({ key: expr.key, operator: 'notin', values });
        break;
      case 'Exists':
        requirements.push({ key: expr.key, operator: 'exists', values: [] });
        break;
      case 'DoesNotExist':
        requirements.push({ key: expr.key, operator: '!', values: [] });
        break;
      default:
        throw badRequest(`"${expr.operator}" is not a valid label selector operator`);
    }
  }
  return { requirements };
}

export function labelSelectorToString(selector: LabelSelector): string {
  return labelSelectorParsedToString(labelSelectorToParsed(selector));
}

/**
 * Whether `labels` match a LabelSelector object. A missing selector selects nothing and an empty
 * one selects everything, as LabelSelectorAsSelector(nil) / ({}) do.
 */
export function matchesLabelSelectorObject(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === null || selector === undefined) return false;
  return matchesLabels(labelSelectorToParsed(selector), labels);
}

// ---------------------------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

export interface FieldSelectorParsed {
  requirements: FieldRequirement[];
  /** The resource whose fields the requirements read. */
  getField: (object: KubeObject, field: string) => string;
}

type FieldGetter = (object: KubeObject) => string;

function path(object: unknown, ...keys: string[]): unknown {
  let cur = object;
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** Booleans are formatted with strconv.FormatBool, false when absent. */
function bool(value: unknown): string {
  return value === true ? 'true' : 'false';
}

function podIP(pod: KubeObject): string {
  const ips = path(pod, 'status', 'podIPs');
  if (Array.isArray(ips) && ips.length > 0) return str(path(ips[0], 'ip'));
  return str(path(pod, 'status', 'podIP'));
}

/** Per-resource field labels (the registries' GetAttrs / field label conversion funcs). */
const FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: {
    'spec.nodeName': (o) => str(path(o, 'spec', 'nodeName')),
    'spec.restartPolicy': (o) => str(path(o, 'spec', 'restartPolicy')),
    'spec.schedulerName': (o) => str(path(o, 'spec', 'schedulerName')),
    'spec.serviceAccountName': (o) => str(path(o, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': (o) => bool(path(o, 'spec', 'hostNetwork')),
    'status.phase': (o) => str(path(o, 'status', 'phase')),
    'status.podIP': podIP,
    'status.nominatedNodeName': (o) => str(path(o, 'status', 'nominatedNodeName')),
  },
  events: {
    'involvedObject.kind': (o) => str(path(o, 'involvedObject', 'kind')),
    'involvedObject.namespace': (o) => str(path(o, 'involvedObject', 'namespace')),
    'involvedObject.name': (o) => str(path(o, 'involvedObject', 'name')),
    'involvedObject.uid': (o) => str(path(o, 'involvedObject', 'uid')),
    'involvedObject.apiVersion': (o) => str(path(o, 'involvedObject', 'apiVersion')),
    'involvedObject.resourceVersion': (o) => str(path(o, 'involvedObject', 'resourceVersion')),
    'involvedObject.fieldPath': (o) => str(path(o, 'involvedObject', 'fieldPath')),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(path(o, 'source', 'component')),
    type: (o) => str(o.type),
  },
  services: {
    'spec.clusterIP': (o) => str(path(o, 'spec', 'clusterIP')),
    'spec.type': (o) => str(path(o, 'spec', 'type')),
  },
  secrets: { type: (o) => str(o.type) },
  namespaces: { 'status.phase': (o) => str(path(o, 'status', 'phase')) },
  'replicasets.apps': { 'status.replicas': (o) => String(typeof path(o, 'status', 'replicas') === 'number' ? path(o, 'status', 'replicas') : 0) },
  nodes: { 'spec.unschedulable': (o) => bool(path(o, 'spec', 'unschedulable')) },
};

const METADATA_FIELDS: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name ?? '',
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

function fieldsFor(resource: ResourceType): Record<string, FieldGetter> {
  return { ...METADATA_FIELDS, ...(FIELDS[qualifiedResource(resource)] ?? {}) };
}

/** Splits on unescaped `sep` (field selector values escape `\`, `,` and `=` with a backslash). */
function splitUnescaped(input: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? '';
    if (ch === '\\' && i + 1 < input.length) {
      cur += ch + (input[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function indexUnescaped(term: string, op: string): number {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    if (term.startsWith(op, i)) return i;
  }
  return -1;
}

/**
 * Parses `metadata.name=web,status.phase!=Running` against the fields `resource` supports;
 * throws ApiError 400 for malformed selectors and unsupported fields.
 */
export function parseFieldSelector(selector: string | undefined, resource: ResourceType): FieldSelectorParsed {
  const getters = fieldsFor(resource);
  const requirements: FieldRequirement[] = [];
  const text = selector?.trim() ?? '';
  if (text !== '') {
    for (const term of splitUnescaped(text, ',')) {
      let parsed: FieldRequirement | undefined;
      for (const op of ['!=', '==', '='] as const) {
        const at = indexUnescaped(term, op);
        if (at >= 0) {
          parsed = { field: term.slice(0, at).trim(), operator: op, value: unescapeValue(term.slice(at + op.length)) };
          break;
        }
      }
      if (!parsed) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
      if (!getters[parsed.field]) {
        // Custom resources answer with the generic message listing what they do support.
        if (resource.group !== '' && !FIELDS[qualifiedResource(resource)] && !isBuiltinGroup(resource.group)) {
          throw badRequest(`"${parsed.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
        }
        throw badRequest(`field label not supported: ${parsed.field}`);
      }
      requirements.push(parsed);
    }
  }
  return {
    requirements,
    getField: (object, field) => getters[field]?.(object) ?? '',
  };
}

const BUILTIN_GROUPS = new Set(['apps', 'discovery.k8s.io', 'networking.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io']);

function isBuiltinGroup(group: string): boolean {
  return BUILTIN_GROUPS.has(group);
}

export function matchesFields(selector: FieldSelectorParsed, object: KubeObject): boolean {
  return selector.requirements.every((r) => {
    const actual = selector.getField(object, r.field);
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** The value a `metadata.name=` requirement pins, so a lookup can skip scanning the kind. */
export function exactName(selector: FieldSelectorParsed): string | undefined {
  const req = selector.requirements.find((r) => r.field === 'metadata.name' && r.operator !== '!=');
  return req?.value;
}
