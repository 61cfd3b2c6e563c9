/**
 * The live checklist (design.md §4 sketch): a title with the connection state and the time, the
 * summary with the verdict coloured, then one line per check with its details indented under it.
 * Pure: everything it depends on (time, width, height, colour) is an option. Every line is cut to
 * the width so nothing wraps — the frame writer counts lines to redraw in place, and a wrapped
 * line would throw the count off.
 */
import type { Check, CheckStatus, TraceReport } from '../trace/types.js';
import { formatDuration } from '../lib/duration.js';
import { createStyle, type Style } from './style.js';
import { statusSymbol, symbolSet, verdictWord, type SymbolSet, type SymbolSetName } from './symbols.js';
import { clockTime } from './time.js';
import { padEndWidth, sanitizeText, stringWidth, truncateWidth } from './width.js';

export type LiveState = 'live' | 'reconnecting' | 'replay';

export interface FrameHeader {
  state: LiveState;
  /** When the current state began (ms); shown as "reconnecting for 12 s". */
  since?: number | undefined;
}

export interface FrameOptions {
  /** The time shown in the title (ms); for a replay, the recorded time. */
  now: number;
  /** Terminal columns; Infinity for no cut. */
  width: number;
  /** At most this many lines (terminal rows less one for the cursor line); no limit when absent. */
  height?: number | undefined;
  color: boolean;
  header: FrameHeader;
  symbols?: SymbolSetName | SymbolSet | undefined;
  /** Show the title's time in UTC instead of local time (tests). */
  utc?: boolean | undefined;
}

/** Order in which checks keep their details (and their line) when the screen is too short. */
const SEVERITY: Record<CheckStatus, number> = { fail: 0, warn: 1, pending: 2, ok: 3, info: 4, skip: 5 };

function targetName(report: TraceReport): string {
  const { namespace, name } = report.target;
  return namespace ? `${namespace}/${name}` : name;
}

function titleLine(report: TraceReport, opts: FrameOptions, style: Style, set: SymbolSet): string {
  const subject = `${report.target.kind.toLowerCase()} ${sanitizeText(targetName(report))}`;
  const { state, since } = opts.header;
  const stateText = since !== undefined ? `${state} for ${formatDuration(opts.now - since)}` : state;
  const statePaint = state === 'live' ? (t: string) => style.status('ok', t) : state === 'reconnecting' ? (t: string) => style.status('warn', t) : style.dim;
  const right = `${statePaint(stateText)} ${set.separator} ${clockTime(opts.now, { utc: opts.utc ?? false })}`;
  const rightWidth = stringWidth(right);
  const width = opts.width;

  const full = style.bold(`kubespy trace ${subject}`);
  if (!Number.isFinite(width)) return `${full}   ${right}`;
  // Too narrow for everything: drop "kubespy trace" before cutting the name the user typed,
  // and keep the state and time, which say whether what is below is current.
  for (const title of [full, style.bold(subject)]) {
    const titleWidth = stringWidth(title);
    if (titleWidth + 2 + rightWidth <= width) return title + ' '.repeat(width - titleWidth - rightWidth) + right;
  }
  const titleRoom = width - rightWidth - 2;
  if (titleRoom >= 10) return `${truncateWidth(style.bold(subject), titleRoom, set.ellipsis)}  ${right}`;
  return truncateWidth(`${style.bold(subject)}  ${right}`, width, set.ellipsis);
}

function summaryLine(report: TraceReport, width: number, style: Style, set: SymbolSet): string {
  const summary = sanitizeText(report.summary);
  const word = verdictWord(report.verdict);
  const at = new RegExp(`\\b${word}\\b`).exec(summary);
  // The verdict is what the user is waiting for: never leave it out, whatever the summary says.
  const before = at ? summary.slice(0, at.index) : `${summary} ${set.separator} `;
  const after = at ? summary.slice(at.index + word.length) : '';
  const painted = style.verdict(report.verdict, word);
  const wordWidth = stringWidth(word);
  // On a narrow screen cut the text before the verdict rather than the verdict itself.
  if (stringWidth(before) + wordWidth > width && width > wordWidth + 2) {
    return `${truncateWidth(before.trimEnd(), width - wordWidth - 1, set.ellipsis)} ${painted}`;
  }
  return before + painted + after;
}

interface Layout {
  set: SymbolSet;
  style: Style;
  idWidth: number;
  /** Column where messages start; details start two further in. */
  detailIndent: string;
}

function checkLine(check: Check, layout: Layout): string {
  const { set, style, idWidth } = layout;
  const symbol = style.status(check.status, statusSymbol(check.status, set));
  const message = sanitizeText(check.message);
  const shown = check.status === 'skip' ? style.dim(message) : message;
  return ` ${symbol} ${padEndWidth(check.id, idWidth)}  ${shown}`;
}

function detailLine(detail: string, layout: Layout): string {
  return layout.detailIndent + layout.style.dim(sanitizeText(detail));
}

function moreLine(count: number, what: string, layout: Layout): string {
  return layout.detailIndent + layout.style.dim(`${layout.set.ellipsis} ${count} more${what}`);
}

/**
 * Lines of the checks section fitting in `room` lines: every check keeps its line while it can;
 * details are given out most severe check first, a cut list ending with "… N more".
 */
function checkSection(checks: readonly Check[], room: number | undefined, layout: Layout): string[] {
  const full = checks.reduce((n, c) => n + 1 + c.details.length, 0);
  if (room === undefined || full <= room) {
    return checks.flatMap((c) => [checkLine(c, layout), ...c.details.map((d) => detailLine(d, layout))]);
  }
  const bySeverity = checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => SEVERITY[a.check.status] - SEVERITY[b.check.status] || a.index - b.index);

  if (room < checks.length) {
    // Not even one line per check: keep the most severe ones, in report order, and say how many went.
    const keep = new Set(bySeverity.slice(0, Math.max(0, room - 1)).map((e) => e.index));
    const lines = checks.filter((_, i) => keep.has(i)).map((c) => checkLine(c, layout));
    const hidden = checks.length - keep.size;
    if (room > 0) lines.push(` ${layout.style.dim(`${layout.set.ellipsis} ${hidden} more check${hidden === 1 ? '' : 's'}`)}`);
    return lines;
  }

  let budget = room - checks.length;
  const shown = new Map<number, string[]>();
  for (const { check, index } of bySeverity) {
    const n = check.details.length;
    if (n === 0 || budget === 0) continue;
    if (n <= budget) {
      shown.set(index, check.details.map((d) => detailLine(d, layout)));
      budget -= n;
    } else {
      const take = budget - 1;
      shown.set(index, [...check.details.slice(0, take).map((d) => detailLine(d, layout)), moreLine(n - take, '', layout)]);
      budget = 0;
    }
  }
  return checks.flatMap((c, i) => [checkLine(c, layout), ...(shown.get(i) ?? [])]);
}

/** The live view of a report, lines joined by "\n" without a trailing newline. */
export function renderFrame(report: TraceReport, opts: FrameOptions): string {
  const set = symbolSet(opts.symbols);
  const style = createStyle(opts.color);
  const idWidth = Math.max(0, ...report.checks.map((c) => stringWidth(c.id)));
  const layout: Layout = { set, style, idWidth, detailIndent: ' '.repeat(1 + set.cell + 1 + idWidth + 2 + 2) };

  const title = titleLine(report, opts, style, set);
  const summary = summaryLine(report, opts.width, style, set);
  const height = opts.height === undefined ? undefined : Math.max(0, Math.floor(opts.height));

  let lines: string[];
  if (height === undefined || height >= 3 + report.checks.length) {
    lines = [title, summary, '', ...checkSection(report.checks, height === undefined ? undefined : height - 3, layout)];
  } else {
    // Short screen: the blank separator goes first, then checks (see checkSection).
    lines = [title, summary, ...checkSection(report.checks, Math.max(0, height - 2), layout)].slice(0, height);
  }
  return lines.map((line) => truncateWidth(line, opts.width, set.ellipsis)).join('\n');
}
