/**
 * What each benchmark section hands back: table rows (kubespy beside kubectl, with the budget
 * when issue 6 sets one) and raw numbers for bench/results/latest.json.
 */
import type { Summary } from './stats.js';

export interface Budget {
  /** The budget as issue 6 words it, e.g. "≤ 1.5× kubectl". */
  text: string;
  met: boolean;
}

export interface Row {
  section: string;
  metric: string;
  unit: string;
  kubespy?: Summary;
  kubectl?: Summary;
  /** Rows that have no kubectl counterpart (cluster capacity, replay). */
  value?: Summary;
  budget?: Budget;
  note?: string;
}

export interface SectionResult {
  rows: Row[];
  raw: Record<string, unknown>;
}

export interface BenchContext {
  /** Scales counts and durations (1 = the full benchmark; smaller for a quick look). */
  scale: number;
  log(message: string): void;
}

export function scaled(ctx: BenchContext, full: number, minimum = 1): number {
  return Math.max(minimum, Math.round(full * ctx.scale));
}

function number(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'B') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 'ms') return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
  return `${Math.round(value).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}

export function formatSummary(s: Summary | undefined, unit: string): string {
  if (!s || s.n === 0) return '–';
  if (s.n === 1) return number(s.median, unit);
  return `${number(s.median, unit)} (${number(s.min, unit)}–${number(s.max, unit)})`;
}

export function ratioOf(row: Row): number | undefined {
  if (!row.kubespy || !row.kubectl || !(row.kubectl.median > 0)) return undefined;
  return row.kubespy.median / row.kubectl.median;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

/** A plain-text table (medians, min–max in brackets), fit for a terminal and for the README. */
export function renderTable(rows: Row[]): string {
  const header = ['item', 'metric', 'kubespy (or value)', 'kubectl', 'ratio', 'budget', ''];
  const body = rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.section,
      row.metric,
      formatSummary(row.kubespy ?? row.value, row.unit),
      formatSummary(row.kubectl, row.unit),
      ratio === undefined ? '' : `${ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2)}×`,
      row.budget?.text ?? '',
      row.budget ? (row.budget.met ? 'ok' : 'MISSED') : row.note ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max([...h].length, ...body.map((cells) => [...(cells[i] ?? '')].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
