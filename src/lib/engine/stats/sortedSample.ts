/**
 * A numeric sample as its sufficient statistics for every rank and distance test we run: the
 * distinct finite values in ascending order with how often each occurs. KS, Wasserstein and the
 * histograms all walk these runs, so a reference summarised once is reused against every window,
 * and a 49k-row column with a few thousand distinct values stays small in IndexedDB and in JSON.
 *
 * Plain number arrays, not typed arrays: they survive JSON.stringify as well as structured cloning.
 */
export interface SortedSample {
  /** Distinct finite values, strictly ascending. */
  values: number[];
  /** counts[i] = how many times values[i] occurs; all ≥ 1. */
  counts: number[];
  /** Σ counts: the number of finite values. */
  n: number;
}

export const EMPTY_SAMPLE: SortedSample = Object.freeze({ values: [], counts: [], n: 0 }) as SortedSample;

/**
 * Sorts the finite values once (a typed-array sort is numeric and far faster than a comparator)
 * and collapses ties. NaN and ±Infinity are dropped: NaN means "missing" in our columns, and an
 * infinite value has no place in a distance.
 */
export function sortedSample(values: ArrayLike<number>): SortedSample {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) finite[n++] = v;
  }
  const sorted = finite.subarray(0, n).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n;) {
    const v = sorted[i];
    let j = i + 1;
    while (j < n && sorted[j] === v) j++;
    // -0 and 0 compare equal: keep one spelling so JSON and structured clones agree.
    distinct.push(v === 0 ? 0 : v);
    counts.push(j - i);
    i = j;
  }
  return { values: distinct, counts, n };
}

export function sampleMean(s: SortedSample): number {
  if (s.n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < s.values.length; i++) sum += s.values[i] * s.counts[i];
  return sum / s.n;
}

/** Population standard deviation (NumPy's default ddof = 0), two passes for accuracy. */
export function populationStd(s: SortedSample): number {
  if (s.n === 0) return NaN;
  const mean = sampleMean(s);
  let sq = 0;
  for (let i = 0; i < s.values.length; i++) sq += s.counts[i] * (s.values[i] - mean) ** 2;
  return Math.sqrt(sq / s.n);
}

/** Number of distinct values present in either sample. */
export function unionDistinctCount(a: SortedSample, b: SortedSample): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = i < a.values.length ? a.values[i] : Infinity;
    const y = j < b.values.length ? b.values[j] : Infinity;
    if (x <= y) i++;
    if (y <= x) j++;
    count++;
  }
  return count;
}
