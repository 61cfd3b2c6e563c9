import { describe, expect, it } from 'vitest';
import { inWords } from './age.js';
import { dedupeEvents, viewEvent } from './events.js';
import { NOW, event, pod } from './fixtures/builders.js';
import { formatLabelSelector, labelSelectorMatches, mapMatches } from './labels.js';
import { singleDifference } from './near-miss.js';
import { analysePolicies } from './network-policy.js';
import { describeChain, ownerChain } from './owners.js';
import { resolveTargetPort, servicePorts } from './ports.js';
import { memoByIdentity, perObject } from './read.js';

describe('perObject', () => {
  it('reads an object once, remembering undefined results too; reads other values every time', () => {
    let reads = 0;
    const labelOf = perObject((value) => {
      reads += 1;
      return (value as { label?: string } | null)?.label;
    });
    const labelled = { label: 'a' };
    const bare = {};
    expect([labelOf(labelled), labelOf(labelled), labelOf(bare), labelOf(bare)]).toEqual(['a', 'a', undefined, undefined]);
    expect(reads).toBe(2);
    expect([labelOf(null), labelOf(null)]).toEqual([undefined, undefined]);
    expect(reads).toBe(4);
  });
});

describe('memoByIdentity', () => {
  it('reads again when the key is another object or a dep differs (by identity), not otherwise', () => {
    let reads = 0;
    const memo = memoByIdentity<object, number>();
    const read = () => ++reads;
    const list = Object.freeze([]);
    const owners = {};
    expect(memo(list, [owners, 'a'], read)).toBe(1);
    expect(memo(list, [owners, 'a'], read)).toBe(1);
    expect(memo(list, [{}, 'a'], read)).toBe(2);
    expect(memo(list, [{}, 'a'], read)).toBe(3);
    expect(memo(Object.freeze([]), [owners, 'a'], read)).toBe(4);
    expect(memo(list, [owners, 'b'], read)).toBe(5);
  });
});

describe('inWords', () => {
  it.each([
    [0, '0 s'],
    [999, '0 s'],
    [3_400, '3 s'],
    [59_999, '59 s'],
    [60_000, '1 m'],
    [125_000, '2 m 5 s'],
    [3_600_000, '1 h'],
    [3_780_000, '1 h 3 m'],
    [86_400_000 * 2 + 3_600_000 * 4, '2 d 4 h'],
    [-5, '0 s'],
    [Number.NaN, '0 s'],
  ])('%d ms → %s', (ms, words) => expect(inWords(ms)).toBe(words));
});

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  it.each([
    ['Service map: all pairs match', () => mapMatches({ app: 'web' }, labels), true],
    ['Service map: a value differs', () => mapMatches({ app: 'web', tier: 'back' }, labels), false],
    ['LabelSelector: empty selects everything', () => labelSelectorMatches({}, labels), true],
    ['LabelSelector: missing selects nothing', () => labelSelectorMatches(undefined, labels), false],
    ['In', () => labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] }, labels), true],
    ['NotIn matches a missing key', () => labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels), true],
    ['NotIn rejects a listed value', () => labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels), false],
    ['Exists', () => labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels), true],
    ['DoesNotExist', () => labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels), false],
    ['unknown operator selects nothing', () => labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'Near' }] }, labels), false],
    ['matchLabels and expressions both apply', () => labelSelectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, labels), false],
  ])('%s', (_name, run, expected) => expect(run()).toBe(expected));

  it('formats like kubectl', () => {
    expect(
      formatLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] }),
    ).toBe('app=web,tier in (a,b),!legacy');
    expect(formatLabelSelector({})).toBe('all Pods');
  });
});

describe('singleDifference', () => {
  it.each([
    ['value typo', { app: 'paymnets' }, { app: 'payments' }, { kind: 'value', key: 'app', wanted: 'paymnets', actual: 'payments' }],
    ['key typo', { ap: 'web' }, { app: 'web', 'pod-template-hash': 'abc' }, { kind: 'key', wanted: 'ap', actual: 'app', value: 'web' }],
    ['key typo picks the closest key', { ap: 'web' }, { zzz: 'web', app: 'web' }, { kind: 'key', wanted: 'ap', actual: 'app', value: 'web' }],
    ['missing label of a two-pair selector', { app: 'web', tier: 'front' }, { app: 'web' }, { kind: 'missing', key: 'tier', wanted: 'front' }],
    ['missing label of a one-pair selector is no near miss', { app: 'web' }, { other: 'x' }, undefined],
    ['two differences are no near miss', { app: 'web', tier: 'front' }, { app: 'api', tier: 'back' }, undefined],
    ['a match is no near miss', { app: 'web' }, { app: 'web' }, undefined],
  ])('%s', (_name, selector, labels, expected) => expect(singleDifference(selector, labels)).toEqual(expected));
});

describe('owners', () => {
  it('infers the Deployment from the ReplicaSet name and pod-template-hash', () => {
    expect(describeChain(ownerChain(pod('web-7d9c6f5b8-x', { replicaSet: 'web-7d9c6f5b8' })))).toBe('ReplicaSet web-7d9c6f5b8 (Deployment web)');
  });
  it('does not guess when the hash does not fit the name', () => {
    const p = pod('x', { owner: { kind: 'ReplicaSet', name: 'handmade' } });
    expect(describeChain(ownerChain(p))).toBe('ReplicaSet handmade');
  });
  it('names a bare Pod as having no owner', () => {
    expect(describeChain(ownerChain(pod('x')))).toBe('no owner');
  });
});

describe('ports', () => {
  it('defaults protocol and targetPort like the API server', () => {
    const svc = { metadata: {}, spec: { ports: [{ port: 80 }, { name: 'm', port: 90, targetPort: '9090' }, { port: 'x' }] } };
    expect(servicePorts(svc)).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'm', port: 90, protocol: 'TCP', targetPort: 9090 },
    ]);
  });
  it('resolves a named port per Pod by name and protocol', () => {
    const p = pod('x', { containerPorts: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    expect(resolveTargetPort({ port: 80, protocol: 'TCP', targetPort: 'http' }, p)).toBe(8080);
    expect(resolveTargetPort({ port: 53, protocol: 'TCP', targetPort: 'dns' }, p)).toBeUndefined();
    expect(resolveTargetPort({ port: 53, protocol: 'UDP', targetPort: 'dns' }, p)).toBe(53);
  });
});

describe('events', () => {
  it('reads legacy and events.k8s.io-style Events alike', () => {
    const legacy = viewEvent(event({ name: 'p', reason: 'BackOff', message: 'x', count: 3, lastSecondsAgo: 10 }));
    const modern = viewEvent(event({ name: 'p', reason: 'BackOff', message: 'x', count: 4, lastSecondsAgo: 5, modern: true }));
    expect(legacy).toMatchObject({ count: 3, last: NOW - 10_000, type: 'Warning' });
    expect(modern.count).toBe(4);
    expect(Math.round((modern.last as number) / 1000)).toBe(Math.round((NOW - 5_000) / 1000));
  });
  it('dedupes repeats, adding counts, most recent first', () => {
    const views = [
      event({ name: 'p', reason: 'A', message: 'x', count: 2, lastSecondsAgo: 50 }),
      event({ name: 'p', reason: 'B', message: 'y', lastSecondsAgo: 20 }),
      event({ name: 'p', reason: 'A', message: 'x', count: 1, lastSecondsAgo: 10 }),
    ].map(viewEvent);
    expect(dedupeEvents(views).map((e) => [e.reason, e.count, e.last])).toEqual([
      ['A', 3, NOW - 10_000],
      ['B', 1, NOW - 20_000],
    ]);
  });
  it('of Events last seen in the same second, the one that arrived later is the latest', () => {
    // metav1.Time has whole seconds: ties are common, and "latest: …" must not name the older one.
    const views = [
      event({ name: 'p', reason: 'Pulling', message: 'x', lastSecondsAgo: 3 }),
      event({ name: 'p', reason: 'Failed', message: 'y', lastSecondsAgo: 3 }),
      event({ name: 'p', reason: 'Old', message: 'z', lastSecondsAgo: 30 }),
    ].map(viewEvent);
    expect(dedupeEvents(views).map((e) => e.reason)).toEqual(['Failed', 'Pulling', 'Old']);
  });
});

describe('analysePolicies', () => {
  const pods = [pod('web-1')];
  const target = { number: 8080, names: ['http'], protocol: 'TCP', label: '8080/TCP' };
  const policy = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });
  it.each([
    ['no policies', [], [], []],
    ['ingress rule with no ports allows every port', [policy('all', { podSelector: {}, ingress: [{}] })], ['8080/TCP'], []],
    ['rule for UDP only blocks TCP', [policy('udp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })], [], ['8080/TCP']],
    ['egress-only policy does not restrict ingress', [policy('eg', { podSelector: {}, policyTypes: ['Egress'] })], [], []],
    ['endPort range covers the port', [policy('range', { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }] })], ['8080/TCP'], []],
  ])('%s', (_name, policies, allowed, blocked) => {
    const result = analysePolicies(policies, pods, [target]);
    expect(result.allowed.map((a) => a.port.label)).toEqual(allowed);
    expect(result.blocked.map((b) => b.label)).toEqual(blocked);
  });
  it('describes the sources a rule allows', () => {
    const result = analysePolicies(
      [policy('mix', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { role: 'fe' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] })],
      pods,
      [target],
    );
    expect(result.allowed[0]?.by).toEqual(['mix (from pods role=fe in namespaces team=a or 10.0.0.0/8 except 10.1.0.0/16)']);
  });
});
