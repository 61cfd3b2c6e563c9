import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { parseNamespacedName, parseTraceTarget, type TraceKind } from './target.js';
import { parseObjectTarget } from './watch-object.js';

const ALL: TraceKind[] = ['service', 'deployment', 'replicaset', 'statefulset', 'daemonset', 'pod'];

describe('parseTraceTarget', () => {
  it.each([
    { name: 'kind and name', args: ['svc', 'web'], ns: undefined, want: { kind: 'service', namespace: undefined, name: 'web' } },
    { name: 'KIND/NAME', args: ['service/web'], ns: undefined, want: { kind: 'service', namespace: undefined, name: 'web' } },
    { name: 'NAMESPACE/NAME', args: ['svc', 'shop/web'], ns: undefined, want: { kind: 'service', namespace: 'shop', name: 'web' } },
    { name: '-n flag', args: ['deploy', 'api'], ns: 'prod', want: { kind: 'deployment', namespace: 'prod', name: 'api' } },
    { name: 'same namespace twice', args: ['svc', 'prod/api'], ns: 'prod', want: { kind: 'service', namespace: 'prod', name: 'api' } },
    { name: 'kind in any case', args: ['Deployment', 'api'], ns: undefined, want: { kind: 'deployment', namespace: undefined, name: 'api' } },
    { name: 'group-qualified kind', args: ['deployments.apps', 'api'], ns: undefined, want: { kind: 'deployment', namespace: undefined, name: 'api' } },
    { name: 'kubectl style svc svc/web', args: ['svc', 'svc/web'], ns: undefined, want: { kind: 'service', namespace: undefined, name: 'web' } },
    { name: 'dotted name', args: ['po', 'web.v2'], ns: undefined, want: { kind: 'pod', namespace: undefined, name: 'web.v2' } },
  ])('$name', ({ args, ns, want }) => {
    expect(parseTraceTarget(args, ns, ALL)).toEqual(want);
  });

  it.each([
    { name: 'no arguments', args: [], ns: undefined, message: 'missing KIND and NAME' },
    { name: 'kind only', args: ['svc'], ns: undefined, message: 'missing NAME after "svc"' },
    { name: 'too many', args: ['svc', 'a', 'b'], ns: undefined, message: 'too many arguments: svc a b' },
    { name: 'unknown kind', args: ['ingress', 'web'], ns: undefined, message: 'kubespy cannot trace "ingress"' },
    { name: 'upper-case name', args: ['svc', 'Web'], ns: undefined, message: 'malformed name "Web"' },
    { name: 'three slashes', args: ['svc', 'a/b/c'], ns: undefined, message: 'malformed name "a/b/c"' },
    { name: 'conflicting namespace', args: ['svc', 'a/web'], ns: 'b', message: 'conflicts with --namespace b' },
    { name: 'bad namespace', args: ['svc', 'A_B/web'], ns: undefined, message: 'malformed namespace "A_B"' },
  ])('rejects $name', ({ args, ns, message }) => {
    expect(() => parseTraceTarget(args, ns, ALL)).toThrowError(UsageError);
    expect(() => parseTraceTarget(args, ns, ALL)).toThrowError(message);
  });

  it('names the kinds it can trace when the kind is unsupported', () => {
    try {
      parseTraceTarget(['deploy', 'x'], undefined, ['service']);
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).hint).toBe('Traceable kinds: service (short names: svc).');
    }
  });
});

describe('parseNamespacedName (shared by trace and status|changes|record)', () => {
  it.each([
    { text: 'web', ns: undefined, want: { namespace: undefined, name: 'web' } },
    { text: 'web', ns: 'shop', want: { namespace: 'shop', name: 'web' } },
    { text: 'shop/web', ns: undefined, want: { namespace: 'shop', name: 'web' } },
    { text: 'shop/web', ns: 'shop', want: { namespace: 'shop', name: 'web' } },
  ])('$text with -n $ns', ({ text, ns, want }) => {
    expect(parseNamespacedName(text, ns)).toEqual(want);
  });

  it('takes the name rule and usage hint of its caller', () => {
    expect(() => parseNamespacedName('system:node', undefined)).toThrowError('malformed name "system:node"');
    expect(parseNamespacedName('system:node', undefined, { name: /^[a-z:]+$/ })).toEqual({ namespace: undefined, name: 'system:node' });
    try {
      parseNamespacedName('a/b/c', undefined, { usage: 'Usage: x' });
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).message).toBe('malformed name "a/b/c": expected NAME or NAMESPACE/NAME');
      expect((error as UsageError).hint).toBe('Usage: x');
    }
  });

  it('status|changes|record read NAMESPACE/NAME the same way', () => {
    expect(parseObjectTarget(['cm', 'shop/settings'], undefined)).toEqual({ apiVersion: undefined, kind: 'cm', namespace: 'shop', name: 'settings' });
    expect(parseObjectTarget(['clusterrole', 'system:node-proxier'], undefined)).toMatchObject({ name: 'system:node-proxier' });
    expect(() => parseObjectTarget(['cm', 'a/settings'], 'b')).toThrowError('conflicts with --namespace b');
    expect(() => parseObjectTarget(['cm', 'A_B/settings'], undefined)).toThrowError('malformed namespace "A_B"');
    expect(() => parseObjectTarget(['/settings'], undefined)).toThrowError('malformed kind');
  });
});
