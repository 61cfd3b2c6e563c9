/**
 * Colours. picocolors' createColors(enabled) gives formatters that are the identity when colour
 * is off, so renderers call the same code either way; whether colour is on is decided once, by
 * the CLI, from shouldUseColor() — renderers only ever see a boolean.
 */
import pc from 'picocolors';
import type { CheckStatus, Verdict } from '../trace/types.js';

export type Paint = (text: string) => string;

export interface Style {
  readonly color: boolean;
  /** ready green · failing red · degraded/pending yellow · absent/deleted dim. */
  verdict(verdict: Verdict, text: string): string;
  /** ok green · fail red · pending/warn yellow · info/skip dim. */
  status(status: CheckStatus, text: string): string;
  bold: Paint;
  dim: Paint;
}

export function createStyle(color: boolean): Style {
  const c = pc.createColors(color);
  const verdictPaint: Record<Verdict, Paint> = {
    ready: (t) => c.bold(c.green(t)),
    failing: (t) => c.bold(c.red(t)),
    degraded: (t) => c.bold(c.yellow(t)),
    pending: (t) => c.bold(c.yellow(t)),
    absent: (t) => c.dim(t),
    deleted: (t) => c.dim(t),
  };
  const statusPaint: Record<CheckStatus, Paint> = {
    ok: c.green,
    fail: c.red,
    pending: c.yellow,
    warn: c.yellow,
    info: c.dim,
    skip: c.dim,
  };
  return {
    color,
    verdict: (v, text) => verdictPaint[v](text),
    status: (s, text) => statusPaint[s](text),
    bold: c.bold,
    dim: c.dim,
  };
}

export interface ColorDecision {
  /** --color / --no-color when the user gave one: it wins over everything. */
  flag?: boolean | undefined;
  /** Environment variables (pass process.env from the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether the output stream is a terminal. */
  isTTY: boolean;
}

/**
 * Whether to colour, by the usual conventions in this order: an explicit flag; NO_COLOR set to
 * anything non-empty turns colour off (https://no-color.org); FORCE_COLOR turns it on unless it
 * is "0" or "false" (as Node and chalk read it); TERM=dumb turns it off; otherwise colour
 * exactly when writing to a terminal.
 */
export function shouldUseColor({ flag, env, isTTY }: ColorDecision): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
