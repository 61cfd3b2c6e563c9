/**
 * Draws frames in place on a terminal: the live view's only I/O, with the stream and the clock
 * as dependencies so tests drive it with a fake stream and a ManualClock.
 *
 * Why not log-update: its cursor hiding goes through cli-cursor to process.stderr
 * whatever stream it draws on, it has no frame-rate limit, no resize hook, and it wraps long
 * lines instead of cutting them. The technique is the same (remember how many rows the last
 * frame took, move the cursor up over them, write the new one); the rest is ours:
 *
 * - nothing ever erases the whole screen: each line is rewritten in place and ends with ESC[K
 *   (erase to the end of the line), and ESC[J (erase below) comes only after the last line, to
 *   drop the rows of a taller previous frame. Erasing down from the top-left corner is what
 *   tmux 3.3+ (option scroll-on-clear, on by default) treats as "clear screen" and copies into
 *   the scrollback first — a frame drawn at the top of a pane left one copy of itself in the
 *   history per redraw;
 * - at most `fps` redraws a second: the first update draws at once, later ones within the
 *   interval are coalesced into one trailing redraw of the newest frame;
 * - a frame equal to the one on screen is not redrawn;
 * - every line is cut to the terminal's width less one column and the frame to its height less
 *   one row (the cursor's line), so the row count is exact and the cursor never has to reach
 *   above the top of the screen, where rows that scrolled away can no longer be erased. The
 *   spare column is what makes the closing ESC[K safe: a line that filled its row would leave
 *   the cursor on the last cell waiting to wrap, and ESC[K there erases that cell (EL erases
 *   from the cursor's cell on; xterm-compatible terminals keep the cursor on it); and a terminal whose emoji widths differ from ours by a cell (tmux 3.3 draws ⚠️ in
 *   one) neither wraps the line nor keeps a stale last cell from the frame before;
 * - on resize the last frame's rows are recounted at the new width (terminals that reflow —
 *   VTE, iTerm2, Windows Terminal, kitty — rewrap old lines), and the CLI's `onResize` renders a
 *   frame for the new size, drawn without waiting;
 * - the cursor is hidden while live and shown again by done() / restore(), which the CLI calls
 *   on every exit path (SIGINT included); with `exitHooks` (process) it is also restored on exit;
 * - each redraw is one write, wrapped in synchronized-output marks (DEC mode 2026) so terminals
 *   that support them paint it at once without flicker; others ignore the private mode.
 */
import { systemClock, type Clock, type TimerHandle } from '../lib/clock.js';
import { stringWidth, truncateWidth } from './width.js';

export interface FrameStream {
  write(chunk: string): unknown;
  columns?: number | undefined;
  rows?: number | undefined;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** The part of `process` used to restore the cursor when the process exits. */
export interface ExitHooks {
  once(event: 'exit', listener: () => void): unknown;
  off(event: 'exit', listener: () => void): unknown;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

export interface FrameWriterOptions {
  stream: FrameStream;
  /** Most redraws per second; default 30. */
  fps?: number | undefined;
  clock?: Clock | undefined;
  /** Called on the stream's 'resize' event with the new size; returns the frame to draw (or undefined to redraw the last one cut to the new size). */
  onResize?: ((size: TerminalSize) => string | undefined) | undefined;
  exitHooks?: ExitHooks | undefined;
  /** Wrap redraws in synchronized-output marks; default true. */
  synchronized?: boolean | undefined;
}

export interface FrameWriter {
  /** Shows this frame (lines joined by "\n", no trailing newline) — now or at the next allowed redraw. */
  update(frame: string): void;
  /** Draws a pending frame now, ignoring the rate limit. */
  flush(): void;
  /** Erases the frame from the screen (e.g. before printing an error in its place). */
  clear(): void;
  /** Draws the last frame, leaves it on screen, shows the cursor; later updates are ignored. */
  done(): void;
  /** Shows the cursor and stops timers and listeners without drawing; safe to call any time, repeatedly. */
  restore(): void;
}

const ESC = '\u001b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const ERASE_DOWN = `${ESC}J`;
const ERASE_LINE = `${ESC}K`;
const ERASE_WHOLE_LINE = `${ESC}2K`;
const SYNC_BEGIN = `${ESC}?2026h`;
const SYNC_END = `${ESC}?2026l`;
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/** The size renderFrame should draw at for this stream: its columns less one, and its rows less the cursor's line. */
export function frameSize(stream: FrameStream): { width: number; height: number } {
  return { width: lineWidth(columnsOf(stream)), height: Math.max(1, rowsOf(stream) - 1) };
}

/** The columns a line may fill: all but the last (see the header). */
function lineWidth(columns: number): number {
  return Math.max(1, columns - 1);
}

function columnsOf(stream: FrameStream): number {
  return stream.columns !== undefined && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
}

function rowsOf(stream: FrameStream): number {
  return stream.rows !== undefined && stream.rows > 0 ? stream.rows : DEFAULT_ROWS;
}

/** Cuts the frame to the screen: lines to the width less one column, the whole to the height less one row. */
export function fitToScreen(frame: string, size: TerminalSize): string[] {
  const maxLines = Math.max(1, size.rows - 1);
  let lines = frame.split('\n');
  if (lines.length > maxLines) {
    const hidden = lines.length - (maxLines - 1);
    lines = [...lines.slice(0, maxLines - 1), `… ${hidden} more lines`];
  }
  return lines.map((l) => truncateWidth(l, lineWidth(size.columns)));
}

export function createFrameWriter(options: FrameWriterOptions): FrameWriter {
  const { stream, onResize, exitHooks } = options;
  const clock = options.clock ?? systemClock;
  const interval = 1000 / Math.max(1, options.fps ?? 30);
  const synchronized = options.synchronized ?? true;

  /** The frame on screen as given (before fitting), to skip unchanged redraws. */
  let shown: string | undefined;
  /** Display widths of the lines on screen: enough to recount their rows after a resize. */
  let shownWidths: number[] = [];
  let pending: string | undefined;
  let force = false;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let timer: TimerHandle | undefined;
  let cursorHidden = false;
  let finished = false;

  const rowsOnScreen = (columns: number): number =>
    shownWidths.reduce((rows, w) => rows + Math.max(1, Math.ceil(w / columns)), 0);

  /** The cursor sits at the start of the line below the frame: to the frame's first row. */
  const upOverShown = (columns: number): string => {
    const rows = rowsOnScreen(columns);
    return rows > 0 ? `\r${ESC}${rows}A` : '';
  };

  const draw = (): void => {
    if (pending === undefined) return;
    const frame = pending;
    pending = undefined;
    if (!force && frame === shown) return;
    force = false;
    const size = { columns: columnsOf(stream), rows: rowsOf(stream) };
    const lines = fitToScreen(frame, size);
    let out = '';
    if (!cursorHidden) {
      out += HIDE_CURSOR;
      cursorHidden = true;
    }
    // The cursor ends below the frame's first row, never in the top-left corner (the frame has a
    // line), so this ESC[J is never taken for a screen clear.
    out += upOverShown(size.columns) + lines.join(`${ERASE_LINE}\n`) + `${ERASE_LINE}\n${ERASE_DOWN}`;
    stream.write(synchronized ? SYNC_BEGIN + out + SYNC_END : out);
    shown = frame;
    shownWidths = lines.map(stringWidth);
    lastDrawAt = clock.now();
  };

  const cancelTimer = (): void => {
    timer?.cancel();
    timer = undefined;
  };

  const schedule = (): void => {
    if (timer !== undefined) return;
    // Whole milliseconds: never sooner than the interval, and no drift from fractional sums.
    const wait = Math.ceil(lastDrawAt + interval - clock.now());
    if (wait <= 0) {
      draw();
      return;
    }
    timer = clock.setTimeout(() => {
      timer = undefined;
      draw();
    }, wait);
  };

  const onStreamResize = (): void => {
    if (finished) return;
    const frame = onResize?.({ columns: columnsOf(stream), rows: rowsOf(stream) }) ?? pending ?? shown;
    if (frame === undefined) return;
    pending = frame;
    force = true;
    cancelTimer();
    draw();
  };

  const detach = (): void => {
    stream.off?.('resize', onStreamResize);
    exitHooks?.off('exit', restore);
  };

  function restore(): void {
    cancelTimer();
    finished = true;
    detach();
    if (cursorHidden) {
      stream.write(SHOW_CURSOR);
      cursorHidden = false;
    }
  }

  stream.on?.('resize', onStreamResize);
  exitHooks?.once('exit', restore);

  return {
    update(frame) {
      if (finished) return;
      pending = frame;
      schedule();
    },
    flush() {
      if (finished) return;
      cancelTimer();
      draw();
    },
    clear() {
      if (finished) return;
      cancelTimer();
      pending = undefined;
      // Row by row from the bottom (ESC[2K: the whole line), not ESC[J from the frame's top,
      // which may be the top-left corner: see scroll-on-clear above.
      const rows = rowsOnScreen(columnsOf(stream));
      if (rows > 0) stream.write('\r' + `${ESC}1A${ERASE_WHOLE_LINE}`.repeat(rows));
      shown = undefined;
      shownWidths = [];
    },
    done() {
      if (finished) return;
      cancelTimer();
      draw();
      restore();
    },
    restore,
  };
}
