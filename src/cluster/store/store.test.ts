import { describe, expect, it } from 'vitest';
import type { KubeObject, StatusCause } from '../../lib/kube-object.js';
import { ApiError } from './errors.js';
import type { StoreRules } from './store.js';
import { apiError, collect, configMap, deployment, newStore, pod } from './test-helpers.js';
import type { AdmissionHook, ResourceType, StoreChange } from './types.js';

describe('create', () => {
  it('fills server-owned metadata and bumps the global resourceVersion', () => {
    const { store } = newStore();
    expect(store.currentResourceVersion()).toBe('2');
    const cm = store.create('configmaps', 'default', configMap('a', { k: 'v' }));
    expect(cm).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'default', resourceVersion: '3', creationTimestamp: '2026-01-01T00:00:00Z' },
      data: { k: 'v' },
    });
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    // ConfigMaps carry no generation; apps/v1 workloads start at 1.
    expect(cm.metadata.generation).toBeUndefined();
    const d = store.create('deployments.apps', 'default', deployment('web'));
    expect(d.metadata).toMatchObject({ generation: 1, resourceVersion: '4' });
    expect(store.currentResourceVersion()).toBe('4');
  });

  it('copies objects in and out', () => {
    const { store } = newStore();
    const input = configMap('a', { k: 'v' });
    const created = store.create('configmaps', 'default', input);
    (input.data as Record<string, string>).k = 'changed';
    (created.data as Record<string, string>).k = 'changed';
    expect(store.get('configmaps', 'default', 'a').data).toEqual({ k: 'v' });
  });

  it('generates names from generateName with five characters of the name alphabet', () => {
    const { store } = newStore();
    const created = store.create('pods', 'default', { metadata: { generateName: 'web-' }, spec: {} });
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.metadata.generateName).toBe('web-');
  });

  const failures: Array<{ name: string; run: (s: ReturnType<typeof newStore>['store']) => unknown; code: number; message: string }> = [
    {
      name: 'missing namespace',
      run: (s) => s.create('configmaps', 'nope', configMap('a')),
      code: 404,
      message: 'namespaces "nope" not found',
    },
    {
      name: 'no name nor generateName',
      run: (s) => s.create('configmaps', 'default', { metadata: {} }),
      code: 422,
      message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    },
    {
      name: 'duplicate',
      run: (s) => {
        s.create('configmaps', 'default', configMap('a'));
        return s.create('configmaps', 'default', configMap('a'));
      },
      code: 409,
      message: 'configmaps "a" already exists',
    },
    {
      name: 'resourceVersion set',
      run: (s) => s.create('configmaps', 'default', { metadata: { name: 'a', resourceVersion: '5' } }),
      code: 400,
      message: 'resourceVersion should not be set on objects to be created',
    },
    {
      name: 'namespace mismatch',
      run: (s) => s.create('configmaps', 'default', { metadata: { name: 'a', namespace: 'other' } }),
      code: 400,
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    },
    {
      name: 'unknown resource',
      run: (s) => s.create('widgets.example.com', 'default', { metadata: { name: 'a' } }),
      code: 404,
      message: 'the server could not find the requested resource',
    },
  ];
  it.each(failures)('refuses: $name', ({ run, code, message }) => {
    const { store } = newStore();
    const err = apiError(() => run(store));
    expect(err.status.code).toBe(code);
    expect(err.status.message).toBe(message);
  });

  it('drops status on create for kinds with a status subresource, keeps it otherwise', () => {
    const { store } = newStore();
    const p = store.create('pods', 'default', pod('p', { status: { phase: 'Running', podIP: '1.2.3.4' } }));
    expect(p.status).toEqual({ phase: 'Pending' });
    const d = store.create('deployments.apps', 'default', { ...deployment('web'), status: { replicas: 3 } });
    expect(d.status).toBeUndefined();
    const node = store.create('nodes', undefined, { metadata: { name: 'n1' }, status: { capacity: { cpu: '4' } } });
    expect(node.status).toEqual({ capacity: { cpu: '4' } });
    const cm = store.create('configmaps', 'default', { ...configMap('a'), status: { kept: true } });
    expect(cm.status).toEqual({ kept: true });
  });

  it('runs defaulting, then admission, then validation', () => {
    const calls: string[] = [];
    const rules: Partial<StoreRules> = {
      defaultObject: (_t, o) => {
        calls.push('default');
        o.metadata.labels = { ...o.metadata.labels, defaulted: 'yes' };
      },
      validateObject: (_t, o) => {
        calls.push('validate');
        return o.metadata.labels?.admitted === 'yes' ? [] : [{ reason: 'FieldValueRequired', message: 'Required value', field: 'x' }];
      },
    };
    const hook: AdmissionHook = (op, type, o) => {
      calls.push(`admit ${op} ${type.kind}`);
      o.metadata.labels = { ...o.metadata.labels, admitted: 'yes' };
    };
    const { store } = newStore({ rules, admission: [hook] });
    calls.length = 0;
    const cm = store.create('configmaps', 'default', configMap('a'));
    expect(calls).toEqual(['default', 'admit CREATE ConfigMap', 'validate']);
    expect(cm.metadata.labels).toEqual({ defaulted: 'yes', admitted: 'yes' });
  });

  it('stores nothing when validation fails', () => {
    const rules: Partial<StoreRules> = {
      validateObject: (t, o): StatusCause[] =>
        t.kind === 'Service' && !o.spec ? [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }] : [],
    };
    const { store } = newStore({ rules });
    const rv = store.currentResourceVersion();
    const err = apiError(() => store.create('services', 'default', { metadata: { name: 'svc' } }));
    expect(err.status).toMatchObject({ code: 422, reason: 'Invalid', message: 'Service "svc" is invalid: spec.ports: Required value' });
    expect(store.tryGet('services', 'default', 'svc')).toBeUndefined();
    expect(store.currentResourceVersion()).toBe(rv);
  });

  it('refuses new content in a terminating namespace', () => {
    const { store } = newStore();
    store.create('namespaces', undefined, { metadata: { name: 'doomed' } });
    store.delete('namespaces', undefined, 'doomed');
    const err = apiError(() => store.create('configmaps', 'doomed', configMap('a')));
    expect(err.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps "a" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    });
  });

  it('does not store dry-run creates', () => {
    const { store } = newStore();
    const out = store.create('configmaps', 'default', configMap('a'), { dryRun: true });
    expect(out.metadata.uid).toBeDefined();
    expect(out.metadata.resourceVersion).toBeUndefined();
    expect(store.tryGet('configmaps', 'default', 'a')).toBeUndefined();
    expect(store.currentResourceVersion()).toBe('2');
  });
});

describe('update', () => {
  it('detects stale resourceVersions and accepts unconditional updates', () => {
    const { store } = newStore();
    const v1 = store.create('configmaps', 'default', configMap('a', { k: '1' }));
    const v2 = store.update('configmaps', 'default', 'a', { ...v1, data: { k: '2' } });
    expect(v2.metadata.resourceVersion).toBe('4');
    const err = apiError(() => store.update('configmaps', 'default', 'a', { ...v1, data: { k: '3' } }));
    expect(err.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    const noRV = { ...v1, metadata: { ...v1.metadata } };
    delete noRV.metadata.resourceVersion;
    expect(store.update('configmaps', 'default', 'a', { ...noRV, data: { k: '3' } }).data).toEqual({ k: '3' });
  });

  it('keeps server-owned metadata', () => {
    const { store, clock } = newStore();
    const v1 = store.create('configmaps', 'default', configMap('a'));
    clock.advance(60_000);
    const v2 = store.update('configmaps', 'default', 'a', {
      ...v1,
      metadata: { ...v1.metadata, uid: undefined, creationTimestamp: '1999-01-01T00:00:00Z', generation: 7 },
      data: { k: 'v' },
    } as KubeObject);
    expect(v2.metadata.uid).toBe(v1.metadata.uid);
    expect(v2.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
    expect(v2.metadata.generation).toBeUndefined();
  });

  it('skips no-op writes: same resourceVersion, no event', () => {
    const { store } = newStore();
    const v1 = store.create('configmaps', 'default', configMap('a', { k: '1' }));
    const w = collect(store, 'configmaps', { resourceVersion: store.currentResourceVersion() });
    const same = store.update('configmaps', 'default', 'a', v1);
    expect(same.metadata.resourceVersion).toBe(v1.metadata.resourceVersion);
    expect(store.currentResourceVersion()).toBe(v1.metadata.resourceVersion);
    expect(w.events).toEqual([]);
  });

  it('bumps generation only for changes outside metadata and status', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', 'default', deployment('web'));
    const labelled = store.update('deployments.apps', 'default', 'web', { ...d, metadata: { ...d.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = store.update('deployments.apps', 'default', 'web', {
      ...labelled,
      spec: { ...(labelled.spec as object), replicas: 3 },
    });
    expect(scaled.metadata.generation).toBe(2);
    const withStatus = store.update('deployments.apps', 'default', 'web', { ...scaled, status: { replicas: 3 } }, { subresource: 'status' });
    expect(withStatus.metadata.generation).toBe(2);
    // Deployments bump on annotation changes too (they are copied to ReplicaSets).
    const annotated = store.update('deployments.apps', 'default', 'web', {
      ...withStatus,
      metadata: { ...withStatus.metadata, annotations: { note: 'x' } },
    });
    expect(annotated.metadata.generation).toBe(3);
  });

  it('isolates status: the main resource ignores it, the subresource never changes the spec', () => {
    const { store } = newStore();
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }];
    const p = store.create('pods', 'default', pod('p', { metadata: { name: 'p', ownerReferences: owner } }));
    const main = store.update('pods', 'default', 'p', {
      ...p,
      metadata: { ...p.metadata, labels: { x: 'y' } },
      status: { phase: 'Running' },
    });
    expect(main.status).toEqual({ phase: 'Pending' });
    expect(main.metadata.labels).toEqual({ x: 'y' });
    const status = store.update(
      'pods',
      'default',
      'p',
      {
        ...main,
        metadata: { ...main.metadata, labels: { x: 'z' }, ownerReferences: [] },
        spec: { containers: [] },
        status: { phase: 'Running' },
      },
      { subresource: 'status' },
    );
    expect(status.status).toEqual({ phase: 'Running' });
    expect(status.spec).toEqual(p.spec);
    // podStatusStrategy: metadata changes are taken, except ownerReferences.
    expect(status.metadata.labels).toEqual({ x: 'z' });
    expect(status.metadata.ownerReferences).toEqual(owner);
  });

  it('takes annotations but not labels through a Deployment status write (no generation bump)', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', 'default', deployment('web'));
    const out = store.mutate(
      'deployments.apps',
      'default',
      'web',
      (o) => ({ ...o, metadata: { ...o.metadata, labels: { a: 'b' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, status: { observedGeneration: 1 } }),
      { subresource: 'status' },
    );
    expect(out?.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(out?.metadata.labels).toBeUndefined();
    expect(out?.metadata.generation).toBe(d.metadata.generation);
  });

  it('refuses the status subresource for kinds without one', () => {
    const { store } = newStore();
    const cm = store.create('configmaps', 'default', configMap('a'));
    expect(apiError(() => store.update('configmaps', 'default', 'a', cm, { subresource: 'status' })).status.code).toBe(404);
  });

  it('refuses a body naming another object', () => {
    const { store } = newStore();
    const cm = store.create('configmaps', 'default', configMap('a'));
    expect(apiError(() => store.update('configmaps', 'default', 'b', cm)).status.code).toBe(404);
    store.create('configmaps', 'default', configMap('b'));
    expect(apiError(() => store.update('configmaps', 'default', 'b', cm)).status.message).toBe(
      'the name of the object (a) does not match the name on the URL (b)',
    );
  });

  it('passes the stored object to validation as previous', () => {
    const seen: Array<KubeObject | undefined> = [];
    const { store } = newStore({ rules: { validateObject: (_t, _o, prev) => (seen.push(prev), []) } });
    const cm = store.create('configmaps', 'default', configMap('a', { k: '1' }));
    store.update('configmaps', 'default', 'a', { ...cm, data: { k: '2' } });
    expect(seen.at(-1)?.data).toEqual({ k: '1' });
  });
});

describe('patch and mutate', () => {
  const mergeRules: Partial<StoreRules> = {
    applyPatch: (type, current, body) => {
      if (type === 'apply' || type === 'merge') {
        const b = body as KubeObject;
        return { ...current, ...b, metadata: { ...current.metadata, ...(b.metadata ?? {}) } };
      }
      throw Object.assign(new Error('strategic merge patch is not supported for custom resources'), { code: 415 });
    },
  };

  it('applies the patch engine result through the update path', () => {
    const { store } = newStore({ rules: mergeRules });
    store.create('configmaps', 'default', configMap('a', { k: '1' }));
    const out = store.patch('configmaps', 'default', 'a', 'merge', { data: { k: '2' } });
    expect(out.data).toEqual({ k: '2' });
    expect(out.metadata.resourceVersion).toBe('4');
  });

  it('treats a resourceVersion in the patch as a precondition', () => {
    const { store } = newStore({ rules: mergeRules });
    store.create('configmaps', 'default', configMap('a', { k: '1' }));
    const err = apiError(() => store.patch('configmaps', 'default', 'a', 'merge', { metadata: { resourceVersion: '1' }, data: {} }));
    expect(err.status.code).toBe(409);
  });

  it('creates absent objects only for server-side apply', () => {
    const { store } = newStore({ rules: mergeRules });
    expect(apiError(() => store.patch('configmaps', 'default', 'x', 'merge', { data: {} })).status.message).toBe('configmaps "x" not found');
    const created = store.patch('configmaps', 'default', 'x', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }, { fieldManager: 'me' });
    expect(created).toMatchObject({ metadata: { name: 'x', namespace: 'default', resourceVersion: '3' }, data: { a: 'b' } });
  });

  it('keeps the code of patch engine errors', () => {
    const { store } = newStore({ rules: mergeRules });
    store.create('configmaps', 'default', configMap('a'));
    const err = apiError(() => store.patch('configmaps', 'default', 'a', 'strategic', {}));
    expect(err.status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });

  it('mutate never conflicts and skips when the callback returns undefined', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a', { n: '0' }));
    const out = store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '1' }, data: { n: '1' } }));
    expect(out?.data).toEqual({ n: '1' });
    const rv = store.currentResourceVersion();
    expect(store.mutate('configmaps', 'default', 'a', () => undefined)).toBeUndefined();
    expect(store.currentResourceVersion()).toBe(rv);
    expect(apiError(() => store.mutate('configmaps', 'default', 'gone', (o) => o)).status.code).toBe(404);
  });

  it('mutate with the status subresource writes status only', () => {
    const { store } = newStore();
    store.create('pods', 'default', pod('p'));
    const out = store.mutate('pods', 'default', 'p', (o) => ({ ...o, spec: {}, status: { phase: 'Running' } }), { subresource: 'status' });
    expect(out?.status).toEqual({ phase: 'Running' });
    expect(out?.spec).toEqual({ containers: [{ name: 'c', image: 'nginx' }] });
  });
});

describe('delete', () => {
  it('deletes at once and returns the last state stamped with the deletion RV', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', configMap('a'));
    const w = collect(store, 'configmaps', { resourceVersion: store.currentResourceVersion() });
    const out = store.delete('configmaps', 'default', 'a');
    expect(out.metadata.resourceVersion).toBe('4');
    expect(store.tryGet('configmaps', 'default', 'a')).toBeUndefined();
    expect(w.brief()).toEqual(['DELETED a@4']);
    expect(apiError(() => store.delete('configmaps', 'default', 'a')).status.message).toBe('configmaps "a" not found');
  });

  it('deletes scheduled pods gracefully; the final grace-0 delete removes them', () => {
    const { store, clock } = newStore();
    store.create('pods', 'default', pod('p', { spec: { nodeName: 'n1', terminationGracePeriodSeconds: 20, containers: [] } }));
    const w = collect(store, 'pods', { resourceVersion: store.currentResourceVersion() });
    const marked = store.delete('pods', 'default', 'p');
    expect(marked.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:20Z', deletionGracePeriodSeconds: 20 });
    expect(store.get('pods', 'default', 'p').metadata.deletionTimestamp).toBe('2026-01-01T00:00:20Z');
    // A repeated delete changes nothing.
    const again = store.delete('pods', 'default', 'p');
    expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
    clock.advance(1000);
    const gone = store.delete('pods', 'default', 'p', { gracePeriodSeconds: 0 });
    expect(gone.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(store.tryGet('pods', 'default', 'p')).toBeUndefined();
    expect(w.brief()).toEqual(['MODIFIED p@4', 'DELETED p@5']);
  });

  const graceCases: Array<{ name: string; spec: Record<string, unknown>; status?: Record<string, unknown>; options: { gracePeriodSeconds?: number }; want: number | 'gone' }> = [
    { name: 'default 30 s', spec: { nodeName: 'n1' }, options: {}, want: 30 },
    { name: 'request wins', spec: { nodeName: 'n1', terminationGracePeriodSeconds: 60 }, options: { gracePeriodSeconds: 5 }, want: 5 },
    { name: 'unscheduled pods go at once', spec: {}, options: {}, want: 'gone' },
    { name: 'grace 0 forces', spec: { nodeName: 'n1' }, options: { gracePeriodSeconds: 0 }, want: 'gone' },
    { name: 'negative becomes 1', spec: { nodeName: 'n1' }, options: { gracePeriodSeconds: -5 }, want: 1 },
  ];
  it.each(graceCases)('pod grace period: $name', ({ spec, options, want }) => {
    const { store } = newStore();
    store.create('pods', 'default', { metadata: { name: 'p' }, spec });
    const out = store.delete('pods', 'default', 'p', options);
    if (want === 'gone') {
      expect(store.tryGet('pods', 'default', 'p')).toBeUndefined();
    } else {
      expect(out.metadata.deletionGracePeriodSeconds).toBe(want);
      expect(store.tryGet('pods', 'default', 'p')).toBeDefined();
    }
  });

  it('waits for finalizers; removing the last one deletes the object', () => {
    const { store } = newStore();
    store.create('configmaps', 'default', { metadata: { name: 'a', finalizers: ['example.com/hold'] } });
    const w = collect(store, 'configmaps', { resourceVersion: store.currentResourceVersion() });
    const marked = store.delete('configmaps', 'default', 'a');
    expect(marked.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 });
    const err = apiError(() =>
      store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: ['example.com/hold', 'new'] } })),
    );
    expect(err.status.message).toContain('no new finalizers can be added if the object is being deleted');
    const last = store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
    expect(last?.metadata.resourceVersion).toBe('5');
    expect(store.tryGet('configmaps', 'default', 'a')).toBeUndefined();
    expect(w.brief()).toEqual(['MODIFIED a@4', 'DELETED a@5']);
  });

  it('adds the garbage collector finalizers for Foreground and Orphan', () => {
    const { store } = newStore();
    store.create('deployments.apps', 'default', deployment('fg'));
    store.create('deployments.apps', 'default', deployment('or'));
    const fg = store.delete('deployments.apps', 'default', 'fg', { propagationPolicy: 'Foreground' });
    expect(fg.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fg.metadata.generation).toBe(2);
    const or = store.delete('deployments.apps', 'default', 'or', { propagationPolicy: 'Orphan' });
    expect(or.metadata.finalizers).toEqual(['orphan']);
    expect(store.get('deployments.apps', 'default', 'or').metadata.deletionTimestamp).toBeDefined();
  });

  it('checks preconditions', () => {
    const { store } = newStore();
    const cm = store.create('configmaps', 'default', configMap('a'));
    expect(apiError(() => store.delete('configmaps', 'default', 'a', { preconditions: { uid: 'other' } })).status.message).toBe(
      `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}`,
    );
    expect(apiError(() => store.delete('configmaps', 'default', 'a', { preconditions: { resourceVersion: '1' } })).status.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: 3',
    );
    store.delete('configmaps', 'default', 'a', { preconditions: { uid: cm.metadata.uid, resourceVersion: '3' } });
    expect(store.tryGet('configmaps', 'default', 'a')).toBeUndefined();
  });

  it('terminates namespaces until the kubernetes finalizer is removed', () => {
    const { store } = newStore();
    const ns = store.create('namespaces', undefined, { metadata: { name: 'team' } });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    const marked = store.delete('namespaces', undefined, 'team');
    expect(marked.status).toEqual({ phase: 'Terminating' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    store.mutate('namespaces', undefined, 'team', (o) => ({ ...o, spec: { finalizers: [] } }));
    expect(store.tryGet('namespaces', undefined, 'team')).toBeUndefined();
  });

  it('runs admission hooks on delete and lets them refuse', () => {
    const hook: AdmissionHook = (op, _t: ResourceType, o) => {
      if (op === 'DELETE' && o.metadata.name === 'keep') throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden', message: 'no' });
    };
    const { store } = newStore({ admission: [hook] });
    store.create('configmaps', 'default', configMap('keep'));
    expect(apiError(() => store.delete('configmaps', 'default', 'keep')).status.code).toBe(403);
    expect(store.tryGet('configmaps', 'default', 'keep')).toBeDefined();
  });
});

describe('list', () => {
  function seeded() {
    const fx = newStore();
    fx.store.create('namespaces', undefined, { metadata: { name: 'other' } });
    for (const name of ['e', 'b', 'a', 'd', 'c']) {
      fx.store.create('configmaps', 'default', configMap(name, {}, { app: name < 'c' ? 'x' : 'y' }));
    }
    fx.store.create('configmaps', 'other', configMap('z', {}, { app: 'x' }));
    return fx;
  }

  it('sorts by namespace/name and filters by namespace and selectors', () => {
    const { store } = seeded();
    const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(names(store.list('configmaps').items)).toEqual(['default/a', 'default/b', 'default/c', 'default/d', 'default/e', 'other/z']);
    expect(names(store.list('configmaps', { namespace: 'other' }).items)).toEqual(['other/z']);
    expect(names(store.list('configmaps', { labelSelector: 'app=x' }).items)).toEqual(['default/a', 'default/b', 'other/z']);
    expect(names(store.list('configmaps', { fieldSelector: 'metadata.name=c' }).items)).toEqual(['default/c']);
    expect(store.list('configmaps').resourceVersion).toBe(store.currentResourceVersion());
  });

  it('pages with limit and continue on a consistent snapshot', () => {
    const { store } = seeded();
    const first = store.list('configmaps', { namespace: 'default', limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(first.remainingItemCount).toBe(3);
    expect(first.continue).toBeDefined();
    expect(JSON.parse(Buffer.from(first.continue ?? '', 'base64').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 9, start: 'default/b\u0000' });

    // Changes after the first page do not show up in later pages.
    store.delete('configmaps', 'default', 'c');
    store.create('configmaps', 'default', configMap('bb'));
    store.mutate('configmaps', 'default', 'd', (o) => ({ ...o, data: { changed: 'yes' } }));

    const second = store.list('configmaps', { namespace: 'default', limit: 2, continue: first.continue });
    expect(second.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
    expect(second.items[1]?.data).toEqual({});
    expect(second.resourceVersion).toBe('9');
    expect(second.remainingItemCount).toBe(1);
    const third = store.list('configmaps', { namespace: 'default', limit: 2, continue: second.continue });
    expect(third.items.map((o) => o.metadata.name)).toEqual(['e']);
    expect(third.continue).toBeUndefined();
    expect(third.remainingItemCount).toBeUndefined();
  });

  it('omits remainingItemCount when a selector filters the list', () => {
    const { store } = seeded();
    const page = store.list('configmaps', { labelSelector: 'app=x', limit: 1 });
    expect(page.continue).toBeDefined();
    expect(page.remainingItemCount).toBeUndefined();
  });

  it('answers 410 for a continue token whose snapshot was compacted', () => {
    const { store } = seeded();
    const first = store.list('configmaps', { limit: 2 });
    store.create('configmaps', 'default', configMap('new'));
    store.compact();
    const err = apiError(() => store.list('configmaps', { limit: 2, continue: first.continue }));
    expect(err.status).toMatchObject({
      code: 410,
      reason: 'Expired',
      message:
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    });
  });

  it('rejects malformed continue tokens and selectors', () => {
    const { store } = seeded();
    expect(apiError(() => store.list('configmaps', { continue: 'garbage' })).status.code).toBe(400);
    expect(apiError(() => store.list('configmaps', { labelSelector: 'a in b' })).status.code).toBe(400);
    expect(apiError(() => store.list('configmaps', { fieldSelector: 'spec.x=1' })).status.message).toBe('field label not supported: spec.x');
  });
});

describe('subscribe', () => {
  it('delivers every committed change in commit order, with the previous object', () => {
    const { store } = newStore();
    const changes: StoreChange[] = [];
    const unsubscribe = store.subscribe((c) => changes.push(c));
    store.create('configmaps', 'default', configMap('a', { n: '1' }));
    store.mutate('configmaps', 'default', 'a', (o) => ({ ...o, data: { n: '2' } }));
    store.create('pods', 'default', pod('p'));
    store.delete('configmaps', 'default', 'a');
    unsubscribe();
    store.create('configmaps', 'default', configMap('b'));
    expect(changes.map((c) => `${c.type} ${c.resource.plural}/${c.object.metadata.name}@${c.object.metadata.resourceVersion}`)).toEqual([
      'ADDED configmaps/a@3',
      'MODIFIED configmaps/a@4',
      'ADDED pods/p@5',
      'DELETED configmaps/a@6',
    ]);
    expect(changes[1]?.previous?.data).toEqual({ n: '1' });
    expect(changes[0]?.previous).toBeUndefined();
  });

  it('queues writes made by a subscriber behind the current delivery', () => {
    const { store } = newStore();
    const seen: string[] = [];
    store.subscribe((c) => {
      seen.push(`A:${c.type} ${c.object.metadata.name}`);
      if (c.object.metadata.name === 'a' && c.type === 'ADDED') store.create('configmaps', 'default', configMap('b'));
    });
    store.subscribe((c) => seen.push(`B:${c.type} ${c.object.metadata.name}`));
    store.create('configmaps', 'default', configMap('a'));
    expect(seen).toEqual(['A:ADDED a', 'B:ADDED a', 'A:ADDED b', 'B:ADDED b']);
  });
});

describe('fixes found by the controllers', () => {
  it('fills apiVersion and kind on create even when the body omits them', () => {
    const { store } = newStore();
    const created = store.create('configmaps', 'default', { metadata: { name: 'bare' }, data: {} });
    expect(created.apiVersion).toBe('v1');
    expect(created.kind).toBe('ConfigMap');
    expect(Object.keys(created).slice(0, 2)).toEqual(['apiVersion', 'kind']);
  });

  it('keeps a gracefully terminating Pod through status writes until the grace-0 delete', () => {
    const { store } = newStore();
    store.create('pods', 'default', pod('web', { spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } }));
    const marked = store.delete('pods', 'default', 'web', { gracePeriodSeconds: 30 });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    const written = store.mutate('pods', 'default', 'web', (p) => ({ ...p, status: { phase: 'Running', reason: 'Stopping' } }), { subresource: 'status' });
    expect(written?.metadata.deletionTimestamp).toBeDefined();
    expect(store.tryGet('pods', 'default', 'web')).toBeDefined();
    store.delete('pods', 'default', 'web', { gracePeriodSeconds: 0 });
    expect(store.tryGet('pods', 'default', 'web')).toBeUndefined();
  });
});
