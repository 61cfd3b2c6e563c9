/**
 * The live view in a real terminal (issue 3): `kubespy demo` runs in a tmux pane and the test
 * reads the screen as a user would see it. The frame must be redrawn in place — one frame on the
 * screen and none scrolled into the history — and colour must follow NO_COLOR and --no-color.
 * tmux runs with its defaults, scroll-on-clear included (tmux 3.3+): a redraw that erased the
 * screen from the top-left corner would copy every old frame into the history.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SERVICE_CHECK_IDS } from '../src/trace/service.js';
import { ANSI, KUBESPY, childEnv, runKubespy } from './helpers/kubespy.js';

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

/** A history long enough to hold every frame a misbehaving writer would push into it. */
const TMUX_CONFIG = 'set-option -g history-limit 5000\n';

/** A private tmux server (its own socket and config), so nothing else on the machine interferes. */
class Tmux {
  private readonly socket = `kubespy-test-${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(private readonly config: string) {}

  run(args: string[]): Promise<string> {
    return exec('tmux', ['-L', this.socket, '-f', this.config, ...args], { encoding: 'utf8' }).then((r) => r.stdout);
  }

  /** The visible screen plus everything scrolled off it (-S -: from the start of the history). */
  capture(options: { escapes?: boolean; screenOnly?: boolean } = {}): Promise<string> {
    const from = options.screenOnly ? [] : ['-S', '-'];
    return this.run(['capture-pane', '-p', ...from, ...(options.escapes ? ['-e'] : []), '-t', 'main']);
  }

  /** Lines in the pane's history (scrolled off the top, or copied there by a screen clear). */
  async historySize(): Promise<number> {
    return Number((await this.run(['display-message', '-p', '-t', 'main', '#{history_size}'])).trim());
  }

  /** The server's value of a global option, or undefined where this tmux has no such option. */
  async option(name: string): Promise<string | undefined> {
    return this.run(['show-options', '-gv', name]).then((v) => v.trim(), () => undefined);
  }

  /**
   * Runs `kubespy demo <args>` in a fresh pane of this size. The pane outlives kubespy (sleep) so
   * the last frame can be read after it exits; EXIT_MARK and the exit code follow it.
   */
  async startDemo(args: string[], size: { columns: number; rows: number }): Promise<void> {
    const command = [
      `cd ${shellQuote(path.dirname(path.dirname(KUBESPY)))}`,
      `env -u NO_COLOR -u FORCE_COLOR -u CI TERM=xterm-256color ${shellQuote(process.execPath)} ${shellQuote(KUBESPY)} demo ${args.map(shellQuote).join(' ')}`,
      `echo ${EXIT_MARK} $?`,
      'sleep 60',
    ].join('; ');
    await this.run(['new-session', '-d', '-s', 'main', '-x', String(size.columns), '-y', String(size.rows), command]);
  }

  /** The capture once kubespy has exited, with the lines before the exit mark and its line. */
  async afterExit(options: { screenOnly?: boolean } = {}): Promise<{ text: string; frame: string[]; exit: string | undefined }> {
    const text = await until('the demo to end', async () => {
      const captured = await this.capture(options);
      return captured.includes(EXIT_MARK) ? captured : undefined;
    }, 25_000);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith(EXIT_MARK));
    return { text, frame: lines.slice(0, at), exit: lines[at] };
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

/** A private tmux server with its own config in a temporary directory, killed and removed after. */
async function withTmux(body: (tmux: Tmux) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kubespy-tty-'));
  const config = path.join(dir, 'tmux.conf');
  await writeFile(config, TMUX_CONFIG);
  const tmux = new Tmux(config);
  try {
    await body(tmux);
  } finally {
    await tmux.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rows of the service checks in these lines, by check id: each must appear once per frame. */
function checkRows(lines: string[]): Array<{ id: string; rows: number }> {
  return SERVICE_CHECK_IDS.map((id) => ({ id, rows: lines.filter((l) => new RegExp(`^ \\S+ +${id} {2,}`).test(l)).length }));
}

const TITLE = /^kubespy trace service demo\/web +live · \d{2}:\d{2}:\d{2}$/;

describe.skipIf(!hasTmux)('the live view in a terminal (tmux)', () => {
  it('kubespy demo redraws one frame in place, with scroll-on-clear on, and ends on READY with the ten checks', async () => {
    await withTmux(async (tmux) => {
      // tmux 3.3+ has the option, on by default; older tmux neither has it nor copies on clear.
      expect((await tmux.option('scroll-on-clear')) ?? 'on').toBe('on');
      await tmux.startDemo(['--speed', '10'], { columns: 100, rows: 40 });
      const { text, frame, exit } = await tmux.afterExit();
      expect(exit).toBe(`${EXIT_MARK} 0`);

      // One frame in the whole pane, history included: the title and the summary once, on the
      // first lines, nothing scrolled or copied above them.
      expect(frame[0]).toMatch(TITLE);
      expect(frame[1]).toBe('Service demo/web · LoadBalancer · READY');
      expect(text.split('\n').filter((l) => l.startsWith('kubespy trace service'))).toHaveLength(1);
      expect(text.split('\n').filter((l) => l.startsWith('Service demo/web'))).toHaveLength(1);
      expect(checkRows(frame)).toEqual(SERVICE_CHECK_IDS.map((id) => ({ id, rows: 1 })));
      // The frame fits the 40 rows; at most kubespy's closing newline and the mark scrolled.
      expect(await tmux.historySize()).toBeLessThanOrEqual(2);
      expect(frame.find((l) => / pods {2,}/.test(l))).toMatch(/3 of 3 ready$/);
      // The last column stays free (see frame-writer.ts).
      expect(frame.every((l) => l.length < 100)).toBe(true);
      // The narration sits under the frame.
      expect(frame).toContain('  » Deployment web with 3 replicas is created');

      // On a terminal, with no colour settings, it is in colour.
      expect(await tmux.capture({ escapes: true })).toMatch(ANSI);
    });
  });

  it('on a screen shorter than the frame, and after a resize, the screen shows one whole frame', async () => {
    await withTmux(async (tmux) => {
      await tmux.startDemo(['--speed', '10'], { columns: 60, rows: 15 });
      // The frame is cut to 14 rows: nothing scrolls into the history while it runs.
      await until('the first frame', async () => ((await tmux.capture()).includes('kubespy trace service') ? true : undefined), 15_000);
      expect(await tmux.historySize()).toBe(0);
      const small = (await tmux.capture({ screenOnly: true })).split('\n');
      expect(small[0]).toMatch(TITLE);
      expect(small.filter((l) => l.startsWith('kubespy trace service'))).toHaveLength(1);

      // Larger (kubespy gets SIGWINCH and redraws at the new size at once).
      await tmux.run(['resize-window', '-t', 'main', '-x', '90', '-y', '30']);
      const { frame, exit } = await tmux.afterExit({ screenOnly: true });
      expect(exit).toBe(`${EXIT_MARK} 0`);
      expect(frame[0]).toMatch(TITLE);
      expect(frame[0]?.length).toBe(89);
      expect(frame[1]).toBe('Service demo/web · LoadBalancer · READY');
      expect(frame.filter((l) => l.startsWith('kubespy trace service'))).toHaveLength(1);
      expect(checkRows(frame)).toEqual(SERVICE_CHECK_IDS.map((id) => ({ id, rows: 1 })));
      expect(await tmux.historySize()).toBe(0);
    });
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
