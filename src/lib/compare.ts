/**
 * String orderings for sorting names in reports and in the embedded cluster.
 *
 * Not String.prototype.localeCompare: its first call builds ICU's collator, ~8 ms of kubespy's
 * start-up on these machines (issue 6), and it orders by locale rules where Kubernetes tools
 * order by bytes — kubectl and the controllers sort with Go's `sort.Strings`, and object names
 * are ASCII (DNS-1123 labels and subdomains), for which UTF-16 code-unit order is byte order.
 */

/** Code-unit (for ASCII: byte) order, as Go's sort.Strings. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DIGIT_RUN = /(\d+)/;

/**
 * Like compareText, but runs of digits compare by value: "web-2" before "web-10", "node-9"
 * before "node-10" — how StatefulSet ordinals and node names read best.
 */
export function compareNatural(a: string, b: string): number {
  const left = a.split(DIGIT_RUN);
  const right = b.split(DIGIT_RUN);
  const n = Math.min(left.length, right.length);
  // split with a capture group alternates text and digit runs: odd indices are the digits.
  for (let i = 0; i < n; i++) {
    const l = left[i] as string;
    const r = right[i] as string;
    if (l === r) continue;
    if (i % 2 === 1) {
      const lv = l.replace(/^0+/, '');
      const rv = r.replace(/^0+/, '');
      // Without leading zeros, a longer run is a larger number; equal lengths compare digit-wise.
      // Equal values written differently ("7", "007"): fewer zeros first.
      return lv.length - rv.length || compareText(lv, rv) || l.length - r.length;
    }
    return compareText(l, r);
  }
  return left.length - right.length;
}
