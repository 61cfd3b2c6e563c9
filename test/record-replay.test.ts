/**
 * Recordings end to end (design.md §5, issue 5): a trace recorded against the embedded cluster,
 * replayed from its own recording, prints the same sequence of reports; bad recordings are
 * reported the way users need.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/lib/kube-object.js';
import { startCli, until } from './helpers/cli.js';
import { withCluster } from './helpers/cluster.js';

/** (verdict, checks) per report, elapsed times masked as the JSON sink masks them. */
function reportSequence(ndjson: string): string[] {
  return ndjson.trim().split('\n').filter(Boolean).map((line) => {
    const report = JSON.parse(line) as { verdict: string; checks: unknown };
    return JSON.stringify([report.verdict, report.checks]).replace(/\d+(?:\.\d+)? ?(?:ms|s|m|h|d)\b/g, '#');
  });
}

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } },
  },
});

const service = (name: string, selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector, ports: [{ port: 80, targetPort: 'http' }] },
});

const fixture = withCluster({ speed: 20 });
describe('record → replay', () => {
  it('replays a trace from its own recording with the same reports', async () => {
    const recording = path.join(fixture.dir, 'trace.rec');
    const live = startCli(['trace', 'svc', 'shop-web', '-o', 'json', '--kubeconfig', fixture.kubeconfigPath, '--record', recording]);
    await until(() => live.stdout().includes('"verdict":"absent"'), 'the absent report');
    // A typo first (selector matches nothing, near misses listed), then the fix.
    fixture.cluster.store.create('deployments.apps', 'default', deployment('shop-web'));
    fixture.cluster.store.create('services', 'default', service('shop-web', { app: 'shop-wbe' }));
    await until(() => live.stdout().includes('"verdict":"failing"'), 'the failing report');
    const current = fixture.cluster.store.get('services', 'default', 'shop-web');
    fixture.cluster.store.update('services', 'default', 'shop-web', { ...current, spec: { ...(current.spec as object), selector: { app: 'shop-web' } } });
    await until(() => live.stdout().includes('"verdict":"ready"'), 'the ready report');
    live.stop();
    expect(await live.code).toBe(0);

    const lines = readFileSync(recording, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kubespyRecording: 1, namespace: 'default' });
    expect(lines.at(-1)).toMatchObject({ type: 'END' });
    for (const line of lines.slice(1)) expect(Date.parse(line.time as string)).not.toBeNaN();
    expect(lines.some((line) => line.type === 'ADDED' && (line.object as KubeObject).kind === 'Pod')).toBe(true);

    const replay = startCli(['trace', 'svc', 'shop-web', '-o', 'json', '--replay', recording, '--speed', '0']);
    expect(await replay.code).toBe(0);
    expect(replay.stderr()).toBe('');
    const want = reportSequence(live.stdout());
    expect(want.length).toBeGreaterThanOrEqual(3);
    expect(reportSequence(replay.stdout())).toEqual(want);
  }, 60_000);
});

describe('bad recordings', () => {
  const configMap = (rv: string, data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default', resourceVersion: rv },
    data,
  });

  it('reports a malformed line with its number and replays the rest', async () => {
    const file = path.join(fixture.dir, 'malformed.rec');
    writeFileSync(file, [
      JSON.stringify({ kubespyRecording: 1, time: '2026-01-01T00:00:00Z' }),
      JSON.stringify({ time: '2026-01-01T00:00:01Z', type: 'ADDED', object: configMap('1', { a: '1' }) }),
      '{"time": "2026-01-01T00:00:02Z", "type": "MODIFIED", "object": {',
      JSON.stringify({ time: '2026-01-01T00:00:03Z', type: 'MODIFIED', object: configMap('3', { a: '2' }) }),
    ].join('\n'));
    const cli = startCli(['changes', 'cm', 'settings', '--replay', file, '--speed', '0', '-o', 'json']);
    expect(await cli.code).toBe(0);
    expect(cli.stderr()).toContain(`${file}:3: the line is not JSON; skipped`);
    const changes = cli.stdout().trim().split('\n').map((line) => JSON.parse(line) as { type: string; changes: unknown[] });
    expect(changes.map((c) => c.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(changes[1]!.changes).toEqual([{ path: '.data.a', op: 'change', old: '1', new: '2' }]);
  });

  it('refuses a recording from a newer format version with exit code 2', async () => {
    const file = path.join(fixture.dir, 'newer.rec');
    writeFileSync(file, `${JSON.stringify({ kubespyRecording: 99, time: '2026-01-01T00:00:00Z' })}\n`);
    const cli = startCli(['status', 'cm', 'settings', '--replay', file]);
    expect(await cli.code).toBe(2);
    expect(cli.stderr()).toMatch(/format version 99.*upgrade kubespy/);
  });

  it('says so when the recording cannot be read', async () => {
    const cli = startCli(['trace', 'svc', 'web', '--replay', path.join(fixture.dir, 'missing.rec')]);
    expect(await cli.code).toBe(2);
    expect(cli.stderr()).toContain('cannot read recording');
  });
});

describe('redaction', () => {
  it('keeps Secret keys but not their values in recordings and output, unless --show-secrets', async () => {
    fixture.cluster.store.create('secrets', 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, data: { password: Buffer.from('hunter2').toString('base64') } });
    for (const show of [false, true]) {
      const recording = path.join(fixture.dir, `secret-${show}.rec`);
      const cli = startCli(['record', 'secret', 'token', '--ndjson', '--kubeconfig', fixture.kubeconfigPath, '--record', recording, ...(show ? ['--show-secrets'] : [])]);
      await until(() => cli.stdout().includes('"password"'), 'the Secret');
      cli.stop();
      expect(await cli.code).toBe(0);
      const recorded = readFileSync(recording, 'utf8');
      for (const text of [cli.stdout(), recorded]) {
        expect(text.includes(Buffer.from('hunter2').toString('base64'))).toBe(show);
        expect(text).toContain('"password"');
      }
    }
  }, 30_000);
});
