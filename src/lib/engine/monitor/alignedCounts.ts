import { histogramCounts, sturgesEdges } from '../stats/histogram';
import type { SortedSample } from '../stats/sortedSample';
import type { ColumnSummary } from './columnSummary';

/**
 * Two summaries as aligned count vectors, the input of every category-based statistic (χ², Z,
 * Jensen–Shannon, PSI, KL, Hellinger). Evidently's `get_binned_data`: categories present in
 * either window; a numeric column with more than 20 distinct reference values is cut into
 * Sturges bins over the pooled range, otherwise each distinct value is its own category.
 * Hellinger on a numeric column is the exception: Evidently bins it its own way (numericHellinger.ts).
 */
export interface AlignedCounts {
  /** Category codes, distinct numeric values, or (when binned) bin indices, one per position. */
  keys: number[];
  /** Bin edges when a numeric column was binned. */
  edges?: number[];
  reference: number[];
  current: number[];
  /** Non-missing values on each side: the denominators of the proportions. */
  nReference: number;
  nCurrent: number;
}

/** Evidently bins a numeric column when its reference has more distinct values than this. */
export const MAX_UNBINNED_DISTINCT = 20;

export function alignCounts(reference: ColumnSummary, current: ColumnSummary): AlignedCounts {
  if (reference.kind === 'categorical' && current.kind === 'categorical') return alignCategories(reference.counts, current.counts);
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    if (reference.sample.values.length > MAX_UNBINNED_DISTINCT) {
      const edges = sturgesEdges(reference.sample, current.sample);
      return {
        keys: edges.slice(0, -1).map((_, i) => i),
        edges,
        reference: histogramCounts(reference.sample, edges),
        current: histogramCounts(current.sample, edges),
        nReference: reference.sample.n,
        nCurrent: current.sample.n,
      };
    }
    return alignValues(reference.sample, current.sample);
  }
  // Kinds differ: nothing lines up. columnDrift reports this before any statistic runs.
  return { keys: [], reference: [], current: [], nReference: 0, nCurrent: 0 };
}

function alignCategories(ref: readonly number[], cur: readonly number[]): AlignedCounts {
  const out: AlignedCounts = { keys: [], reference: [], current: [], nReference: 0, nCurrent: 0 };
  for (let code = 0; code < Math.max(ref.length, cur.length); code++) {
    const r = ref[code] ?? 0;
    const c = cur[code] ?? 0;
    if (r === 0 && c === 0) continue;
    out.keys.push(code);
    out.reference.push(r);
    out.current.push(c);
    out.nReference += r;
    out.nCurrent += c;
  }
  return out;
}

function alignValues(a: SortedSample, b: SortedSample): AlignedCounts {
  const out: AlignedCounts = { keys: [], reference: [], current: [], nReference: a.n, nCurrent: b.n };
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = i < a.values.length ? a.values[i] : Infinity;
    const y = j < b.values.length ? b.values[j] : Infinity;
    out.keys.push(Math.min(x, y));
    out.reference.push(x <= y ? a.counts[i++] : 0);
    out.current.push(y <= x ? b.counts[j++] : 0);
  }
  return out;
}

/** Each side's counts as shares of its own non-missing total. */
export function alignedProportions(a: AlignedCounts): { reference: number[]; current: number[] } {
  return {
    reference: a.reference.map((c) => (a.nReference > 0 ? c / a.nReference : 0)),
    current: a.current.map((c) => (a.nCurrent > 0 ? c / a.nCurrent : 0)),
  };
}
