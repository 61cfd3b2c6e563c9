/** render/: a TraceReport as a live terminal frame, a plain transition log, or JSON lines. */
export { renderFrame, type FrameHeader, type FrameOptions, type LiveState } from './tty.js';
export { transitions, type DetailsMode, type TransitionOptions } from './plain.js';
export { jsonBody, jsonLine, jsonLineOf } from './json.js';
export {
  createFrameWriter,
  fitToScreen,
  frameSize,
  type ExitHooks,
  type FrameStream,
  type FrameWriter,
  type FrameWriterOptions,
  type TerminalSize,
} from './frame-writer.js';
export {
  ASCII_SYMBOLS,
  EMOJI_SYMBOLS,
  statusSymbol,
  supportsEmoji,
  symbolSet,
  verdictWord,
  type SymbolSet,
  type SymbolSetName,
  type TerminalTraits,
} from './symbols.js';
export { createStyle, shouldUseColor, type ColorDecision, type Paint, type Style } from './style.js';
export { clockTime, logTimestamp, rfc3339, type TimeFormat } from './time.js';
export { padEndWidth, padStartWidth, sanitizeText, stringWidth, stripAnsi, truncateWidth } from './width.js';
