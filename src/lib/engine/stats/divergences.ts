/**
 * Distances between two discrete distributions given as aligned proportion vectors (each the
 * share of its own sample in every category or bin, same order). Zero handling follows Evidently exactly (see
 * ../shared/oracles/README.md): PSI and KL replace zero proportions first; Jensen–Shannon and
 * Hellinger take the proportions as they are.
 */
type Vector = ArrayLike<number>;

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

/** Population stability index Σ (ref − cur)·ln(ref/cur) on zero-replaced proportions. */
export function populationStabilityIndex(reference: Vector, current: Vector): number {
  const r = replaceZeroProportions(reference);
  const c = replaceZeroProportions(current);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return psi;
}

/** KL(reference ‖ current) as SciPy's `entropy(ref, cur)`: zero-replaced, then each renormalised. */
export function klDivergence(reference: Vector, current: Vector): number {
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

/** Hellinger distance sqrt(1 − Σ sqrt(p·q)) on the proportions as given; the sum is clipped to [0, 1] against rounding. */
export function hellingerDistance(p: Vector, q: Vector): number {
  let bc = 0;
  for (let i = 0; i < p.length; i++) bc += Math.sqrt(p[i] * q[i]);
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}
