import { equalWidthEdges, histogramCounts, pooledRange } from '../stats/histogram';
import type { ColumnSummary } from './columnSummary';
import type { MiniDistribution } from './driftTypes';

/** Categories drawn one by one; the rest share an "other" bar so a sparkline stays readable. */
export const MAX_CATEGORY_BARS = 12;
export const DEFAULT_HISTOGRAM_BINS = 10;

const share = (count: number, total: number) => (total > 0 ? count / total : 0);

/** Reference vs current shares for a table sparkline; empty arrays when both windows are empty. */
export function miniDistribution(reference: ColumnSummary, current: ColumnSummary, bins = DEFAULT_HISTOGRAM_BINS): MiniDistribution {
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const range = pooledRange(reference.sample, current.sample);
    if (!range) return { kind: 'histogram', edges: [], reference: [], current: [] };
    const edges = range.min === range.max ? [range.min, range.max] : equalWidthEdges(range.min, range.max, Math.max(1, Math.floor(bins)));
    // A constant column: one bin holding every value (np.histogram would widen it by ±0.5).
    const count = (s: typeof reference.sample) => (edges.length === 2 && range.min === range.max ? [s.n] : histogramCounts(s, edges));
    return {
      kind: 'histogram',
      edges,
      reference: count(reference.sample).map((c) => share(c, reference.sample.n)),
      current: count(current.sample).map((c) => share(c, current.sample.n)),
    };
  }
  if (reference.kind === 'categorical' && current.kind === 'categorical') {
    const codes: number[] = [];
    for (let code = 0; code < Math.max(reference.counts.length, current.counts.length); code++) {
      if ((reference.counts[code] ?? 0) + (current.counts[code] ?? 0) > 0) codes.push(code);
    }
    const refShare = (code: number) => share(reference.counts[code] ?? 0, reference.n);
    const curShare = (code: number) => share(current.counts[code] ?? 0, current.n);
    let shown = codes;
    if (codes.length > MAX_CATEGORY_BARS) {
      const weight = (code: number) => refShare(code) + curShare(code);
      const top = new Set([...codes].sort((a, b) => weight(b) - weight(a) || a - b).slice(0, MAX_CATEGORY_BARS - 1));
      shown = codes.filter((c) => top.has(c));
    }
    const keys = [...shown];
    const ref = shown.map(refShare);
    const cur = shown.map(curShare);
    if (shown.length < codes.length) {
      const hidden = codes.filter((c) => !shown.includes(c));
      keys.push(-1);
      ref.push(hidden.reduce((sum, c) => sum + refShare(c), 0));
      cur.push(hidden.reduce((sum, c) => sum + curShare(c), 0));
    }
    return { kind: 'categories', keys, reference: ref, current: cur };
  }
  return { kind: 'histogram', edges: [], reference: [], current: [] };
}
