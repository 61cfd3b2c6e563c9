import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { createFrameWriter, fitToScreen, frameSize, type ExitHooks, type FrameStream } from './frame-writer.js';

const HIDE = '\u001b[?25l';
const SHOW = '\u001b[?25h';
/** Erase to the end of the line: closes every line of a frame. */
const EL = '\u001b[K';
/** Erase below: once, after the last line, for the rows of a taller previous frame. */
const ED = '\u001b[J';

class FakeTerminal extends EventEmitter implements FrameStream {
  writes: string[] = [];
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  /** Writes that drew a frame (not the cursor-only or erase-only ones). */
  get redraws(): string[] {
    return this.writes.filter((w) => w.includes('\n'));
  }
}

function setup(opts: { columns?: number; rows?: number; fps?: number; synchronized?: boolean } = {}) {
  const term = new FakeTerminal(opts.columns, opts.rows);
  const clock = new ManualClock();
  const writer = createFrameWriter({ stream: term, clock, fps: opts.fps, synchronized: opts.synchronized ?? false });
  return { term, clock, writer };
}

describe('createFrameWriter', () => {
  it('draws the first frame at once, hiding the cursor, in one write', () => {
    const { term, writer } = setup();
    writer.update('a\nb');
    expect(term.writes).toEqual([`${HIDE}a${EL}\nb${EL}\n${ED}`]);
  });

  it('wraps each redraw in synchronized-output marks by default', () => {
    const term = new FakeTerminal();
    createFrameWriter({ stream: term, clock: new ManualClock() }).update('a');
    expect(term.writes).toEqual([`\u001b[?2026h${HIDE}a${EL}\n${ED}\u001b[?2026l`]);
  });

  it('redraws in place: up over the previous frame, each line rewritten and erased to its end, erase below after the last', () => {
    const { term, clock, writer } = setup();
    writer.update('one\ntwo\nthree');
    clock.advance(100);
    writer.update('four');
    expect(term.writes[1]).toBe(`\r\u001b[3Afour${EL}\n${ED}`);
    clock.advance(100);
    writer.update('five\nsix');
    expect(term.writes[2]).toBe(`\r\u001b[1Afive${EL}\nsix${EL}\n${ED}`);
  });

  it('does not redraw a frame equal to the one on screen', () => {
    const { term, clock, writer } = setup();
    writer.update('same');
    clock.advance(100);
    writer.update('same');
    clock.advance(100);
    expect(term.writes).toHaveLength(1);
  });

  it.each([
    ['30 fps, an update every ms for one second', 30, 1, 1000, 31],
    ['30 fps, an update every 10 ms for one second', 30, 10, 100, 31],
    ['10 fps, an update every ms for one second', 10, 1, 1000, 11],
    ['30 fps, updates slower than the rate are all drawn', 30, 50, 20, 20],
  ])('coalesces: %s', (_name, fps, every, count, redraws) => {
    const term = new FakeTerminal();
    const clock = new ManualClock();
    const times: number[] = [];
    const write = term.write.bind(term);
    term.write = (chunk: string) => {
      times.push(clock.now());
      return write(chunk);
    };
    const writer = createFrameWriter({ stream: term, clock, fps, synchronized: false });
    const start = clock.now();
    for (let i = 0; i < count; i++) {
      writer.update(`frame ${i}`);
      clock.advance(every);
    }
    clock.advance(1000);
    // A leading draw at once, then one per interval, and a trailing one for the newest frame.
    expect(term.redraws).toHaveLength(redraws);
    expect(times[0]).toBe(start);
    // Never more than fps redraws in any one second.
    for (let i = 0; i + fps < times.length; i++) expect((times[i + fps] as number) - (times[i] as number)).toBeGreaterThanOrEqual(1000);
    // Nothing is lost at the end: the last redraw shows the newest frame.
    expect(term.writes.at(-1)).toBe(`\r\u001b[1Aframe ${count - 1}${EL}\n${ED}`);
  });

  it('cuts lines to the width less one column and the frame to the height less the cursor line', () => {
    const { term, clock, writer } = setup({ columns: 20, rows: 5 });
    writer.update(['0123456789abcdefghijklm', 'b', 'c', 'd', 'e', 'f'].join('\n'));
    // 19 columns: the closing ESC[K never lands on a line's last cell.
    expect(term.writes[0]).toBe(`${HIDE}0123456789abcdefgh…${EL}\nb${EL}\nc${EL}\n… 3 more lines${EL}\n${ED}`);
    clock.advance(100);
    writer.update('x');
    // Four rows on screen, so four up: never above the top of a five-row screen.
    expect(term.writes[1]).toBe(`\r\u001b[4Ax${EL}\n${ED}`);
  });

  it('done() draws the pending frame at once, keeps it, shows the cursor, then ignores updates', () => {
    const { term, clock, writer } = setup();
    writer.update('first');
    writer.update('last'); // within the interval: pending
    expect(term.writes).toHaveLength(1);
    writer.done();
    expect(term.writes.slice(1)).toEqual([`\r\u001b[1Alast${EL}\n${ED}`, SHOW]);
    writer.update('after');
    clock.advance(1000);
    expect(term.writes).toHaveLength(3);
  });

  it('restore() shows the cursor once, cancels the pending redraw, and is safe to repeat', () => {
    const { term, clock, writer } = setup();
    writer.update('first');
    writer.update('second');
    writer.restore();
    writer.restore();
    clock.advance(1000);
    expect(term.writes).toEqual([`${HIDE}first${EL}\n${ED}`, SHOW]);
    expect(term.listenerCount('resize')).toBe(0);
  });

  it('restore() before anything was drawn writes nothing', () => {
    const { term, writer } = setup();
    writer.restore();
    expect(term.writes).toEqual([]);
  });

  it('restores the cursor when the process exits', () => {
    const term = new FakeTerminal();
    const proc = new EventEmitter();
    createFrameWriter({ stream: term, clock: new ManualClock(), exitHooks: proc as unknown as ExitHooks, synchronized: false }).update('a');
    proc.emit('exit');
    expect(term.writes.at(-1)).toBe(SHOW);
  });

  it('on resize, asks the CLI for a frame at the new size and redraws at once over the reflowed rows', () => {
    const term = new FakeTerminal(40, 24);
    const clock = new ManualClock();
    const sizes: Array<{ columns: number; rows: number }> = [];
    const writer = createFrameWriter({
      stream: term,
      clock,
      synchronized: false,
      onResize: (size) => {
        sizes.push(size);
        return `width ${size.columns}`;
      },
    });
    writer.update('x'.repeat(30) + '\nshort');
    term.resize(20, 24);
    expect(sizes).toEqual([{ columns: 20, rows: 24 }]);
    // The 30-column line now takes two rows of 20: three rows to go up.
    expect(term.writes[1]).toBe(`\r\u001b[3Awidth 20${EL}\n${ED}`);
  });

  it('on resize without a callback, redraws the last frame cut to the new width', () => {
    const { term, writer } = setup({ columns: 40 });
    writer.update('abcdefghijklmnop');
    term.resize(10, 24);
    expect(term.writes[1]).toBe(`\r\u001b[2Aabcdefgh…${EL}\n${ED}`);
  });

  it('clear() erases the frame row by row from the bottom, without ESC[J', () => {
    const { term, writer } = setup();
    writer.update('a\nb');
    writer.clear();
    expect(term.writes[1]).toBe('\r\u001b[1A\u001b[2K\u001b[1A\u001b[2K');
  });

  it('over thousands of frames, each redraw erases only the frame before it', () => {
    const { term, clock, writer } = setup();
    for (let i = 0; i < 5000; i++) {
      writer.update(`frame ${i}`);
      clock.advance(40);
    }
    expect(term.redraws).toHaveLength(5000);
    expect(term.writes.at(-1)).toBe(`\r\u001b[1Aframe 4999${EL}\n${ED}`);
  });
});

/**
 * Just enough of a terminal to check what the writer's escapes leave on the screen: printable
 * ASCII, CR, LF (the tty adds CR: onlcr), cursor up, EL, EL 2, ED and private modes (ignored).
 * Like tmux 3.3+ with scroll-on-clear, an ED issued in the top-left corner copies the screen
 * into the history before erasing it; a line feed on the last row scrolls the top row there.
 */
class MiniScreen implements FrameStream {
  grid: string[][];
  history: string[] = [];
  x = 0;
  y = 0;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blankRow());
  }
  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => ' ');
  }
  private lineFeed(): void {
    this.x = 0;
    if (this.y < this.rows - 1) {
      this.y++;
      return;
    }
    this.history.push(this.text(this.grid.shift() as string[]));
    this.grid.push(this.blankRow());
  }
  private text(row: string[]): string {
    return row.join('').trimEnd();
  }
  write(chunk: string): boolean {
    // eslint-disable-next-line no-control-regex -- ESC is what this parses
    const token = /\u001b\[(\??)(\d*)([A-Za-z])|([\r\n])|([^\u001b\r\n])/g;
    for (let m = token.exec(chunk); m !== null; m = token.exec(chunk)) {
      const [, priv, arg, command, control, char] = m;
      const row = this.grid[this.y] as string[];
      if (char !== undefined) {
        if (this.x >= this.columns) throw new Error(`a line ran past column ${this.columns}`);
        row[this.x++] = char;
      } else if (control === '\r') this.x = 0;
      else if (control === '\n') this.lineFeed();
      else if (priv) continue;
      else if (command === 'A') this.y = Math.max(0, this.y - Number(arg || 1));
      else if (command === 'K') row.fill(' ', arg === '2' ? 0 : this.x);
      else if (command === 'J') {
        if (this.x === 0 && this.y === 0) this.history.push(...this.screen());
        row.fill(' ', this.x);
        for (let r = this.y + 1; r < this.rows; r++) this.grid[r] = this.blankRow();
      } else throw new Error(`unexpected escape ${m[0]}`);
    }
    return true;
  }
  /** The screen's lines, trailing blank ones dropped. */
  screen(): string[] {
    const lines = this.grid.map((r) => this.text(r));
    while (lines.at(-1) === '') lines.pop();
    return lines;
  }
}

describe('what the redraws leave on a screen', () => {
  const frames = ['title\none\ntwo\nthree\nfour', 'title\nx', 'title\nlonger line one\nlonger line two', 'a', 'title\n\nafter a blank'];

  it('drawn at the top of the screen: the newest frame only, nothing copied into the history', () => {
    const screen = new MiniScreen(30, 10);
    const clock = new ManualClock();
    const writer = createFrameWriter({ stream: screen, clock, synchronized: true });
    for (const frame of frames) {
      writer.update(frame);
      expect(screen.screen()).toEqual(frame.split('\n'));
      expect(screen.history).toEqual([]);
      clock.advance(100);
    }
    writer.clear();
    expect(screen.screen()).toEqual([]);
    expect(screen.history).toEqual([]);
  });

  it('drawn under earlier output at the bottom of the screen: that output is kept, old frames are not', () => {
    const screen = new MiniScreen(30, 8);
    screen.write('$ earlier 1\n$ earlier 2\n$ earlier 3\n$ earlier 4\n$ kubespy demo\n');
    const clock = new ManualClock();
    const writer = createFrameWriter({ stream: screen, clock, synchronized: false });
    for (const frame of frames) {
      writer.update(frame);
      clock.advance(100);
    }
    // The five-line frame (and the cursor's line under it) scrolled the first three lines away.
    expect(screen.history).toEqual(['$ earlier 1', '$ earlier 2', '$ earlier 3']);
    expect(screen.screen()).toEqual(['$ earlier 4', '$ kubespy demo', 'title', '', 'after a blank']);
  });

  it('a frame wider or taller than the screen is cut, never wrapped or scrolled', () => {
    const screen = new MiniScreen(10, 4);
    const writer = createFrameWriter({ stream: screen, clock: new ManualClock(), synchronized: false });
    writer.update('0123456789abc\nb\nc\nd\ne');
    expect(screen.screen()).toEqual(['01234567…', 'b', '… 3 more…']);
    expect(screen.history).toEqual([]);
  });
});

describe('frame sizing', () => {
  it('frameSize gives the columns and the rows less one each, with defaults for unknown sizes', () => {
    expect(frameSize({ write: () => true, columns: 100, rows: 30 })).toEqual({ width: 99, height: 29 });
    expect(frameSize({ write: () => true })).toEqual({ width: 79, height: 23 });
  });

  it('fitToScreen handles emoji width', () => {
    expect(fitToScreen(' ✅ ok ✅✅', { columns: 9, rows: 10 })).toEqual([' ✅ ok …']);
  });

  it('real process streams satisfy the interfaces', () => {
    const stream: FrameStream = process.stdout;
    const hooks: ExitHooks = process;
    expect(typeof stream.write).toBe('function');
    expect(typeof hooks.once).toBe('function');
  });
});
