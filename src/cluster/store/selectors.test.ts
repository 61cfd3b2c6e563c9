import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { ApiError } from './errors.js';
import { createRegistry } from './registry.js';
import {
  labelSelectorParsedToString,
  labelSelectorToString,
  matchesFields,
  matchesLabelSelectorObject,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';
import type { ResourceType } from './types.js';

const registry = createRegistry();
const type = (name: string): ResourceType => {
  const t = registry.get(name);
  if (!t) throw new Error(`no ${name}`);
  return t;
};

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('label selector matching', () => {
  const web = { app: 'web', tier: 'front', count: '5' };
  const cases: Array<{ name: string; selector: string; labels: Record<string, string>; want: boolean }> = [
    { name: 'empty selector matches all', selector: '', labels: {}, want: true },
    { name: 'equality', selector: 'app=web', labels: web, want: true },
    { name: 'double equals', selector: 'app==web', labels: web, want: true },
    { name: 'equality mismatch', selector: 'app=db', labels: web, want: false },
    { name: 'AND of terms', selector: 'app=web,tier=front', labels: web, want: true },
    { name: 'AND fails on one term', selector: 'app=web,tier=back', labels: web, want: false },
    { name: 'not equals', selector: 'app!=db', labels: web, want: true },
    { name: 'not equals matches a missing key', selector: 'zone!=a', labels: web, want: true },
    { name: 'not equals same value', selector: 'app!=web', labels: web, want: false },
    { name: 'in', selector: 'tier in (front, back)', labels: web, want: true },
    { name: 'in without match', selector: 'tier in (back)', labels: web, want: false },
    { name: 'in on a missing key', selector: 'zone in (a)', labels: web, want: false },
    { name: 'notin', selector: 'tier notin (back)', labels: web, want: true },
    { name: 'notin matches a missing key', selector: 'zone notin (a,b)', labels: web, want: true },
    { name: 'notin with the value', selector: 'tier notin (front)', labels: web, want: false },
    { name: 'exists', selector: 'app', labels: web, want: true },
    { name: 'exists on missing key', selector: 'zone', labels: web, want: false },
    { name: 'does not exist', selector: '!zone', labels: web, want: true },
    { name: 'does not exist on present key', selector: '!app', labels: web, want: false },
    { name: 'greater than', selector: 'count>3', labels: web, want: true },
    { name: 'less than', selector: 'count<3', labels: web, want: false },
    { name: 'gt on a non-integer value', selector: 'app>3', labels: web, want: false },
    { name: 'prefixed key', selector: 'app.kubernetes.io/name=web', labels: { 'app.kubernetes.io/name': 'web' }, want: true },
    { name: 'empty value equality', selector: 'app=', labels: { app: '' }, want: true },
    { name: 'in with keyword as value', selector: 'mode in (in,notin)', labels: { mode: 'notin' }, want: true },
    { name: 'spaces around operators', selector: ' app = web , tier  in ( front ) ', labels: web, want: true },
    { name: 'empty parentheses mean the empty value', selector: 'app in ()', labels: { app: '' }, want: true },
  ];
  it.each(cases)('$name', ({ selector, labels, want }) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(want);
  });
});

describe('label selector errors', () => {
  const cases: Array<{ name: string; selector: string; message: string }> = [
    { name: 'in without parentheses', selector: 'a in b', message: "unable to parse requirement: found 'b', expected: '('" },
    { name: 'unknown operator', selector: 'a b', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
    { name: 'starts with an operator', selector: '=a', message: "found '=', expected: !, identifier, or 'end of string'" },
    { name: 'trailing comma', selector: 'a=b,', message: "found '', expected: identifier after ','" },
    { name: 'unclosed set', selector: 'a in (b', message: "unable to parse requirement: found '', expected: ',' or ')'" },
    { name: 'two values in a set without a comma', selector: 'a in (b c)', message: "unable to parse requirement: found 'c', expected: ',' or ')'" },
    { name: '! followed by an operator', selector: '!a=b', message: "found '=', expected: ',' or 'end of string'" },
    { name: 'gt with a non-integer', selector: 'a>b', message: "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer" },
    {
      name: 'invalid key',
      selector: '-a=b',
      message:
        "unable to parse requirement: key: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    },
    {
      name: 'invalid value',
      selector: 'a=b$',
      message:
        "unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    },
    { name: 'value too long', selector: `a=${'x'.repeat(64)}`, message: `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters` },
  ];
  it.each(cases)('$name', ({ selector, message }) => {
    const err = thrown(() => parseLabelSelector(selector));
    expect(err.status.code).toBe(400);
    expect(err.status.reason).toBe('BadRequest');
    expect(err.status.message).toBe(message);
  });
});

describe('LabelSelector objects', () => {
  it('serialises matchLabels and matchExpressions sorted by key', () => {
    expect(
      labelSelectorToString({
        matchLabels: { tier: 'front', app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'owner', operator: 'Exists' },
        ],
      }),
    ).toBe('app=web,!canary,env in (dev,prod),owner,tier=front,zone notin (b)');
  });

  it('round-trips through the string parser', () => {
    const text = 'app=web,env in (dev,prod),!canary';
    expect(labelSelectorParsedToString(parseLabelSelector(text))).toBe('app=web,!canary,env in (dev,prod)');
  });

  const cases: Array<{ name: string; selector: Parameters<typeof matchesLabelSelectorObject>[0]; labels: Record<string, string>; want: boolean }> = [
    { name: 'missing selector selects nothing', selector: undefined, labels: { app: 'web' }, want: false },
    { name: 'empty selector selects everything', selector: {}, labels: { app: 'web' }, want: true },
    { name: 'matchLabels', selector: { matchLabels: { app: 'web' } }, labels: { app: 'web', x: 'y' }, want: true },
    { name: 'matchLabels mismatch', selector: { matchLabels: { app: 'db' } }, labels: { app: 'web' }, want: false },
    { name: 'In expression', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, labels: { app: 'db' }, want: true },
    { name: 'DoesNotExist expression', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels: { app: 'db' }, want: false },
  ];
  it.each(cases)('$name', ({ selector, labels, want }) => {
    expect(matchesLabelSelectorObject(selector, labels)).toBe(want);
  });

  it('rejects unknown operators', () => {
    const err = thrown(() => matchesLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Equals' }] }, {}));
    expect(err.status.message).toBe('"Equals" is not a valid label selector operator');
  });
});

describe('field selectors', () => {
  const pod: KubeObject = {
    metadata: { name: 'web-1', namespace: 'prod' },
    spec: { nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }] },
  };
  const event: KubeObject = {
    metadata: { name: 'web-1.abc', namespace: 'prod' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'prod', uid: 'u1' },
    reason: 'Scheduled',
    type: 'Normal',
    source: { component: 'default-scheduler' },
  };
  const cases: Array<{ name: string; resource: string; selector: string; object: KubeObject; want: boolean }> = [
    { name: 'metadata.name', resource: 'pods', selector: 'metadata.name=web-1', object: pod, want: true },
    { name: 'metadata.namespace !=', resource: 'pods', selector: 'metadata.namespace!=prod', object: pod, want: false },
    { name: 'pod spec.nodeName', resource: 'pods', selector: 'spec.nodeName=node-1', object: pod, want: true },
    { name: 'pod unscheduled', resource: 'pods', selector: 'spec.nodeName=', object: pod, want: false },
    { name: 'pod status.phase ==', resource: 'pods', selector: 'status.phase==Running', object: pod, want: true },
    { name: 'pod status.podIP', resource: 'pods', selector: 'status.podIP=10.0.0.9', object: pod, want: true },
    { name: 'pod spec.hostNetwork defaults to false', resource: 'pods', selector: 'spec.hostNetwork=false', object: pod, want: true },
    { name: 'AND of fields', resource: 'pods', selector: 'spec.nodeName=node-1,status.phase!=Pending', object: pod, want: true },
    { name: 'event involvedObject', resource: 'events', selector: 'involvedObject.kind=Pod,involvedObject.name=web-1', object: event, want: true },
    { name: 'event source', resource: 'events', selector: 'source=default-scheduler', object: event, want: true },
    { name: 'event type', resource: 'events', selector: 'type=Warning', object: event, want: false },
    { name: 'secret type', resource: 'secrets', selector: 'type=Opaque', object: { metadata: { name: 's' }, type: 'Opaque' }, want: true },
    { name: 'replicaset status.replicas defaults to 0', resource: 'replicasets.apps', selector: 'status.replicas=0', object: { metadata: { name: 'rs' } }, want: true },
    { name: 'node spec.unschedulable', resource: 'nodes', selector: 'spec.unschedulable=true', object: { metadata: { name: 'n' }, spec: { unschedulable: true } }, want: true },
    { name: 'service spec.type', resource: 'services', selector: 'spec.type=ClusterIP', object: { metadata: { name: 's' }, spec: { type: 'ClusterIP' } }, want: true },
    { name: 'escaped comma in a value', resource: 'pods', selector: 'metadata.name=a\\,b', object: { metadata: { name: 'a,b' } }, want: true },
  ];
  it.each(cases)('$name', ({ resource, selector, object, want }) => {
    expect(matchesFields(parseFieldSelector(selector, type(resource)), object)).toBe(want);
  });

  const errors: Array<{ name: string; resource: string; selector: string; message: string }> = [
    { name: 'unsupported field on a pod', resource: 'pods', selector: 'spec.foo=x', message: 'field label not supported: spec.foo' },
    { name: 'pod field on a deployment', resource: 'deployments.apps', selector: 'status.phase=Running', message: 'field label not supported: status.phase' },
    { name: 'no operator', resource: 'pods', selector: 'metadata.name', message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
  ];
  it.each(errors)('rejects $name', ({ resource, selector, message }) => {
    const err = thrown(() => parseFieldSelector(selector, type(resource)));
    expect(err.status).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it('answers custom resources with the generic message', () => {
    const crType: ResourceType = { ...type('pods'), group: 'example.com', kind: 'Widget', plural: 'widgets' };
    const err = thrown(() => parseFieldSelector('spec.size=1', crType));
    expect(err.status.message).toBe('"spec.size" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});
