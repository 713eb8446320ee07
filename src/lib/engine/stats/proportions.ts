/**
 * Tests on proportions and 2×2 tables: the two-proportion z-test, Fisher's exact test, McNemar's
 * test for paired outcomes, and the Wilson interval. Pure functions that match statsmodels 0.13 /
 * SciPy 1.10 (see ../shared/oracles). Binomial and hypergeometric probabilities are summed from a
 * log-factorial, so counts in the tens of thousands neither overflow nor underflow.
 */
import { EngineError } from '../errors';
import { normalQuantile, normalSf } from './normal';

export interface ZTestResult {
  z: number;
  pvalue: number;
}

export interface McNemarResult {
  /** Discordant pairs: champion right & challenger wrong (b), champion wrong & challenger right (c). */
  b: number;
  c: number;
  /** Exact binomial test on b of b + c at ½, two-sided: min(1, 2·P(X ≤ min(b, c))). statsmodels reports min(b, c) as its statistic. */
  exactPvalue: number;
  /** (|b − c| − 1)² / (b + c), continuity-corrected, chi-square with 1 df. */
  chi2Statistic: number;
  chi2Pvalue: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

function checkCount(value: number, name: string, integer: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new EngineError('invalid-argument', `${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got ${value}.`, { name, value: String(value) });
  }
}

function checkArm(successes: number, trials: number, arm: number, integer: boolean): void {
  checkCount(successes, `successes[${arm}]`, integer);
  checkCount(trials, `trials[${arm}]`, integer);
  if (successes > trials) {
    throw new EngineError('invalid-argument', `successes[${arm}] (${successes}) exceeds trials[${arm}] (${trials}).`, { arm, successes, trials });
  }
}

/**
 * Pooled two-sided two-proportion z-test (statsmodels `proportions_ztest`, value 0): z has the sign
 * of p1 − p2. Rules where statsmodels divides by zero:
 * - an arm with no trials: there is no proportion to compare → `{ z: NaN, pvalue: NaN }`;
 * - pooled proportion 0 or 1 (every trial failed, or every one succeeded, in both arms): the
 *   proportions are then necessarily equal → `{ z: 0, pvalue: 1 }`, no evidence of a difference.
 * Throws `invalid-argument` for negative or non-finite counts or successes > trials.
 */
export function twoProportionZTest(successes: [number, number], trials: [number, number]): ZTestResult {
  checkArm(successes[0], trials[0], 0, false);
  checkArm(successes[1], trials[1], 1, false);
  const [x1, x2] = successes;
  const [n1, n2] = trials;
  if (n1 === 0 || n2 === 0) return { z: NaN, pvalue: NaN };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { z: 0, pvalue: 1 };
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { z, pvalue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

// ln(n!) from a table for small n and Stirling's series above (truncation error < 1e-19 at n ≥ 256).
const TABLE_SIZE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let i = 1; i < TABLE_SIZE; i++) LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln(n!) for a non-negative integer n. */
export function logFactorial(n: number): number {
  if (n < TABLE_SIZE) return LOG_FACTORIAL[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  return n * Math.log(n) - n + 0.5 * Math.log(n) + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * SciPy 1.10's `fisher_exact` counts a table as "as extreme" as the observed one when its probability
 * is at most the observed one × (1 + 1e-14): exact ties up to rounding, nothing more. R's
 * `fisher.test` allows 1e-7, which also takes in genuine near-ties: on [[20, 38], [40, 106]] the
 * table with 14 in the corner is 8.4e-8 more probable than the observed one, so R (and this engine
 * before) adds it and reports 0.3944; SciPy does not and reports 0.3136.
 */
const FISHER_TIE_RTOL = 1e-14;

/** The exponent of the prime p in m! (Legendre's formula). */
function primeExponentInFactorial(m: number, p: number): number {
  let e = 0;
  for (let q = Math.floor(m / p); q > 0; q = Math.floor(q / p)) e += q;
  return e;
}

/** Whether a₁!·a₂!·… = b₁!·b₂!·… exactly, compared prime by prime (no big numbers). */
function equalFactorialProducts(a: number[], b: number[]): boolean {
  const sa = [...a].sort((u, v) => u - v);
  const sb = [...b].sort((u, v) => u - v);
  if (sa.every((v, i) => v === sb[i])) return true; // the mirror tables of a symmetric margin
  const top = Math.max(sa[sa.length - 1], sb[sb.length - 1]);
  const composite = new Uint8Array(top + 1);
  for (let p = 2; p <= top; p++) {
    if (composite[p]) continue;
    for (let q = p * p; q <= top; q += p) composite[q] = 1;
    let e = 0;
    for (const m of a) e += primeExponentInFactorial(m, p);
    for (const m of b) e -= primeExponentInFactorial(m, p);
    if (e !== 0) return false;
  }
  return true;
}

/**
 * Fisher's exact test, two-sided, on the 2×2 table [[x1, n1 − x1], [x2, n2 − x2]] exactly as SciPy
 * 1.10's `fisher_exact` (its only alternative; this engine has no one-sided version). With the
 * margins fixed, X (the top-left cell) is hypergeometric; on the observed x1's side of the mode
 * the whole tail beyond x1 counts, on the other side every table whose probability is at most
 * P(x1) × (1 + 1e-14). Any empty row or column, or x1 at the mode (or tied with it), gives p 1.
 *
 * Probabilities are summed from log-factorials, whose rounding (≈ 1e-12 relative at a few hundred
 * rows, more in the tens of thousands) is far wider than SciPy's 1e-14. Hypergeometric tables tie
 * exactly more often than one might think (n1 4, n2 11, 4 successes: 0 and 2 in the corner are equally
 * probable), so a comparison that rounding could decide is settled exactly instead, by comparing
 * the factorials prime by prime. Only a table whose probability differs from the observed one by
 * less than that rounding but is not equal to it is left to floating point: up to 900 rows, the
 * closest such near-ties differ by 1e-10, a hundred times the rounding.
 */
export function fisherExact(successes: [number, number], trials: [number, number]): number {
  checkArm(successes[0], trials[0], 0, true);
  checkArm(successes[1], trials[1], 1, true);
  const [x1, x2] = successes;
  const [n1, n2] = trials;
  const n = n1 + n2;
  const k = x1 + x2;
  if (n1 === 0 || n2 === 0 || k === 0 || k === n) return 1;
  // Up to the constant n1!·n2!·k!·(n − k)!/n!, P(X = x) is 1 / (x!·(n1 − x)!·(k − x)!·(n2 − k + x)!).
  const factorials = (x: number) => [x, n1 - x, k - x, n2 - k + x];
  const logConstant = logFactorial(n1) + logFactorial(n2) + logFactorial(k) + logFactorial(n - k) - logFactorial(n);
  const logPmf = (x: number) => logConstant - logFactorial(x) - logFactorial(n1 - x) - logFactorial(k - x) - logFactorial(n2 - k + x);
  const lo = Math.max(0, k - n2);
  const hi = Math.min(k, n1);
  // P(x + 1) / P(x) ≥ 1 exactly while x + 1 ≤ (k + 1)(n1 + 1) / (n + 2): the mode (SciPy's), and
  // when that quotient is a whole number the table below it ties with it.
  const mode = Math.floor(((k + 1) * (n1 + 1)) / (n + 2));
  if (x1 === mode || (x1 === mode - 1 && ((k + 1) * (n1 + 1)) % (n + 2) === 0)) return 1;

  const logObserved = logPmf(x1);
  // Bound on the rounding of a log-probability difference: a generous multiple of an ulp of the largest term.
  const slack = 1e-9 + 1e-12 * logFactorial(n);
  const asExtreme = (x: number): boolean => {
    const d = logPmf(x) - logObserved;
    if (Math.abs(d) > slack) return d < 0;
    return equalFactorialProducts(factorials(x), factorials(x1)) || d <= Math.log1p(FISHER_TIE_RTOL);
  };
  let p = 0;
  if (x1 < mode) {
    for (let x = lo; x <= x1; x++) p += Math.exp(logPmf(x));
    // Beyond the mode the probabilities fall: walk in from the far end while they stay ≤ P(x1).
    for (let x = hi; x > mode && asExtreme(x); x--) p += Math.exp(logPmf(x));
  } else {
    for (let x = hi; x >= x1; x--) p += Math.exp(logPmf(x));
    for (let x = lo; x < mode && asExtreme(x); x++) p += Math.exp(logPmf(x));
  }
  return Math.min(1, p);
}

/** P(X ≤ k) for X ~ Binomial(n, ½), summed in log space. */
function binomialHalfCdf(k: number, n: number): number {
  const logHalfPowN = -n * Math.LN2;
  let p = 0;
  for (let i = 0; i <= k; i++) p += Math.exp(logChoose(n, i) + logHalfPowN);
  return p;
}

/**
 * McNemar's test on a paired 2×2 table [[both right, A right & B wrong], [A wrong & B right, both
 * wrong]] (statsmodels `mcnemar`, exact and with `correction=True`). Only the discordant cells b and
 * c matter. With no discordant pairs (b + c = 0) the corrected statistic is defined as 0 and its p as
 * 1: nothing disagrees, so there is no evidence (statsmodels divides by zero there). The corrected
 * statistic is not clamped: b = c gives 1 / (b + c), exactly as statsmodels.
 */
export function mcnemar(table: readonly [readonly [number, number], readonly [number, number]]): McNemarResult {
  const b = table[0][1];
  const c = table[1][0];
  checkCount(table[0][0], 'table[0][0]', true);
  checkCount(b, 'table[0][1]', true);
  checkCount(c, 'table[1][0]', true);
  checkCount(table[1][1], 'table[1][1]', true);
  const n = b + c;
  const exactPvalue = Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
  if (n === 0) return { b, c, exactPvalue, chi2Statistic: 0, chi2Pvalue: 1 };
  const chi2Statistic = (Math.abs(b - c) - 1) ** 2 / n;
  // Chi-square with 1 df is Z²: its survival at s is 2·Φ̄(√s).
  const chi2Pvalue = Math.min(1, 2 * normalSf(Math.sqrt(chi2Statistic)));
  return { b, c, exactPvalue, chi2Statistic, chi2Pvalue };
}

/**
 * Wilson score interval for a proportion (statsmodels `proportion_confint(method='wilson')`).
 * With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkArm(successes, trials, 0, false);
  if (!(confidence > 0 && confidence < 1)) {
    throw new EngineError('invalid-argument', `confidence must be in (0, 1), got ${confidence}.`, { confidence });
  }
  if (trials === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const p = successes / trials;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or all successes the bound is exactly 0 or 1; the formula only reaches it up to rounding.
  return { lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === trials ? 1 : Math.min(1, centre + half) };
}
