import { describe, expect, it } from 'vitest';
import { graphemes, padEndWidth, sanitizeText, stringWidth, stripAnsi, truncateWidth } from './width.js';

describe('stringWidth', () => {
  it.each([
    ['plain ASCII', 'service', 7],
    ['empty', '', 0],
    ['emoji presentation ✅', '✅', 2],
    ['hourglass ⌛ (emoji presentation by default)', '⌛', 2],
    ['warning sign with VS16 ⚠️', '⚠️', 2],
    ['warning sign without VS16 is text', '⚠', 1],
    ['middle dot', '·', 1],
    ['ellipsis', '…', 1],
    ['arrow', '→', 1],
    ['CJK', '日本', 4],
    ['fullwidth A', 'Ａ', 2],
    ['combining accent', 'e\u0301', 1],
    ['skin tone modifier sequence', '👍🏽', 2],
    ['ZWJ family sequence', '👩‍👩‍👧', 2],
    ['flag', '🇩🇪', 2],
    ['ANSI colours count zero', '\u001b[32m✅\u001b[39m ok', 5],
    ['OSC 8 hyperlink counts zero', '\u001b]8;;https://k8s.io\u0007k8s\u001b]8;;\u0007', 3],
  ])('%s', (_name, text, width) => {
    expect(stringWidth(text)).toBe(width);
  });
});

describe('graphemes', () => {
  // graphemes() skips Intl.Segmenter when no code point can join a cluster; it must still split
  // exactly as the segmenter does (UAX #29), on text with and without clustering code points.
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const bySegmenter = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);
  const pieces = [
    'web-7d9c6f5b8-2xkqp', '✅', '❌', '⌛', '⚠️', '⚠', '·', '…', '→', '日本語', 'Ａ', 'e\u0301', '👍🏽', '👩‍👩‍👧', '🇩🇪', '🇩🇪🇫🇷',
    '\r\n', '한국어', '\u1100\u1161\u11a8', '가\u11a8', 'क्षि', '\u0600١', 'ｶﾞ', '😀', 'x\ufe0e', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
  ];
  it.each(pieces)('splits %j as Intl.Segmenter does', (text) => {
    expect([...graphemes(text)]).toEqual(bySegmenter(text));
  });
  it('splits random mixtures of those pieces as Intl.Segmenter does', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 1 + (next() % 6) }, () => pieces[next() % pieces.length]).join(next() % 2 ? ' ' : '');
      expect([...graphemes(text)]).toEqual(bySegmenter(text));
    }
  });
});

describe('truncateWidth', () => {
  it.each([
    ['fits: unchanged', 'hello', 5, 'hello'],
    ['cut with ellipsis', 'hello world', 8, 'hello w…'],
    ['zero width', 'hello', 0, ''],
    ['infinite width', 'hello', Number.POSITIVE_INFINITY, 'hello'],
    ['emoji that fits exactly', '✅ ok', 5, '✅ ok'],
    ['emoji straddling the limit is dropped whole', 'ab✅cd', 3, 'ab…'],
    ['emoji kept when there is room', 'ab✅cd', 5, 'ab✅…'],
    ['CJK straddling the limit', '日本語です', 6, '日本…'],
    ['ellipsis wider than room', 'hello', 2, 'h…'],
  ])('%s', (_name, text, width, expected) => {
    const out = truncateWidth(text, width);
    expect(out).toBe(expected);
    expect(stringWidth(out)).toBeLessThanOrEqual(width);
  });

  it('keeps escape sequences after the cut so colours are closed', () => {
    const red = '\u001b[31mfailing badly\u001b[39m after';
    const out = truncateWidth(red, 6);
    expect(out).toBe('\u001b[31mfaili…\u001b[39m');
    expect(stripAnsi(out)).toBe('faili…');
  });

  it('uses the ellipsis it is given', () => {
    expect(truncateWidth('hello world', 8, '...')).toBe('hello...');
  });
});

describe('padEndWidth', () => {
  it('pads by columns, not code units', () => {
    expect(padEndWidth('·', 2)).toBe('· ');
    expect(padEndWidth('✅', 2)).toBe('✅');
    expect(padEndWidth('⚠️', 2)).toBe('⚠️');
    expect(padEndWidth('toolong', 3)).toBe('toolong');
  });
});

describe('sanitizeText', () => {
  it('turns line breaks and tabs into spaces and neutralises escapes from cluster text', () => {
    expect(sanitizeText('Back-off\npulling\timage')).toBe('Back-off pulling image');
    expect(sanitizeText('evil \u001b[2J clear')).toBe('evil \ufffd[2J clear');
    expect(sanitizeText('café → ✅')).toBe('café → ✅');
  });
});
