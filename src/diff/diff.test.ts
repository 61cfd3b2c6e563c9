import { describe, expect, it } from 'vitest';
import { diff, type Change } from './diff.js';
import { renderChanges } from './render.js';

const cond = (type: string, status: string, extra: Record<string, unknown> = {}) => ({ type, status, ...extra });

interface Case {
  name: string;
  before: unknown;
  after: unknown;
  root?: string;
  ignore?: string[];
  want: Change[];
}

const cases: Case[] = [
  { name: 'equal objects', before: { a: 1, b: { c: [1, 2] } }, after: { a: 1, b: { c: [1, 2] } }, want: [] },
  {
    name: 'nested scalar change, add and remove',
    before: { phase: 'Pending', reason: 'x', nested: { deep: { n: 1 } } },
    after: { phase: 'Running', podIP: '10.0.0.1', nested: { deep: { n: 2 } } },
    root: '.status',
    want: [
      { path: '.status.phase', op: 'change', old: 'Pending', new: 'Running' },
      { path: '.status.reason', op: 'remove', old: 'x' },
      { path: '.status.nested.deep.n', op: 'change', old: 1, new: 2 },
      { path: '.status.podIP', op: 'add', new: '10.0.0.1' },
    ],
  },
  {
    name: 'conditions matched by type, whatever their order',
    before: { conditions: [cond('PodScheduled', 'True'), cond('Ready', 'False', { reason: 'ContainersNotReady' })] },
    after: { conditions: [cond('Ready', 'True'), cond('PodScheduled', 'True'), cond('Initialized', 'True')] },
    root: '.status',
    want: [
      { path: '.status.conditions[type=Ready].status', op: 'change', old: 'False', new: 'True' },
      { path: '.status.conditions[type=Ready].reason', op: 'remove', old: 'ContainersNotReady' },
      { path: '.status.conditions[type=Initialized]', op: 'add', new: cond('Initialized', 'True') },
    ],
  },
  {
    name: 'a removed condition',
    before: { conditions: [cond('Ready', 'True'), cond('Progressing', 'True')] },
    after: { conditions: [cond('Ready', 'True')] },
    want: [{ path: '.conditions[type=Progressing]', op: 'remove', old: cond('Progressing', 'True') }],
  },
  {
    name: 'containerStatuses by name',
    before: { containerStatuses: [{ name: 'app', ready: false }, { name: 'side', ready: true }] },
    after: { containerStatuses: [{ name: 'side', ready: true }, { name: 'app', ready: true }] },
    want: [{ path: '.containerStatuses[name=app].ready', op: 'change', old: false, new: true }],
  },
  {
    name: 'ports by port, load-balancer ingress by ip',
    before: { ports: [{ port: 80, protocol: 'TCP' }], loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
    after: { ports: [{ port: 80, protocol: 'UDP' }, { port: 443, protocol: 'TCP' }], loadBalancer: { ingress: [{ ip: '203.0.113.1' }, { ip: '203.0.113.2' }] } },
    want: [
      { path: '.ports[port=80].protocol', op: 'change', old: 'TCP', new: 'UDP' },
      { path: '.ports[port=443]', op: 'add', new: { port: 443, protocol: 'TCP' } },
      { path: '.loadBalancer.ingress[ip=203.0.113.2]', op: 'add', new: { ip: '203.0.113.2' } },
    ],
  },
  {
    name: 'EndpointSlice endpoints by targetRef.name',
    before: { endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'web-1' } }] },
    after: { endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-1' } }] },
    want: [{ path: '.endpoints[targetRef.name=web-1].conditions.ready', op: 'change', old: false, new: true }],
  },
  {
    name: 'arrays without a usable key go by index',
    before: { items: [{ v: 1 }, { v: 2 }], args: ['a', 'b'] },
    after: { items: [{ v: 1 }, { v: 3 }, { v: 4 }], args: ['a'] },
    want: [
      { path: '.items[1].v', op: 'change', old: 2, new: 3 },
      { path: '.items[2]', op: 'add', new: { v: 4 } },
      { path: '.args[1]', op: 'remove', old: 'b' },
    ],
  },
  {
    name: 'a duplicated key falls back to index',
    before: { conditions: [cond('A', 'True'), cond('A', 'False')] },
    after: { conditions: [cond('A', 'True'), cond('A', 'True')] },
    want: [{ path: '.conditions[1].status', op: 'change', old: 'False', new: 'True' }],
  },
  {
    name: 'type changes are one change of the whole value',
    before: { a: { x: 1 }, b: [1], c: 'text', d: 1 },
    after: { a: 'now a string', b: { x: 1 }, c: ['text'], d: '1' },
    want: [
      { path: '.a', op: 'change', old: { x: 1 }, new: 'now a string' },
      { path: '.b', op: 'change', old: [1], new: { x: 1 } },
      { path: '.c', op: 'change', old: 'text', new: ['text'] },
      { path: '.d', op: 'change', old: 1, new: '1' },
    ],
  },
  {
    name: 'null and missing are different',
    before: { a: null, b: 1, c: null },
    after: { a: null, b: null, d: null },
    want: [
      { path: '.b', op: 'change', old: 1, new: null },
      { path: '.c', op: 'remove', old: null },
      { path: '.d', op: 'add', new: null },
    ],
  },
  {
    name: 'the whole value appearing and disappearing',
    before: undefined,
    after: { phase: 'Pending' },
    root: '.status',
    want: [{ path: '.status', op: 'add', new: { phase: 'Pending' } }],
  },
  {
    name: 'keys that need quoting, and ignored paths',
    before: { metadata: { resourceVersion: '1', labels: { 'app.kubernetes.io/name': 'a' }, managedFields: [{ manager: 'x' }] } },
    after: { metadata: { resourceVersion: '2', labels: { 'app.kubernetes.io/name': 'b' }, managedFields: [{ manager: 'y' }] } },
    ignore: ['.metadata.resourceVersion', '.metadata.managedFields'],
    want: [{ path: '.metadata.labels["app.kubernetes.io/name"]', op: 'change', old: 'a', new: 'b' }],
  },
];

describe('diff', () => {
  it.each(cases)('$name', ({ before, after, root, ignore, want }) => {
    expect(diff(before, after, { root, ignore })).toEqual(want);
  });
});

describe('renderChanges', () => {
  const changes: Change[] = [
    { path: '.status.phase', op: 'change', old: 'Pending', new: 'Running' },
    { path: '.status.podIP', op: 'add', new: '10.0.0.1' },
    { path: '.status.reason', op: 'remove', old: 'x' },
  ];

  it('writes + / - / ~ lines with paths and JSON values', () => {
    expect(renderChanges(changes, { color: false })).toEqual([
      '  ~ .status.phase: "Pending" → "Running"',
      '  + .status.podIP: "10.0.0.1"',
      '  - .status.reason: "x"',
    ]);
  });

  it('colours additions green, removals red and changes yellow', () => {
    const [changed, added, removed] = renderChanges(changes, { color: true });
    expect(changed).toContain('\u001b[33m');
    expect(added).toContain('\u001b[32m');
    expect(removed).toContain('\u001b[31m');
  });

  it('cuts long values', () => {
    const [line] = renderChanges([{ path: '.x', op: 'add', new: 'y'.repeat(500) }], { color: false, maxValueLength: 20 });
    expect(line).toBe(`  + .x: "${'y'.repeat(18)}…`);
  });
});
