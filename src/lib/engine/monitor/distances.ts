import { EngineError } from '../errors';
import { hellingerDistance, jensenShannonDistance, klDivergence, populationStabilityIndex } from '../stats/divergences';
import { equalWidthEdges, histogramCounts, pooledRange } from '../stats/histogram';
import { unionDistinctCount, type SortedSample } from '../stats/sortedSample';

/**
 * The category-based drift distances with their inputs checked first, so a degenerate input is an
 * EngineError('invalid-argument') rather than a silent number. `details.problem` says which:
 * - 'length-mismatch': the two vectors differ in length (`referenceLength`, `currentLength`);
 * - 'empty': no categories or bins at all (a distance over nothing would read 0, or 1 for Hellinger);
 * - 'not-finite' / 'negative': a share is NaN, ±Infinity or below 0 (`side`, `index`, `value`);
 * - 'all-zero': one side sums to 0, which is no distribution (`side`);
 * - 'not-normalised': PSI and Hellinger take the shares as they are, so each side must sum to 1
 *   within SHARE_SUM_TOLERANCE (`side`, `total`); KL and Jensen–Shannon renormalise, as SciPy does.
 * A single category on both sides is one and the same distribution: every distance is 0.
 */
export type DistanceId = 'psi' | 'kl' | 'jensenshannon' | 'hellinger';

export const SHARE_SUM_TOLERANCE = 1e-6;

const LABELS: Record<DistanceId, string> = {
  psi: 'Population stability index',
  kl: 'Kullback–Leibler divergence',
  jensenshannon: 'Jensen–Shannon distance',
  hellinger: 'Hellinger distance',
};

/** Takes the shares as they are (no renormalising): they must sum to 1. */
const NEEDS_SHARES: Record<DistanceId, boolean> = { psi: true, kl: false, jensenshannon: false, hellinger: true };

type Vector = ArrayLike<number>;

function invalid(id: DistanceId, message: string, details: Record<string, string | number>): EngineError {
  return new EngineError('invalid-argument', `${LABELS[id]}: ${message}`, { statistic: id, ...details });
}

function checkSide(id: DistanceId, side: 'reference' | 'current', v: Vector, shares: boolean): void {
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) throw invalid(id, `the ${side} share at index ${i} is ${String(x)}.`, { problem: 'not-finite', side, index: i, value: String(x) });
    if (x < 0) throw invalid(id, `the ${side} share at index ${i} is negative (${x}).`, { problem: 'negative', side, index: i, value: String(x) });
    total += x;
  }
  if (total === 0) throw invalid(id, `the ${side} distribution is all zeros.`, { problem: 'all-zero', side });
  if (shares && Math.abs(total - 1) > SHARE_SUM_TOLERANCE) {
    throw invalid(id, `the ${side} shares sum to ${total}, not 1.`, { problem: 'not-normalised', side, total });
  }
}

/** Throws EngineError('invalid-argument') unless `reference` and `current` are distributions the distance `id` is defined on. */
export function checkDistributions(id: DistanceId, reference: Vector, current: Vector): void {
  checkPair(id, reference, current, NEEDS_SHARES[id]);
}

/** The same checks on aligned counts (anything but the sum to 1), before they become shares: a NaN is named where it is. */
export function checkCounts(id: DistanceId, reference: Vector, current: Vector): void {
  checkPair(id, reference, current, false);
}

function checkPair(id: DistanceId, reference: Vector, current: Vector, shares: boolean): void {
  if (reference.length !== current.length) {
    throw invalid(id, `the reference has ${reference.length} categories but the current window ${current.length}.`, {
      problem: 'length-mismatch',
      referenceLength: reference.length,
      currentLength: current.length,
    });
  }
  if (reference.length === 0) throw invalid(id, 'both distributions are empty.', { problem: 'empty', referenceLength: 0, currentLength: 0 });
  checkSide(id, 'reference', reference, shares);
  checkSide(id, 'current', current, shares);
}

const COMPUTE: Record<DistanceId, (reference: Vector, current: Vector) => number> = {
  psi: populationStabilityIndex,
  kl: klDivergence,
  jensenshannon: (r, c) => jensenShannonDistance(r, c),
  hellinger: hellingerDistance,
};

/** The distance `id` between two aligned distributions, after checkDistributions. */
export function checkedDistance(id: DistanceId, reference: Vector, current: Vector): number {
  checkDistributions(id, reference, current);
  return COMPUTE[id](reference, current);
}

function checkSample(side: 'reference' | 'current', s: SortedSample): void {
  if (s.n <= 0 || s.values.length === 0) throw invalid('hellinger', `the ${side} sample is empty.`, { problem: 'empty', side });
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) throw invalid('hellinger', `the ${side} sample holds ${String(v)} (distinct value ${i}).`, { problem: 'not-finite', side, index: i, value: String(v) });
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
  if (!range) throw invalid('hellinger', 'both samples are empty.', { problem: 'empty' });
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
