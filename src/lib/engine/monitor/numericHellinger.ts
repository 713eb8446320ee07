import { divergenceError } from '../stats/divergences';
import { equalWidthEdges, histogramCounts, pooledRange } from '../stats/histogram';
import { unionDistinctCount, type SortedSample } from '../stats/sortedSample';

/**
 * Hellinger distance of a numeric column on Evidently's own bins. The distances between aligned
 * category shares, and their input checks, are in ../stats/divergences.ts; this file only bins two
 * samples as Evidently does for Hellinger and reports a bad sample with the same kind of error.
 */

function checkSample(side: 'reference' | 'current', s: SortedSample): void {
  if (s.n <= 0 || s.values.length === 0) throw divergenceError('hellinger', `the ${side} sample is empty.`, { problem: 'empty', side });
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v))
      throw divergenceError('hellinger', `the ${side} sample holds ${String(v)} (distinct value ${i}).`, { problem: 'not-finite', side, index: i, value: String(v) });
  }
}

/**
 * Evidently's bins for Hellinger on a numeric column (`np.histogram_bin_edges(keys, 'sturges')`):
 * Sturges over the distinct values of both windows, not over the pooled sample as for PSI, KL and
 * Jensen–Shannon. Edges span the pooled range (min − 0.5 … max + 0.5 in one bin when it is a single
 * value); width = range / (log2(distinct values) + 1), bins = ceil(range / width). Values are taken
 * as float64 (NumPy would widen the width to 1 for an integer-typed column).
 */
export function hellingerEdges(reference: SortedSample, current: SortedSample): number[] {
  const range = pooledRange(reference, current);
  if (!range) throw divergenceError('hellinger', 'both samples are empty.', { problem: 'empty' });
  let first = range.min;
  let last = range.max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (range.max - range.min) / (Math.log2(unionDistinctCount(reference, current)) + 1);
  const bins = width > 0 ? Math.ceil((last - first) / width) : 1;
  return equalWidthEdges(first, last, bins);
}

/**
 * Hellinger distance of a numeric column as Evidently computes it: every numeric column is binned
 * (however few its distinct values) on hellingerEdges; each side is a density histogram
 * (count / bin width / total), and Σ sqrt(p·q) · mean bin width is clipped to [0, 1] before
 * sqrt(1 − ·). No zero replacement: an empty bin on either side adds nothing.
 */
export function numericHellinger(reference: SortedSample, current: SortedSample): { distance: number; edges: number[] } {
  checkSample('reference', reference);
  checkSample('current', current);
  const edges = hellingerEdges(reference, current);
  const bins = edges.length - 1;
  const r = histogramCounts(reference, edges);
  const c = histogramCounts(current, edges);
  let nr = 0;
  let nc = 0;
  for (let i = 0; i < bins; i++) {
    nr += r[i];
    nc += c[i];
  }
  const width = (edges[bins] - edges[0]) / bins;
  let bc = 0;
  for (let i = 0; i < bins; i++) {
    const w = edges[i + 1] - edges[i];
    bc += Math.sqrt((r[i] / w / nr) * (c[i] / w / nc)) * width;
  }
  return { distance: Math.sqrt(1 - Math.min(1, Math.max(0, bc))), edges };
}
