/**
 * Status symbols, in two sets: emoji for terminals that draw them, ASCII for those that do not
 * (the Linux console, TERM=dumb, the legacy Windows console) and for logs read with tools that
 * mangle UTF-8.
 *
 * The ASCII set keeps every symbol the same width and bracketed so columns line up and a log
 * stays greppable:
 *
 *   status   emoji  ascii   why the ascii form
 *   ok       ✅     [ok]    reads as itself
 *   fail     ❌     [!!]    the loudest mark, as ❌ is
 *   pending  ⌛     [..]    "still going"
 *   warn     ⚠️     [??]    "look at this", short of a failure
 *   info     ·      [--]    neutral: nothing to act on
 *   skip     ·      [--]    as info: the emoji set does not tell them apart either
 */
import type { CheckStatus, Verdict } from '../trace/types.js';
import { padEndWidth } from './width.js';

export type SymbolSetName = 'emoji' | 'ascii';

export interface SymbolSet {
  name: SymbolSetName;
  status: Readonly<Record<CheckStatus, string>>;
  /** Columns every symbol is padded to, so the ids after it line up. */
  cell: number;
  /** Marks cut text. */
  ellipsis: string;
  /** Separates parts of a header line. */
  separator: string;
}

export const EMOJI_SYMBOLS: SymbolSet = {
  name: 'emoji',
  status: { ok: '✅', fail: '❌', pending: '⌛', warn: '⚠️', info: '·', skip: '·' },
  cell: 2,
  ellipsis: '…',
  separator: '·',
};

export const ASCII_SYMBOLS: SymbolSet = {
  name: 'ascii',
  status: { ok: '[ok]', fail: '[!!]', pending: '[..]', warn: '[??]', info: '[--]', skip: '[--]' },
  cell: 4,
  ellipsis: '...',
  separator: '-',
};

export function symbolSet(choice: SymbolSetName | SymbolSet | undefined): SymbolSet {
  if (choice === undefined || choice === 'emoji') return EMOJI_SYMBOLS;
  if (choice === 'ascii') return ASCII_SYMBOLS;
  return choice;
}

/** The status symbol padded to the set's cell width (emoji are 2 columns, · is 1). */
export function statusSymbol(status: CheckStatus, set: SymbolSet): string {
  return padEndWidth(set.status[status], set.cell);
}

export interface TerminalTraits {
  /** Environment variables (pass process.env from the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  /** process.platform. */
  platform: string;
}

/**
 * Whether the terminal is likely to draw emoji in two cells. There is no query for this, so it
 * is a judgement from the environment; the CLI can always force a set.
 */
export function supportsEmoji({ env, platform }: TerminalTraits): boolean {
  const term = env.TERM ?? '';
  // The Linux virtual console's fonts have 256/512 glyphs and no emoji; "dumb" promises nothing.
  if (term === 'linux' || term === 'dumb') return false;
  if (platform === 'win32') {
    // The legacy console host (conhost) draws emoji as boxes; Windows Terminal and VS Code do not.
    return Boolean(env.WT_SESSION) || env.TERM_PROGRAM === 'vscode' || Boolean(env.ConEmuTask);
  }
  return true;
}


/** The verdict as summaries and logs spell it: READY, FAILING … */
export function verdictWord(verdict: Verdict): string {
  return verdict.toUpperCase();
}
