/**
 * The transition log for output that is not a terminal (CI logs, files, pipes): a line only when
 * something changed, so a trace that sits at READY for an hour writes nothing, and each line
 * stands alone with its timestamp (grep-able, no cursor codes).
 *
 *   12:04:17.031  selector       ❌  app=paymnets matches no Pods (near miss: app=payments on 2 Pods)
 *   12:04:31.200  verdict        READY  Service default/web
 *
 * Details are multi-line and would drown a log if printed on every change. By default
 * ("failing") they are printed when they explain a failure, once: when the verdict becomes
 * failing, the details of every failing check follow the verdict line; while it stays failing, a
 * check that newly fails gets its details under its own line. "always" prints the details under
 * every changed check, "never" prints none.
 */
import type { Check, TraceReport } from '../trace/types.js';
import { createStyle, type Style } from './style.js';
import { statusSymbol, symbolSet, verdictWord, type SymbolSet, type SymbolSetName } from './symbols.js';
import { logTimestamp, type TimeFormat } from './time.js';
import { padEndWidth, sanitizeText, stringWidth } from './width.js';

export type DetailsMode = 'never' | 'failing' | 'always';

export interface TransitionOptions {
  /** Default "local" (HH:MM:SS.mmm in the process's time zone). */
  time?: TimeFormat | undefined;
  /** Default "emoji". */
  symbols?: SymbolSetName | SymbolSet | undefined;
  /** Default false: plain output is usually not a terminal. */
  color?: boolean | undefined;
  /** Default "failing". */
  details?: DetailsMode | undefined;
}

const VERDICT_ID = 'verdict';

interface Columns {
  stamp: string;
  blankStamp: string;
  idWidth: number;
  set: SymbolSet;
  style: Style;
}

function sameTarget(a: TraceReport, b: TraceReport): boolean {
  return a.target.kind === b.target.kind && a.target.namespace === b.target.namespace && a.target.name === b.target.name;
}

function checkLine(check: Check, cols: Columns): string {
  const symbol = cols.style.status(check.status, statusSymbol(check.status, cols.set));
  return `${cols.stamp}  ${padEndWidth(check.id, cols.idWidth)}  ${symbol}  ${sanitizeText(check.message)}`;
}

/** Detail lines sit under the message column, without a timestamp of their own. */
function detailLines(check: Check, cols: Columns, withId: boolean): string[] {
  const id = withId ? check.id : '';
  const lead = `${cols.blankStamp}  ${padEndWidth(id, cols.idWidth)}  ${' '.repeat(cols.set.cell)}  `;
  return check.details.map((d) => lead + cols.style.dim(sanitizeText(d)));
}

function goneLine(id: string, cols: Columns): string {
  const symbol = statusSymbol('skip', cols.set);
  return `${cols.stamp}  ${padEndWidth(id, cols.idWidth)}  ${symbol}  ${cols.style.dim('no longer reported')}`;
}

/**
 * Log lines for the change from `previous` to `next` at time `now`: one per check whose status
 * or message changed (every check when there is no previous report, or it was another target),
 * then one for the verdict when it changed. No change, no lines.
 */
export function transitions(previous: TraceReport | undefined, next: TraceReport, now: number, opts: TransitionOptions = {}): string[] {
  const prev = previous !== undefined && sameTarget(previous, next) ? previous : undefined;
  const set = symbolSet(opts.symbols);
  const style = createStyle(opts.color ?? false);
  const detailsMode = opts.details ?? 'failing';
  const stamp = logTimestamp(now, opts.time ?? 'local');
  const before = new Map((prev?.checks ?? []).map((c) => [c.id, c]));
  const nextIds = new Set(next.checks.map((c) => c.id));
  const gone = (prev?.checks ?? []).filter((c) => !nextIds.has(c.id)).map((c) => c.id);
  const cols: Columns = {
    stamp,
    blankStamp: ' '.repeat(stringWidth(stamp)),
    idWidth: Math.max(VERDICT_ID.length, ...next.checks.map((c) => stringWidth(c.id)), ...gone.map(stringWidth)),
    set,
    style,
  };

  const verdictChanged = prev === undefined || prev.verdict !== next.verdict;
  const stillFailing = !verdictChanged && next.verdict === 'failing';
  const lines: string[] = [];
  for (const check of next.checks) {
    const old = before.get(check.id);
    if (old !== undefined && old.status === check.status && old.message === check.message) continue;
    lines.push(checkLine(check, cols));
    const newlyFailing = check.status === 'fail' && old?.status !== 'fail';
    if (detailsMode === 'always' || (detailsMode === 'failing' && stillFailing && newlyFailing)) {
      lines.push(...detailLines(check, cols, false));
    }
  }
  for (const id of gone) lines.push(goneLine(id, cols));

  if (verdictChanged) {
    const word = style.verdict(next.verdict, verdictWord(next.verdict));
    const { kind, namespace, name } = next.target;
    const target = sanitizeText(namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`);
    lines.push(`${stamp}  ${padEndWidth(VERDICT_ID, cols.idWidth)}  ${word}  ${target}`);
    if (detailsMode === 'failing' && next.verdict === 'failing') {
      for (const check of next.checks) if (check.status === 'fail') lines.push(...detailLines(check, cols, true));
    }
  }
  return lines;
}
