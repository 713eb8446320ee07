import { kolmogorovSf } from './kolmogorovDistribution';
import type { SortedSample } from './sortedSample';

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as SciPy 1.10's `ks_2samp(method='auto')`:
 * the exact null distribution when both samples have at most 10,000 values, otherwise the
 * one-sample distribution `kstwo` at n = round(n1·n2 / (n1 + n2)). Checked against
 * ../shared/oracles/drift.json.
 */
export interface KsResult {
  /** sup |F1 − F2|; on the exact path snapped to the lattice h / lcm(n1, n2), as SciPy reports it. */
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymp';
}

/** SciPy's MAX_AUTO_N: above it 'auto' goes asymptotic. */
export const KS_MAX_EXACT_N = 10_000;

/**
 * sup over the pooled values of |F1 − F2|, each CDF as count / n in floating point exactly as
 * NumPy forms `searchsorted(...) / n`, so a tie at the maximum resolves the same way.
 */
export function ksStatistic(a: SortedSample, b: SortedSample): number {
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  while (i < a.values.length || j < b.values.length) {
    const x = i < a.values.length ? a.values[i] : Infinity;
    const y = j < b.values.length ? b.values[j] : Infinity;
    if (x <= y) ca += a.counts[i++];
    if (y <= x) cb += b.counts[j++];
    const diff = ca / a.n - cb / b.n;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

/** Empty samples give NaN rather than throwing: callers report the reason. */
export function ksTwoSample(a: SortedSample, b: SortedSample): KsResult {
  if (a.n === 0 || b.n === 0) return { statistic: NaN, pvalue: NaN, method: 'exact' };
  let d = ksStatistic(a, b);
  const n1 = a.n;
  const n2 = b.n;
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = exactPValue(n1, n2, d);
    // SciPy falls back to the asymptotic distribution when the exact computation misbehaves.
    if (exact.ok) return { statistic: exact.d, pvalue: clip(exact.p), method: 'exact' };
    d = exact.d;
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return { statistic: d, pvalue: clip(kolmogorovSf(d, roundHalfEven(en))), method: 'asymp' };
}

const clip = (p: number) => Math.min(1, Math.max(0, p));

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** NumPy's np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function exactPValue(n1: number, n2: number, dIn: number): { ok: boolean; d: number; p: number } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(dIn * lcm);
  const d = h / lcm;
  if (h === 0) return { ok: true, d, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  return { ok: Number.isFinite(p) && p >= 0 && p <= 1, d, p };
}

/**
 * Equal sizes: P(D ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh) / C(2n, n), evaluated Horner-style
 * from the innermost term so the alternating sum does not cancel.
 */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Unequal sizes: the share of lattice paths from (0, 0) to (m, n) that leave the band
 * |x/m − y/n| < h/lcm, by Hodges' inside method with Viehmann's (2021) recursion for 1 − p
 * (SciPy's `_compute_outer_prob_inside_method`): one sliding column, values kept in [0, 1].
 */
function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      // Beyond the array SciPy would raise; NaN here sends the caller to the asymptotic branch.
      const carried = jj + minj - lastminj < lenA ? A[jj + minj - lastminj] : NaN;
      val = (carried * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}
