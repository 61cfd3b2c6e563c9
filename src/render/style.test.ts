import { describe, expect, it } from 'vitest';
import { createStyle, shouldUseColor } from './style.js';
import { ASCII_SYMBOLS, EMOJI_SYMBOLS, statusSymbol, supportsEmoji } from './symbols.js';
import { stringWidth } from './width.js';
import type { CheckStatus } from '../trace/types.js';

describe('shouldUseColor', () => {
  it.each([
    ['a terminal, nothing set', undefined, {}, true, true],
    ['a pipe, nothing set', undefined, {}, false, false],
    ['NO_COLOR on a terminal', undefined, { NO_COLOR: '1' }, true, false],
    ['NO_COLOR empty is ignored (no-color.org)', undefined, { NO_COLOR: '' }, true, true],
    ['NO_COLOR beats FORCE_COLOR', undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    ['FORCE_COLOR on a pipe', undefined, { FORCE_COLOR: '1' }, false, true],
    ['FORCE_COLOR empty means on', undefined, { FORCE_COLOR: '' }, false, true],
    ['FORCE_COLOR=0', undefined, { FORCE_COLOR: '0' }, true, false],
    ['FORCE_COLOR=false', undefined, { FORCE_COLOR: 'false' }, true, false],
    ['TERM=dumb', undefined, { TERM: 'dumb' }, true, false],
    ['--color beats NO_COLOR', true, { NO_COLOR: '1' }, false, true],
    ['--no-color beats FORCE_COLOR', false, { FORCE_COLOR: '1' }, true, false],
  ] as const)('%s', (_name, flag, env, isTTY, expected) => {
    expect(shouldUseColor({ flag, env, isTTY })).toBe(expected);
  });
});

describe('createStyle', () => {
  it('adds no escape codes when colour is off', () => {
    const style = createStyle(false);
    expect(style.verdict('ready', 'READY')).toBe('READY');
    expect(style.status('fail', 'x')).toBe('x');
    expect(style.dim('d')).toBe('d');
  });

  it.each([
    ['ready', '\u001b[32m'],
    ['failing', '\u001b[31m'],
    ['degraded', '\u001b[33m'],
    ['pending', '\u001b[33m'],
    ['absent', '\u001b[2m'],
    ['deleted', '\u001b[2m'],
  ] as const)('colours verdict %s', (verdict, code) => {
    expect(createStyle(true).verdict(verdict, 'V')).toContain(code);
  });
});

describe('symbols', () => {
  const statuses: CheckStatus[] = ['ok', 'fail', 'pending', 'warn', 'info', 'skip'];
  it.each(statuses)('%s pads to the same width in both sets', (status) => {
    expect(stringWidth(statusSymbol(status, EMOJI_SYMBOLS))).toBe(2);
    expect(stringWidth(statusSymbol(status, ASCII_SYMBOLS))).toBe(4);
    expect(statusSymbol(status, ASCII_SYMBOLS)).toMatch(/^\[[ -~]{2}\]$/);
  });

  it.each([
    ['xterm on Linux', { TERM: 'xterm-256color' }, 'linux', true],
    ['the Linux console', { TERM: 'linux' }, 'linux', false],
    ['TERM=dumb', { TERM: 'dumb' }, 'darwin', false],
    ['legacy Windows console', {}, 'win32', false],
    ['Windows Terminal', { WT_SESSION: 'abc' }, 'win32', true],
    ['macOS Terminal', { TERM: 'xterm-256color', TERM_PROGRAM: 'Apple_Terminal' }, 'darwin', true],
  ])('supportsEmoji: %s', (_name, env, platform, expected) => {
    expect(supportsEmoji({ env, platform })).toBe(expected);
  });
});
