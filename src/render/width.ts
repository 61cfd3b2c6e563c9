/**
 * Terminal column arithmetic: how many cells a string occupies, and cutting it to fit.
 *
 * Written here rather than imported: string-width and slice-ansi would be two more dependencies
 * for ~100 lines, and we need one thing they do not combine — an ANSI-aware cut that keeps every
 * escape sequence (so colours opened before the cut are still closed) while dropping the visible
 * text after it.
 *
 * Width rules (what terminals with a modern wcwidth do, and what UTS #51 / UAX #11 specify):
 * - an emoji presentation sequence (✅ ❌ ⌛, or a pictograph followed by VS16 like ⚠️) is 2 cells;
 * - East Asian Wide/Fullwidth characters (CJK, Hangul, fullwidth forms) are 2 cells;
 * - combining marks, zero-width joiners/spaces and control characters are 0 cells;
 * - everything else is 1 cell. A grapheme cluster (Intl.Segmenter) counts as its widest rule.
 */

// CSI (colours, cursor moves), OSC (hyperlinks, titles; BEL or ST terminated), and two-byte ESC sequences.
const ANSI_SOURCE = '\\u001b\\[[0-?]*[ -/]*[@-~]|\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)|\\u001b[@-Z\\\\-_]|\\u009b[0-?]*[ -/]*[@-~]';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/u;
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Cf}|\p{Cc})+$/u;

/**
 * Code points that can join a grapheme cluster with a neighbour (UAX #29): CR (CR LF), Extend and
 * SpacingMark (\p{M}, ZWNJ, halfwidth sound marks, emoji modifiers, tags), ZWJ, variation
 * selectors, Prepend (the Arabic number signs and the few Brahmic ones listed), Hangul jamo
 * (precomposed syllables only join with trailing jamo, listed here), regional indicators (pairs
 * make flags). A string with none of them is one grapheme per code point.
 */
const MAY_CLUSTER =
  // eslint-disable-next-line no-misleading-character-class -- the class lists joining code points on purpose
  /[\r\p{M}\u200c\u200d\ufe00-\ufe0f\uff9e\uff9f\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u{e0000}-\u{e0fff}]/u;

// Created on first use: constructing it loads ICU's break iterator, ~8–12 ms of start-up on these
// machines (issue 6), and most text never needs it (see MAY_CLUSTER).
let segmenter: Intl.Segmenter | undefined;

/** The text's grapheme clusters, in order. */
export function graphemes(text: string): Iterable<string> {
  if (!MAY_CLUSTER.test(text)) return text; // a string iterates by code point
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** East Asian Wide (W) and Fullwidth (F) blocks, the main ones; good enough for names and messages. */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // Fullwidth forms
  [0xffe0, 0xffe6], // Fullwidth signs
  [0x20000, 0x3fffd], // CJK extensions B and later
];

function isWideCodePoint(cp: number): boolean {
  for (const [lo, hi] of WIDE_RANGES) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

function graphemeWidth(g: string): number {
  if (ZERO_WIDTH.test(g)) return 0;
  // VS15 asks for text presentation: terminals then draw the pictograph in one cell.
  if (g.includes('\ufe0e')) return 1;
  if (PICTOGRAPH.test(g) && (g.includes('\ufe0f') || EMOJI_PRESENTATION.test(g))) return 2;
  if (REGIONAL_INDICATOR.test(g)) return 2;
  const cp = g.codePointAt(0) ?? 0;
  return isWideCodePoint(cp) ? 2 : 1;
}

/** Removes ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(new RegExp(ANSI_SOURCE, 'g'), '');
}

/** Columns the text occupies on one terminal line (escape sequences count zero). */
export function stringWidth(text: string): number {
  const plain = stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const segment of graphemes(plain)) width += graphemeWidth(segment);
  return width;
}

/** Pads with spaces on the right up to `width` columns (never cuts). */
export function padEndWidth(text: string, width: number): string {
  const missing = width - stringWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/** Pads with spaces on the left up to `width` columns (never cuts). */
export function padStartWidth(text: string, width: number): string {
  const missing = width - stringWidth(text);
  return missing > 0 ? ' '.repeat(missing) + text : text;
}

/**
 * Cuts the text to at most `width` columns, ending it with `ellipsis` when something was cut.
 * A wide character that would straddle the limit is dropped whole (terminals cannot draw half).
 * Escape sequences after the cut point are kept, so a colour opened before it is still closed.
 */
export function truncateWidth(text: string, width: number, ellipsis = '…'): string {
  if (!Number.isFinite(width)) return text;
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  const ellipsisWidth = stringWidth(ellipsis);
  if (ellipsisWidth > width) return truncateWidth(ellipsis, width, '');
  const room = width - ellipsisWidth;

  const ansi = new RegExp(ANSI_SOURCE, 'g');
  let out = '';
  let used = 0;
  let cut = false;
  let last = 0;
  const takeText = (chunk: string): void => {
    for (const segment of graphemes(chunk)) {
      if (cut) return;
      const w = graphemeWidth(segment);
      if (used + w > room) {
        out += ellipsis;
        cut = true;
        return;
      }
      out += segment;
      used += w;
    }
  };
  for (let m = ansi.exec(text); m !== null; m = ansi.exec(text)) {
    takeText(text.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  takeText(text.slice(last));
  return out;
}

/**
 * Replaces control characters in text that comes from the cluster (Event messages, annotations,
 * names are user-controlled): a stray newline would break the frame layout, and an ESC could
 * drive the user's terminal. Tabs and line breaks become spaces; other controls become U+FFFD.
 */
export function sanitizeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\t\n\r\v\f]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}
