import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { apiError, collect, newStore } from './test-helpers.js';

const CRD = 'customresourcedefinitions.apiextensions.k8s.io';

function widgetCrd(options: { scope?: string; status?: boolean; name?: string } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: options.name ?? 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: options.scope ?? 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1', served: true, storage: true, ...(options.status === false ? {} : { subresources: { status: {} } }) },
      ],
    },
  };
}

describe('CustomResourceDefinitions', () => {
  it('registers the resource at the storage version and marks the CRD Established', () => {
    const { store } = newStore();
    const w = collect(store, CRD, { resourceVersion: store.currentResourceVersion() });
    store.create(CRD, undefined, widgetCrd());
    expect(store.registry.get('widgets.example.com')).toEqual({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      categories: ['all'],
      namespaced: true,
      subresources: ['status'],
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    });
    // The status is written through the normal path: watchers see ADDED then MODIFIED.
    expect(w.brief()).toEqual(['ADDED widgets.example.com@3', 'MODIFIED widgets.example.com@4']);
    const crd = store.get(CRD, undefined, 'widgets.example.com');
    expect(crd.status).toEqual({
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'NoConflicts', message: 'no conflicts found' },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      acceptedNames: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
      storedVersions: ['v1'],
    });
    expect(crd.metadata.generation).toBe(1);
  });

  it('serves custom resources with generation and status subresource semantics', () => {
    const { store } = newStore();
    store.create(CRD, undefined, widgetCrd());
    const w = store.create('widgets.example.com', 'default', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 1 },
      status: { ready: true },
    });
    expect(w).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { generation: 1 } });
    expect(w.status).toBeUndefined();
    const bigger = store.update('widgets.example.com', 'default', 'w1', { ...w, spec: { size: 2 }, status: { ready: true } });
    expect(bigger.metadata.generation).toBe(2);
    expect(bigger.status).toBeUndefined();
    const ready = store.update('widgets.example.com', 'default', 'w1', { ...bigger, status: { ready: true } }, { subresource: 'status' });
    expect(ready.status).toEqual({ ready: true });
    expect(ready.metadata.generation).toBe(2);
    // The custom resource status strategy keeps all stored metadata.
    const relabelled = store.update(
      'widgets.example.com',
      'default',
      'w1',
      { ...ready, metadata: { ...ready.metadata, labels: { a: 'b' } }, status: { ready: false } },
      { subresource: 'status' },
    );
    expect(relabelled.metadata.labels).toBeUndefined();
    expect(relabelled.status).toEqual({ ready: false });
  });

  it('keeps status on the main resource when the CRD declares no status subresource', () => {
    const { store } = newStore();
    store.create(CRD, undefined, widgetCrd({ status: false, scope: 'Cluster' }));
    expect(store.registry.get('widgets.example.com')?.namespaced).toBe(false);
    const w = store.create('widgets.example.com', undefined, { metadata: { name: 'w1' }, status: { ready: true } });
    expect(w.status).toEqual({ ready: true });
    expect(w.metadata.namespace).toBeUndefined();
  });

  it('deleting the CRD deletes its objects, unregisters it and ends its watches', () => {
    const { store } = newStore();
    store.create(CRD, undefined, widgetCrd());
    store.create('widgets.example.com', 'default', { metadata: { name: 'w1' } });
    store.create('widgets.example.com', 'default', { metadata: { name: 'w2' } });
    const w = collect(store, 'widgets.example.com', { resourceVersion: store.currentResourceVersion() });
    const crdWatch = collect(store, CRD, { resourceVersion: store.currentResourceVersion() });
    store.delete(CRD, undefined, 'widgets.example.com');
    expect(w.brief()).toEqual(['DELETED w1@7', 'DELETED w2@8', 'ERROR 404']);
    expect(crdWatch.brief()).toEqual(['DELETED widgets.example.com@9']);
    expect(store.registry.get('widgets.example.com')).toBeUndefined();
    expect(apiError(() => store.list('widgets.example.com')).status.message).toBe('the server could not find the requested resource');
  });

  it('validates the CRD name against its names and group', () => {
    const { store } = newStore();
    const err = apiError(() => store.create(CRD, undefined, widgetCrd({ name: 'gadgets.example.com' })));
    expect(err.status).toMatchObject({
      code: 422,
      message:
        'CustomResourceDefinition.apiextensions.k8s.io "gadgets.example.com" is invalid: metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group',
    });
  });

  it('does not let a CRD shadow a built-in resource', () => {
    const { store } = newStore();
    const crd = widgetCrd({ name: 'deployments.apps' });
    const spec = crd.spec as { group: string; names: { plural: string; kind: string } };
    spec.group = 'apps';
    spec.names.plural = 'deployments';
    spec.names.kind = 'Deployment';
    store.create(CRD, undefined, crd);
    expect(store.registry.get('deployments.apps')?.subresources).toEqual(['status', 'scale']);
  });
});
