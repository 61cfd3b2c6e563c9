import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.js';
import { run } from '../src/cli/program.js';
import { VERSION } from '../src/cli/version.js';

/** Runs the CLI in-process and captures what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await run(args, { stdout, stderr, env: {}, clock: new ManualClock(), signal: new AbortController().signal });
  return { code, stdout: out, stderr: err };
}

describe('kubespy CLI basics', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kubespy');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('Exit codes:');
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
  const kubectl = '/usr/bin/kubectl';
  const hasKubectl = existsSync(kubectl);
  it.skipIf(!hasKubectl)('runs as `kubectl spy` when kubectl-spy is on the PATH (needs /usr/bin/kubectl, skipped without it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubespy-plugin-'));
    try {
      symlinkSync(fileURLToPath(new URL('../bin/kubespy.js', import.meta.url)), path.join(dir, 'kubectl-spy'));
      const out = execFileSync(kubectl, ['spy', '--version'], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(out.trim()).toBe(VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
