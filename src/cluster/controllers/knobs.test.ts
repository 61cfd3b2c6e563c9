import { describe, expect, it } from 'vitest';
import { formatGoDuration, imagePullFails, parseDuration, readKnobs } from './knobs.js';

describe('parseDuration', () => {
  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0', 0],
    ['5', 5000],
    [' 10s ', 10_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '-5s', '5 s', '5x', 's'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1200, '1.2s'],
    [10_000, '10s'],
    [80_000, '1m20s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

const pod = (annotations: Record<string, string>) => ({ metadata: { name: 'web', annotations } });

describe('readKnobs', () => {
  it('defaults to a healthy container', () => {
    expect(readKnobs({ metadata: { name: 'web' } })).toEqual({ readiness: { kind: 'pass' }, imagePullFails: false, invalid: [] });
  });

  it.each([
    ['readiness pass', { 'sim.kubespy.dev/readiness': 'pass' }, { readiness: { kind: 'pass' } }],
    ['readiness fail', { 'sim.kubespy.dev/readiness': 'fail' }, { readiness: { kind: 'fail' } }],
    ['readiness after', { 'sim.kubespy.dev/readiness': 'after:5s' }, { readiness: { kind: 'after', ms: 5000 } }],
    ['image pull fail', { 'sim.kubespy.dev/image-pull': 'fail' }, { imagePullFails: true }],
    ['crash exit', { 'sim.kubespy.dev/crash': 'exit:3' }, { crash: { kind: 'exit', code: 3 } }],
    ['crash oom', { 'sim.kubespy.dev/crash': 'oom' }, { crash: { kind: 'oom' } }],
    ['startup', { 'sim.kubespy.dev/startup': '2m' }, { startupMs: 120_000 }],
  ])('%s', (_name, annotations, expected) => {
    const knobs = readKnobs(pod(annotations));
    expect(knobs).toMatchObject(expected);
    expect(knobs.invalid).toEqual([]);
  });

  it.each([
    ['readiness', { 'sim.kubespy.dev/readiness': 'after:soon' }],
    ['crash', { 'sim.kubespy.dev/crash': 'exit:999' }],
    ['startup', { 'sim.kubespy.dev/startup': 'slow' }],
    ['image-pull', { 'sim.kubespy.dev/image-pull': 'maybe' }],
  ])('reports an unparsable %s knob and falls back to healthy', (_name, annotations) => {
    const knobs = readKnobs(pod(annotations));
    expect(knobs.invalid).toHaveLength(1);
    expect(knobs.readiness).toEqual({ kind: 'pass' });
    expect(knobs.crash).toBeUndefined();
    expect(knobs.imagePullFails).toBe(false);
  });
});

describe('imagePullFails', () => {
  it.each([
    ['nginx:1.27', false, false],
    ['nginx:doesnotexist', false, true],
    ['registry.example.com/does-not-exist/app:1', false, true],
    ['nginx:1.27', true, true],
  ])('%s (knob %s) → %s', (image, knob, fails) => {
    expect(imagePullFails(image, { imagePullFails: knob })).toBe(fails);
  });
});
