import { EngineError } from '../errors';

/**
 * Distances between two discrete distributions given as aligned vectors (each the share of its own
 * sample in every category or bin, same order). Zero handling follows Evidently exactly (see
 * ../shared/oracles/README.md): PSI and KL replace zero proportions first; Jensen–Shannon and
 * Hellinger take the proportions as they are.
 *
 * Every distance checks its inputs first, so a degenerate input is an EngineError('invalid-argument')
 * rather than a silent number. `details.problem` says which:
 * - 'length-mismatch': the two vectors differ in length (`referenceLength`, `currentLength`);
 * - 'empty': no categories or bins at all (a distance over nothing would read 0, or 1 for Hellinger);
 * - 'not-finite' / 'negative': a share is NaN, ±Infinity or below 0 (`side`, `index`, `value`);
 * - 'all-zero': one side sums to 0, which is no distribution (`side`);
 * - 'not-normalised': PSI and Hellinger take the shares as they are, so each side must sum to 1
 *   within SHARE_SUM_TOLERANCE (`side`, `total`); KL and Jensen–Shannon renormalise, as SciPy does.
 * A single category on both sides is one and the same distribution: every distance is 0.
 */
export type DivergenceId = 'psi' | 'kl' | 'jensenshannon' | 'hellinger';

export const SHARE_SUM_TOLERANCE = 1e-6;

type Vector = ArrayLike<number>;

const LABELS: Record<DivergenceId, string> = {
  psi: 'Population stability index',
  kl: 'Kullback–Leibler divergence',
  jensenshannon: 'Jensen–Shannon distance',
  hellinger: 'Hellinger distance',
};

/** Takes the shares as they are (no renormalising): they must sum to 1. */
const NEEDS_SHARES: Record<DivergenceId, boolean> = { psi: true, kl: false, jensenshannon: false, hellinger: true };

/** The error every check here throws, its message led by the distance's name; for checks on other inputs of the same distance. */
export function divergenceError(id: DivergenceId, message: string, details: Record<string, string | number>): EngineError {
  return new EngineError('invalid-argument', `${LABELS[id]}: ${message}`, { statistic: id, ...details });
}

function checkSide(id: DivergenceId, side: 'reference' | 'current', v: Vector, shares: boolean): void {
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) throw divergenceError(id, `the ${side} share at index ${i} is ${String(x)}.`, { problem: 'not-finite', side, index: i, value: String(x) });
    if (x < 0) throw divergenceError(id, `the ${side} share at index ${i} is negative (${x}).`, { problem: 'negative', side, index: i, value: String(x) });
    total += x;
  }
  if (total === 0) throw divergenceError(id, `the ${side} distribution is all zeros.`, { problem: 'all-zero', side });
  if (shares && Math.abs(total - 1) > SHARE_SUM_TOLERANCE) {
    throw divergenceError(id, `the ${side} shares sum to ${total}, not 1.`, { problem: 'not-normalised', side, total });
  }
}

function checkPair(id: DivergenceId, reference: Vector, current: Vector, shares: boolean): void {
  if (reference.length !== current.length) {
    throw divergenceError(id, `the reference has ${reference.length} categories but the current window ${current.length}.`, {
      problem: 'length-mismatch',
      referenceLength: reference.length,
      currentLength: current.length,
    });
  }
  if (reference.length === 0) throw divergenceError(id, 'both distributions are empty.', { problem: 'empty', referenceLength: 0, currentLength: 0 });
  checkSide(id, 'reference', reference, shares);
  checkSide(id, 'current', current, shares);
}

/** Throws EngineError('invalid-argument') unless `reference` and `current` are distributions the distance `id` is defined on. */
export function checkDistributions(id: DivergenceId, reference: Vector, current: Vector): void {
  checkPair(id, reference, current, NEEDS_SHARES[id]);
}

/** The same checks on aligned counts (anything but the sum to 1), before they become shares: a NaN is named where it is. */
export function checkCounts(id: DivergenceId, reference: Vector, current: Vector): void {
  checkPair(id, reference, current, false);
}

/** counts / Σ counts; all zeros when the total is 0. */
export function toProportions(counts: Vector): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return Array.from(counts, (c) => (total > 0 ? c / total : 0));
}

/**
 * Evidently's `feel_zeroes`: every zero becomes (smallest non-zero / 1e6) when that smallest is
 * ≤ 1e-4, else 1e-4. Applied to each vector on its own, so an empty bin costs a large but finite
 * amount instead of ln(x/0) = ∞.
 */
export function replaceZeroProportions(p: Vector): number[] {
  let smallest = Infinity;
  for (let i = 0; i < p.length; i++) if (p[i] !== 0 && p[i] < smallest) smallest = p[i];
  if (smallest === Infinity) return Array.from(p);
  const fill = smallest <= 1e-4 ? smallest / 1e6 : 1e-4;
  return Array.from(p, (x) => (x === 0 ? fill : x));
}

/** Population stability index Σ (ref − cur)·ln(ref/cur) on zero-replaced proportions (each side must sum to 1). */
export function populationStabilityIndex(reference: Vector, current: Vector): number {
  checkDistributions('psi', reference, current);
  const r = replaceZeroProportions(reference);
  const c = replaceZeroProportions(current);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return psi;
}

/** KL(reference ‖ current) as SciPy's `entropy(ref, cur)`: zero-replaced, then each renormalised. */
export function klDivergence(reference: Vector, current: Vector): number {
  checkDistributions('kl', reference, current);
  const r = toProportions(replaceZeroProportions(reference));
  const c = toProportions(replaceZeroProportions(current));
  let kl = 0;
  for (let i = 0; i < r.length; i++) kl += relativeEntropy(r[i], c[i]);
  return kl;
}

/** SciPy's rel_entr: x·ln(x/y), 0 when x = 0, ∞ when only y = 0. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Jensen–Shannon distance as SciPy's `spatial.distance.jensenshannon`: both vectors normalised,
 * sqrt of the mean KL to their midpoint, in nats unless `base` is given (2 → at most 1).
 */
export function jensenShannonDistance(p: Vector, q: Vector, base?: number): number {
  checkDistributions('jensenshannon', p, q);
  if (base !== undefined && !(Number.isFinite(base) && base > 0 && base !== 1)) {
    throw divergenceError('jensenshannon', `the logarithm base ${base} is not a positive number other than 1.`, { problem: 'bad-base', value: String(base) });
  }
  const a = toProportions(p);
  const b = toProportions(q);
  let js = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i] + b[i]) / 2;
    js += relativeEntropy(a[i], m) + relativeEntropy(b[i], m);
  }
  js /= 2;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(0, js));
}

/** Hellinger distance sqrt(1 − Σ sqrt(p·q)) on the shares as given (each side must sum to 1); the sum is clipped to [0, 1] against rounding. */
export function hellingerDistance(p: Vector, q: Vector): number {
  checkDistributions('hellinger', p, q);
  let bc = 0;
  for (let i = 0; i < p.length; i++) bc += Math.sqrt(p[i] * q[i]);
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}

const DIVERGENCES: Record<DivergenceId, (reference: Vector, current: Vector) => number> = {
  psi: populationStabilityIndex,
  kl: klDivergence,
  jensenshannon: (r, c) => jensenShannonDistance(r, c),
  hellinger: hellingerDistance,
};

/** The distance `id` (Jensen–Shannon in nats) between two aligned distributions, inputs checked. */
export function divergence(id: DivergenceId, reference: Vector, current: Vector): number {
  return DIVERGENCES[id](reference, current);
}
