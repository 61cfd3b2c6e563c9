import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { VERSION } from '../src/cli/version.js';
import { runCli as runCliWith } from './helpers/cli.js';
import { KUBESPY } from './helpers/kubespy.js';
import { KUBECTL, hasKubectl } from './helpers/kubectl.js';

/** The CLI in-process on a clock that never moves: these commands exit without waiting. */
const runCli = (args: string[]) => runCliWith(args, { clock: new ManualClock() });

describe('kubespy CLI basics', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kubespy');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('Exit codes:');
    // Every command is listed (only the named command is registered when argv names one).
    for (const command of ['trace', 'status', 'changes', 'record', 'demo', 'cluster']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each([
    ['kubespy help trace', ['help', 'trace']],
    ['kubespy trace --help', ['trace', '--help']],
  ])('%s prints the trace command\'s help', async (_name, args) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kubespy trace');
    expect(result.stdout).toContain('kubespy trace svc web');
  });

  it('suggests the command meant when one is mistyped', async () => {
    const result = await runCli(['trac', 'svc', 'web']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(Did you mean trace?)");
  });

  it('prints its version, the same as package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
    expect(VERSION).toBe(pkg.version);
  });

  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown flag', ['--frobnicate']],
  ])('exits 2 with a usage message on %s', async (_name, args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kubectl plugin', () => {
  it.skipIf(!hasKubectl)('runs as `kubectl spy` when kubectl-spy is on the PATH (needs /usr/bin/kubectl, skipped without it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubespy-plugin-'));
    try {
      symlinkSync(KUBESPY, path.join(dir, 'kubectl-spy'));
      const out = execFileSync(KUBECTL, ['spy', '--version'], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(out.trim()).toBe(VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
