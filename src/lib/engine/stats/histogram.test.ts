import { describe, expect, it } from 'vitest';
import { equalWidthEdges, histogramCounts, sturgesEdges } from './histogram';
import { sortedSample } from './sortedSample';

// Golden values from NumPy (`histogram_bin_edges(pooled, 'sturges')`, `histogram`).
describe('NumPy-compatible histograms', () => {
  it('Sturges edges on the pooled samples, and counts with the last bin closed', () => {
    const a = sortedSample([0.1, 0.2, 0.2, 0.5, 0.9, 1.3, 2.0, 2.0, 3.7]);
    const b = sortedSample([0.0, 1.0, 1.5, 4.0, 4.0]);
    const edges = sturgesEdges(a, b);
    expect(edges).toEqual([0.0, 0.8, 1.6, 2.4000000000000004, 3.2, 4.0]);
    expect(histogramCounts(a, edges)).toEqual([4, 2, 2, 0, 1]);
    expect(histogramCounts(b, edges)).toEqual([1, 2, 0, 0, 2]);
  });

  it('widens a zero range by ±0.5 into one bin', () => {
    const c = sortedSample([5, 5]);
    const edges = sturgesEdges(c, sortedSample([]));
    expect(edges).toEqual([4.5, 5.5]);
    expect(histogramCounts(c, edges)).toEqual([2]);
  });

  it('puts values that sit on an edge where NumPy does', () => {
    const x = sortedSample(Array.from({ length: 11 }, (_, i) => i * 0.1));
    expect(histogramCounts(x, equalWidthEdges(0, 1, 10))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });
});
