/**
 * The standard normal distribution: CDF, survival function and quantile.
 *
 * p-values live in the far tail (a z of 5 gives ~3e-7), where `1 − cdf` loses every digit, so the
 * survival function is computed directly from a complementary error function that keeps full
 * relative precision: W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969; the
 * netlib SPECFUN routine CALERF), accurate to ~1e-16 relative over the whole line.
 */

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const INV_SQRT_PI = 0.5641895835477563;

// Cody's coefficients are published to 18 digits; each is written here as the double it rounds to.

// erf(x) for |x| ≤ 0.46875
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// erfc(x) for 0.46875 < x ≤ 4
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247, 3439.3676741437216, 1230.3393548037495];
// erfc(x) for x > 4
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097];
const Q = [2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** exp(−y²) without the cancellation error of squaring a y that is not exactly representable (Cody's trick). */
function expNegSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** Complementary error function erfc(x) = 1 − erf(x), full relative precision for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let xnum = A[4] * ysq;
    let xden = ysq;
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + A[i]) * ysq;
      xden = (xden + B[i]) * ysq;
    }
    return 1 - (x * (xnum + A[3])) / (xden + B[3]);
  } else if (y <= 4) {
    let xnum = C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]) * y;
      xden = (xden + D[i]) * y;
    }
    result = ((xnum + C[7]) / (xden + D[7])) * expNegSquare(y);
  } else if (y < 26.55) {
    const ysq = 1 / (y * y);
    let xnum = P[5] * ysq;
    let xden = ysq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]) * ysq;
      xden = (xden + Q[i]) * ysq;
    }
    const r = (ysq * (xnum + P[4])) / (xden + Q[4]);
    result = ((INV_SQRT_PI - r) / y) * expNegSquare(y);
  } else {
    result = 0; // below the smallest double
  }
  return x < 0 ? 2 - result : result;
}

/** P(Z ≤ z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** P(Z > z) = 1 − Φ(z), accurate in the far upper tail (use it for p-values, never `1 − normalCdf`). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z * SQRT1_2);
}

// Acklam's rational approximation to the normal quantile (relative error < 1.15e-9), then refined.
const QA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function acklamLower(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((QC[0] * q + QC[1]) * q + QC[2]) * q + QC[3]) * q + QC[4]) * q + QC[5]) / ((((QD[0] * q + QD[1]) * q + QD[2]) * q + QD[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((QA[0] * r + QA[1]) * r + QA[2]) * r + QA[3]) * r + QA[4]) * r + QA[5]) * q) / (((((QB[0] * r + QB[1]) * r + QB[2]) * r + QB[3]) * r + QB[4]) * r + 1);
}

/**
 * Φ⁻¹(p): the z with P(Z ≤ z) = p. Acklam's approximation plus one Halley step against our CDF
 * gives ~1e-15 relative. Upper-half p is mirrored (1 − p is exact there) so both tails are equally
 * accurate. Returns ±Infinity at 0 and 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklamLower(p);
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
