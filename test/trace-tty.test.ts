/**
 * The live view in a real terminal (issue 3): `kubespy demo` runs in a tmux pane and the test
 * reads the screen as a user would see it. The frame must be redrawn in place — one frame on the
 * screen and none scrolled into the history — and colour must follow NO_COLOR and --no-color.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SERVICE_CHECK_IDS } from '../src/trace/service.js';
import { ANSI, KUBESPY, childEnv, runKubespy } from './helpers-trace.js';

const exec = promisify(execFile);

function stripAnsi(text: string): string {
  return text.replace(new RegExp(ANSI.source, 'g'), '');
}
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('skipping the live-view terminal test: tmux is not installed');

const EXIT_MARK = '__KUBESPY_EXIT__';

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * tmux 3.3+ copies the whole screen into its history when a program erases it from the top-left
 * corner (option scroll-on-clear) — which a live view drawn at the top of a fresh pane does on
 * every redraw. Off, the history holds only what really scrolled: what this test looks for.
 * `-q`: older tmux has neither the option nor the behaviour.
 */
const TMUX_CONFIG = 'set-option -gq scroll-on-clear off\nset-option -g history-limit 5000\n';

/** A private tmux server (its own socket and config), so nothing else on the machine interferes. */
class Tmux {
  private readonly socket = `kubespy-test-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(private readonly config: string) {}

  run(args: string[]): Promise<string> {
    return exec('tmux', ['-L', this.socket, '-f', this.config, ...args], { encoding: 'utf8' }).then((r) => r.stdout);
  }

  /** The visible screen plus everything scrolled off it (-S -: from the start of the history). */
  capture(options: { escapes?: boolean } = {}): Promise<string> {
    return this.run(['capture-pane', '-p', '-S', '-', ...(options.escapes ? ['-e'] : []), '-t', 'main']);
  }

  async kill(): Promise<void> {
    await this.run(['kill-server']).catch(() => undefined);
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!hasTmux)('the live view in a terminal (tmux)', () => {
  it('kubespy demo redraws one frame in place and ends on READY with the ten checks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kubespy-tty-'));
    const config = path.join(dir, 'tmux.conf');
    await writeFile(config, TMUX_CONFIG);
    const tmux = new Tmux(config);
    // The pane outlives kubespy (sleep) so the last frame can be read after it exits.
    const command = [
      `cd ${shellQuote(path.dirname(path.dirname(KUBESPY)))}`,
      `env -u NO_COLOR -u FORCE_COLOR -u CI TERM=xterm-256color ${shellQuote(process.execPath)} ${shellQuote(KUBESPY)} demo --speed 10`,
      `echo ${EXIT_MARK} $?`,
      'sleep 60',
    ].join('; ');
    try {
      await tmux.run(['new-session', '-d', '-s', 'main', '-x', '100', '-y', '40', command]);
      const screen = await until('the demo to end', async () => {
        const text = await tmux.capture();
        return text.includes(EXIT_MARK) ? text : undefined;
      }, 25_000);
      const lines = screen.split('\n');
      const frame = lines.slice(0, lines.findIndex((l) => l.startsWith(EXIT_MARK)));
      expect(lines.find((l) => l.startsWith(EXIT_MARK))).toBe(`${EXIT_MARK} 0`);

      // One frame: the title and the summary once, on the first lines, nothing scrolled above.
      expect(frame[0]).toMatch(/^kubespy trace service demo\/web +live · \d{2}:\d{2}:\d{2}$/);
      expect(frame[1]).toBe('Service demo/web · LoadBalancer · READY');
      expect(frame.filter((l) => l.startsWith('kubespy trace service'))).toHaveLength(1);
      expect(frame.filter((l) => l.startsWith('Service demo/web'))).toHaveLength(1);
      for (const id of SERVICE_CHECK_IDS) {
        const rows = frame.filter((l) => new RegExp(`^ \\S+ +${id} {2,}`).test(l));
        expect({ id, rows: rows.length }).toEqual({ id, rows: 1 });
      }
      expect(frame.find((l) => / pods {2,}/.test(l))).toMatch(/3 of 3 ready$/);
      expect(frame.every((l) => l.length <= 100)).toBe(true);
      // The narration sits under the frame.
      expect(frame).toContain('  » Deployment web with 3 replicas is created');

      // On a terminal, with no colour settings, it is in colour.
      expect(await tmux.capture({ escapes: true })).toMatch(ANSI);
    } finally {
      await tmux.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('colour in -o plain', () => {
  const demo = ['demo', 'selector-typo', '-o', 'plain', '--speed', '20'];

  it('FORCE_COLOR colours a piped log; NO_COLOR and --no-color turn it off even then', async () => {
    const [forced, noColorEnv, noColorFlag] = await Promise.all([
      runKubespy(demo, { env: childEnv({ FORCE_COLOR: '1' }) }),
      runKubespy(demo, { env: childEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) }),
      runKubespy([...demo, '--no-color'], { env: childEnv({ FORCE_COLOR: '1' }) }),
    ]);
    for (const result of [forced, noColorEnv, noColorFlag]) {
      expect(result.code).toBe(0);
      expect(stripAnsi(result.stdout)).toMatch(/ {2}verdict +READY {2}Service billing\/payments/);
    }
    expect(forced.stdout).toMatch(ANSI);
    expect(noColorEnv.stdout).not.toMatch(ANSI);
    expect(noColorFlag.stdout).not.toMatch(ANSI);
  });
});
