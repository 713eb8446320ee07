import { populationStd, type SortedSample } from './sortedSample';

/**
 * 1-D earth mover's distance W1 = ∫ |F1 − F2| dx (SciPy's `wasserstein_distance` with unit
 * weights), walked over the pooled distinct values: between neighbours both CDFs are flat.
 * NaN when either sample is empty.
 */
export function wassersteinDistance(a: SortedSample, b: SortedSample): number {
  if (a.n === 0 || b.n === 0) return NaN;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let sum = 0;
  let previous = NaN;
  let gap = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = i < a.values.length ? a.values[i] : Infinity;
    const y = j < b.values.length ? b.values[j] : Infinity;
    const here = Math.min(x, y);
    if (!Number.isNaN(previous)) sum += gap * (here - previous);
    if (x <= y) ca += a.counts[i++];
    if (y <= x) cb += b.counts[j++];
    gap = Math.abs(ca / a.n - cb / b.n);
    previous = here;
  }
  return sum;
}

/** Evidently's floor on the reference spread, so a constant reference column does not divide by zero. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** W1 in units of the reference's population standard deviation (Evidently's "wasserstein" test). */
export function wassersteinNormed(reference: SortedSample, current: SortedSample, referenceStd = populationStd(reference)): number {
  return wassersteinDistance(reference, current) / Math.max(referenceStd, WASSERSTEIN_MIN_NORM);
}
