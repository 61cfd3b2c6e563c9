/**
 * Durations in the words the live view uses: "3 s", "2 m 5 s", "1 h 3 m", "2 d 4 h". Whole
 * seconds only: an age is read once a frame, and tenths would only make the frame flicker.
 */
export function inWords(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} m` : `${minutes} m ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** How long ago `then` was, in words; "" when `then` is unknown. Clock skew reads as "0 s". */
export function agoInWords(now: number, then: number | undefined): string {
  return then === undefined ? '' : inWords(now - then);
}
