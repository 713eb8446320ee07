import type { SortedSample } from './sortedSample';

/**
 * Equal-width histograms of sorted samples, with NumPy's bin rules so binned drift scores match
 * Evidently (which bins numeric columns with `np.histogram_bin_edges(..., bins='sturges')` on the
 * pooled data and counts with `np.histogram`).
 */

/** Smallest and largest value over both samples; null when both are empty. */
export function pooledRange(a: SortedSample, b: SortedSample): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of [a, b]) {
    if (s.n === 0) continue;
    min = Math.min(min, s.values[0]);
    max = Math.max(max, s.values[s.values.length - 1]);
  }
  return min <= max ? { min, max } : null;
}

/** NumPy's linspace(first, last, bins + 1), with its exact last edge. */
export function equalWidthEdges(first: number, last: number, bins: number): number[] {
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => first + i * step);
  edges[bins] = last;
  return edges;
}

/**
 * `np.histogram_bin_edges(pooled, 'sturges')`: width = range / (log2(n) + 1), bins = ceil(range /
 * width); a zero range becomes [v − 0.5, v + 0.5] with one bin.
 */
export function sturgesEdges(a: SortedSample, b: SortedSample): number[] {
  const range = pooledRange(a, b);
  if (!range) return [0, 1];
  let { min: first, max: last } = range;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (range.max - range.min) / (Math.log2(a.n + b.n) + 1);
  const bins = width > 0 ? Math.ceil((last - first) / width) : 1;
  return equalWidthEdges(first, last, bins);
}

/**
 * Counts per bin as `np.histogram` with uniform edges: bins are [e_i, e_{i+1}), the last one
 * closed, values outside dropped. The index comes from arithmetic and is then corrected against
 * the edges, exactly as NumPy does, so a value on an edge lands where NumPy puts it.
 */
export function histogramCounts(s: SortedSample, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const first = edges[0];
  const last = edges[bins];
  const norm = bins / (last - first);
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (v < first || v > last) continue;
    let k = Math.floor((v - first) * norm);
    if (k === bins) k--;
    if (v < edges[k]) k--;
    else if (k !== bins - 1 && v >= edges[k + 1]) k++;
    counts[k] += s.counts[i];
  }
  return counts;
}
