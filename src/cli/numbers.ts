import { UsageError } from './errors.js';

/** A numeric flag, checked: a usage error (exit 2) names the flag and the accepted range. */
export function parseNumberFlag(flag: string, text: string, range: { min: number; max: number; integer?: boolean }): number {
  const value = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
  if (!valid) {
    throw new UsageError(`invalid ${flag} "${text}": expected ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`);
  }
  return value;
}
