import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kube-object.js';
import { DEPLOYMENT, WIDGET } from '../objects/test-helpers.js';
import { applyPatch, PatchError, type ManagedFieldsEntry } from './index.js';

const T1 = '2026-01-02T03:04:05Z';
const T2 = '2026-01-02T03:05:00Z';

type Json = Record<string, unknown>;

/** What the store hands over when the object does not exist yet. */
function empty(): KubeObject {
  return { metadata: { name: 'web', namespace: 'default' } };
}

function config(replicas: number, image = 'nginx:1', extra: Json = {}): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...extra,
    },
  };
}

function apply(current: KubeObject, body: Json, fieldManager: string | undefined, options: { force?: boolean; now?: string } = {}): KubeObject {
  return applyPatch('apply', current, body, { resource: DEPLOYMENT, fieldManager, force: options.force, now: options.now ?? T1 });
}

function entries(o: KubeObject): ManagedFieldsEntry[] {
  return o.metadata.managedFields as ManagedFieldsEntry[];
}

function thrown(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}

describe('server-side apply', () => {
  it('create: the object is the applied config, with one Apply entry', () => {
    const created = apply(empty(), config(2), 'kubectl');
    expect(created).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } });
    expect(entries(created)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('update by the same manager: keyed items merge, dropped fields are removed', () => {
    const created = apply(empty(), config(2, 'nginx:1', { minReadySeconds: 5 }), 'kubectl');
    // A controller added a field nobody applied: it must survive.
    (created.spec as Json).paused = false;
    const updated = apply(created, config(3, 'nginx:2'), 'kubectl', { now: T2 });
    expect(updated.spec).toEqual({
      replicas: 3,
      paused: false,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } },
    });
    expect(entries(updated)).toHaveLength(1);
    // The field set changed (minReadySeconds dropped), so the entry is stamped anew.
    expect(entries(updated)[0]).toMatchObject({ manager: 'kubectl', time: T2 });
  });

  it('re-applying the same config keeps the entry time (no-op for the store)', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const again = apply(created, config(2), 'kubectl', { now: T2 });
    expect(again).toEqual(created);
  });

  it('changing the field set refreshes the entry time', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const updated = apply(created, config(2, 'nginx:1', { minReadySeconds: 5 }), 'kubectl', { now: T2 });
    expect(entries(updated)[0]?.time).toBe(T2);
  });

  it('another manager setting the same value shares the field', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const shared = apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } }, 'hpa');
    expect(entries(shared).map((e) => e.manager)).toEqual(['kubectl', 'hpa']);
    expect(entries(shared)[1]?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('another manager changing an applied field conflicts (409)', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const err = thrown(() => apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 5 } }, 'other-manager'));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(err.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);
  });

  it('several conflicts are listed per manager, with keyed paths', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const err = thrown(() => apply(created, config(4, 'nginx:9'), 'helm'));
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('force takes the conflicting fields over', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const forced = apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 5 } }, 'other-manager', { force: true, now: T2 });
    expect((forced.spec as Json).replicas).toBe(5);
    const [kubectl, other] = entries(forced);
    expect(kubectl?.manager).toBe('kubectl');
    expect((kubectl?.fieldsV1 as Json)['f:spec']).not.toHaveProperty('f:replicas');
    expect(other).toMatchObject({ manager: 'other-manager', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, time: T2 });

    // kubectl no longer owns replicas: dropping it from its config leaves the value alone.
    const withoutReplicas = config(2);
    delete (withoutReplicas.spec as Json).replicas;
    const reapplied = apply(forced, withoutReplicas, 'kubectl');
    expect((reapplied.spec as Json).replicas).toBe(5);
  });

  it('a field still owned by another manager is not removed when one manager drops it', () => {
    const created = apply(empty(), config(2), 'kubectl');
    const shared = apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: { app: 'web' } } }, 'labeler');
    const dropped = apply(shared, { ...config(2), metadata: { name: 'web' } }, 'kubectl');
    expect(dropped.metadata.labels).toEqual({ app: 'web' });
  });

  it('custom resources apply with atomic lists', () => {
    const widget = applyPatch(
      'apply',
      { metadata: { name: 'w', namespace: 'default' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', spec: { sizes: [1, 2] } },
      { resource: WIDGET, fieldManager: 'me', now: T1 },
    );
    expect(widget.spec).toEqual({ sizes: [1, 2] });
    expect(entries(widget)[0]?.fieldsV1).toEqual({ 'f:spec': { 'f:sizes': {} } });
  });

  it.each([
    { name: 'missing fieldManager', manager: undefined, body: config(1), code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' },
    { name: 'managedFields in the body', manager: 'kubectl', body: { ...config(1), metadata: { managedFields: [] } }, code: 400, message: 'metadata.managedFields must be nil' },
  ])('$name → $code', ({ manager, body, code, message }) => {
    const err = thrown(() => apply(empty(), body, manager));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it('accepts a YAML body', () => {
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n';
    const created = applyPatch('apply', empty(), yaml, { resource: DEPLOYMENT, fieldManager: 'kubectl', now: T1 });
    expect((created.spec as Json).replicas).toBe(4);
  });
});
