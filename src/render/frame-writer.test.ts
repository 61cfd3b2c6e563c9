import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { createFrameWriter, fitToScreen, frameSize, type ExitHooks, type FrameStream } from './frame-writer.js';

const HIDE = '\u001b[?25l';
const SHOW = '\u001b[?25h';

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
    return this.writes.filter((w) => w.endsWith('\n') || w.includes('\n\u001b[?2026l'));
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
    expect(term.writes).toEqual([`${HIDE}a\nb\n`]);
  });

  it('wraps each redraw in synchronized-output marks by default', () => {
    const term = new FakeTerminal();
    createFrameWriter({ stream: term, clock: new ManualClock() }).update('a');
    expect(term.writes).toEqual([`\u001b[?2026h${HIDE}a\n\u001b[?2026l`]);
  });

  it('redraws in place: up over the previous frame, erase down, write', () => {
    const { term, clock, writer } = setup();
    writer.update('one\ntwo\nthree');
    clock.advance(100);
    writer.update('four');
    expect(term.writes[1]).toBe('\r\u001b[3A\u001b[Jfour\n');
    clock.advance(100);
    writer.update('five\nsix');
    expect(term.writes[2]).toBe('\r\u001b[1A\u001b[Jfive\nsix\n');
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
    expect(term.writes.at(-1)).toMatch(new RegExp(`frame ${count - 1}\\n$`));
  });

  it('cuts lines to the width and the frame to the height less the cursor line', () => {
    const { term, clock, writer } = setup({ columns: 20, rows: 5 });
    writer.update(['0123456789abcdefghijklm', 'b', 'c', 'd', 'e', 'f'].join('\n'));
    expect(term.writes[0]).toBe(`${HIDE}0123456789abcdefghi…\nb\nc\n… 3 more lines\n`);
    clock.advance(100);
    writer.update('x');
    // Four rows on screen, so four up: never above the top of a five-row screen.
    expect(term.writes[1]).toBe('\r\u001b[4A\u001b[Jx\n');
  });

  it('done() draws the pending frame at once, keeps it, shows the cursor, then ignores updates', () => {
    const { term, clock, writer } = setup();
    writer.update('first');
    writer.update('last'); // within the interval: pending
    expect(term.writes).toHaveLength(1);
    writer.done();
    expect(term.writes.slice(1)).toEqual(['\r\u001b[1A\u001b[Jlast\n', SHOW]);
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
    expect(term.writes).toEqual([`${HIDE}first\n`, SHOW]);
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
    expect(term.writes[1]).toBe('\r\u001b[3A\u001b[Jwidth 20\n');
  });

  it('on resize without a callback, redraws the last frame cut to the new width', () => {
    const { term, writer } = setup({ columns: 40 });
    writer.update('abcdefghijklmnop');
    term.resize(10, 24);
    expect(term.writes[1]).toBe('\r\u001b[2A\u001b[Jabcdefghi…\n');
  });

  it('clear() erases the frame', () => {
    const { term, writer } = setup();
    writer.update('a\nb');
    writer.clear();
    expect(term.writes[1]).toBe('\r\u001b[2A\u001b[J');
  });

  it('over thousands of frames, each redraw erases only the frame before it', () => {
    const { term, clock, writer } = setup();
    for (let i = 0; i < 5000; i++) {
      writer.update(`frame ${i}`);
      clock.advance(40);
    }
    expect(term.redraws).toHaveLength(5000);
    expect(term.writes.at(-1)).toBe('\r\u001b[1A\u001b[Jframe 4999\n');
  });
});

describe('frame sizing', () => {
  it('frameSize gives the columns and the rows less one, with defaults for unknown sizes', () => {
    expect(frameSize({ write: () => true, columns: 100, rows: 30 })).toEqual({ width: 100, height: 29 });
    expect(frameSize({ write: () => true })).toEqual({ width: 80, height: 23 });
  });

  it('fitToScreen handles emoji width', () => {
    expect(fitToScreen(' ✅ ok ✅✅', { columns: 8, rows: 10 })).toEqual([' ✅ ok …']);
  });

  it('real process streams satisfy the interfaces', () => {
    const stream: FrameStream = process.stdout;
    const hooks: ExitHooks = process;
    expect(typeof stream.write).toBe('function');
    expect(typeof hooks.once).toBe('function');
  });
});
