import { describe, expect, it } from 'vitest';
import { apiVersionOf, createRegistry, qualifiedResource } from './registry.js';

describe('registry', () => {
  const registry = createRegistry();

  it.each([
    { resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], namespaced: true, subresources: ['status'] },
    { resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], namespaced: true, subresources: ['status'] },
    { resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'], categories: [], namespaced: true, subresources: [] },
    { resource: 'namespaces', kind: 'Namespace', shortNames: ['ns'], categories: [], namespaced: false, subresources: ['status'] },
    { resource: 'nodes', kind: 'Node', shortNames: ['no'], categories: [], namespaced: false, subresources: ['status'] },
    { resource: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], categories: [], namespaced: true, subresources: ['status'] },
    { resource: 'deployments.apps', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true, subresources: ['status', 'scale'] },
    { resource: 'statefulsets.apps', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], namespaced: true, subresources: ['status', 'scale'] },
    { resource: 'daemonsets.apps', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], namespaced: true, subresources: ['status'] },
    { resource: 'endpointslices.discovery.k8s.io', kind: 'EndpointSlice', shortNames: [], categories: [], namespaced: true, subresources: [] },
    { resource: 'ingresses.networking.k8s.io', kind: 'Ingress', shortNames: ['ing'], categories: [], namespaced: true, subresources: ['status'] },
    { resource: 'ingressclasses.networking.k8s.io', kind: 'IngressClass', shortNames: [], categories: [], namespaced: false, subresources: [] },
    {
      resource: 'customresourcedefinitions.apiextensions.k8s.io',
      kind: 'CustomResourceDefinition',
      shortNames: ['crd', 'crds'],
      categories: [],
      namespaced: false,
      subresources: ['status'],
    },
    { resource: 'leases.coordination.k8s.io', kind: 'Lease', shortNames: [], categories: [], namespaced: true, subresources: [] },
  ])('$resource', ({ resource, ...want }) => {
    const type = registry.get(resource);
    expect(type).toMatchObject({ ...want, listKind: `${want.kind}List` });
    expect(type && qualifiedResource(type)).toBe(resource);
  });

  it('names singulars as lowercased kinds, endpoints excepted', () => {
    expect(registry.get('endpoints')?.singular).toBe('endpoints');
    expect(registry.get('networkpolicies.networking.k8s.io')?.singular).toBe('networkpolicy');
  });

  it('does not serve events.k8s.io', () => {
    expect(registry.get('events.events.k8s.io')).toBeUndefined();
    expect(registry.byKind('', 'Event')?.plural).toBe('events');
  });

  it('lists core first, then groups in registration order, and registers CRDs', () => {
    const r = createRegistry();
    r.register({ ...(r.get('pods') as NonNullable<ReturnType<typeof r.get>>), group: 'example.com', kind: 'Widget', plural: 'widgets' });
    const groups = [...new Set(r.all().map((t) => t.group))];
    expect(groups).toEqual(['', 'apps', 'discovery.k8s.io', 'networking.k8s.io', 'apiextensions.k8s.io', 'coordination.k8s.io', 'example.com']);
    expect(r.byKind('example.com', 'Widget')?.plural).toBe('widgets');
    r.unregister('widgets.example.com');
    expect(r.get('widgets.example.com')).toBeUndefined();
  });

  it('hands out copies', () => {
    const t = registry.get('pods');
    t?.shortNames.push('x');
    expect(registry.get('pods')?.shortNames).toEqual(['po']);
    expect(apiVersionOf({ group: 'apps', version: 'v1' })).toBe('apps/v1');
    expect(apiVersionOf({ group: '', version: 'v1' })).toBe('v1');
  });
});
