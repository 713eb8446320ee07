import { EngineError } from '../errors';
import type { Evaluation, MetricSet, SafetyThreshold } from './bundle';
import { calledEdible, HALF, pEdible } from './threshold';

/**
 * Test-split metrics with scikit-learn 1.2's definitions (checked against ../shared/oracles/metrics.json).
 * Positive class = 1 = poisonous. Undefined ratios follow sklearn: precision/recall/F1 0 on 0/0,
 * MCC 0 on a zero denominator. With no poisonous rows average precision is 0: sklearn warns, sets
 * recall to 1 at every threshold, and its step integral is then the precision at the strictest
 * threshold, 0 (it prints −0.0, the same number; JSON cannot tell them apart). ROC AUC, which sklearn
 * refuses for a one-class set, is NaN here (stored as null in JSON).
 */

/**
 * sklearn 1.2's log_loss (eps='auto') clips probabilities to [ε, 1 − ε] with ε the machine epsilon
 * of y_pred's dtype, so a saturated score (exactly 0 or 1) costs a finite amount, not ∞. A
 * Float32Array is float32 to numpy (ε = 2⁻²³ ≈ 1.19e-7: a saturated row costs 15.94); anything else,
 * number[] or Float64Array, becomes float64 (ε = 2⁻⁵² ≈ 2.22e-16: 36.04). Not 1e-15: that was
 * sklearn's default before 1.2.
 */
const FLOAT32_EPS = 2 ** -23;
const FLOAT64_EPS = 2 ** -52;

type Predicate = (pPoisonous: number) => boolean;

/** One entry per distinct score, highest first: cumulative poisonous (tps) and edible (fps) rows at or above it. */
interface Sweep {
  scores: number[];
  tps: number[];
  fps: number[];
  positives: number;
  negatives: number;
}

function check(yTrue: Uint8Array, p: ArrayLike<number>): void {
  if (yTrue.length !== p.length) {
    throw new EngineError('invalid-argument', `${yTrue.length} labels but ${p.length} probabilities.`, { labels: yTrue.length, probabilities: p.length });
  }
  if (yTrue.length === 0) throw new EngineError('invalid-argument', 'No rows to evaluate.', { rows: 0 });
  for (let i = 0; i < p.length; i++) {
    if (yTrue[i] > 1) throw new EngineError('invalid-argument', `Label at row ${i} is ${yTrue[i]}, not 0 or 1.`, { row: i, value: yTrue[i] });
    if (!(p[i] >= 0 && p[i] <= 1)) throw new EngineError('invalid-argument', `Probability at row ${i} is ${p[i]}, not in [0, 1].`, { row: i, value: p[i] });
  }
}

/** Sorting each class's scores apart (a typed-array numeric sort) and merging beats sorting 43k indices with a comparator. */
function sweep(yTrue: Uint8Array, p: ArrayLike<number>): Sweep {
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
  const negatives = yTrue.length - positives;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, a = 0, b = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) pos[a++] = p[i];
    else neg[b++] = p[i];
  }
  pos.sort();
  neg.sort();
  const out: Sweep = { scores: [], tps: [], fps: [], positives, negatives };
  let i = positives - 1;
  let j = negatives - 1;
  while (i >= 0 || j >= 0) {
    const s = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    // Tied scores form one threshold: the curve moves diagonally through them (sklearn's tie handling).
    while (i >= 0 && pos[i] === s) i--;
    while (j >= 0 && neg[j] === s) j--;
    out.scores.push(s);
    out.tps.push(positives - 1 - i);
    out.fps.push(negatives - 1 - j);
  }
  return out;
}

/**
 * The ROC curve's points as sklearn 1.2's roc_curve(drop_intermediate=True) keeps them, in counts:
 * of the per-score points, the first and last always, and a middle one only where the second
 * difference of fps or of tps is non-zero (sklearn's test, which keeps some collinear points: a run
 * of unequal steps up one side stays). Then (0, 0) before them all.
 */
function rocPoints(s: Sweep): { tps: number[]; fps: number[] } {
  const n = s.scores.length;
  const tps = [0];
  const fps = [0];
  for (let k = 0; k < n; k++) {
    const corner = k === 0 || k === n - 1 || s.fps[k - 1] - 2 * s.fps[k] + s.fps[k + 1] !== 0 || s.tps[k - 1] - 2 * s.tps[k] + s.tps[k + 1] !== 0;
    if (corner) {
      tps.push(s.tps[k]);
      fps.push(s.fps[k]);
    }
  }
  return { tps, fps };
}

/**
 * ROC AUC and average precision from the very points the curves hold, as sklearn computes them:
 * roc_auc_score is the trapezoid area under roc_curve's points, average_precision_score the step sum
 * Σ (Rₙ − Rₙ₋₁) Pₙ over precision_recall_curve's points. Counts keep the sums exact (the dropped ROC
 * points are collinear with their neighbours, so the trapezoids are the same area).
 */
function rankingStats(s: Sweep): { rocAuc: number; averagePrecision: number } {
  const roc = rocPoints(s);
  let area = 0;
  for (let k = 1; k < roc.tps.length; k++) area += ((roc.fps[k] - roc.fps[k - 1]) * (roc.tps[k] + roc.tps[k - 1])) / 2;
  // The PR curve's points in counts: (tps[k], tps[k] + fps[k]) after (0 positives, precision 1).
  let ap = 0;
  for (let k = 0, tp0 = 0; k < s.scores.length; k++) {
    const tp = s.tps[k];
    if (tp > tp0) ap += (tp - tp0) * (tp / (tp + s.fps[k]));
    tp0 = tp;
  }
  return {
    rocAuc: s.positives > 0 && s.negatives > 0 ? area / (s.positives * s.negatives) : NaN,
    averagePrecision: s.positives > 0 ? ap / s.positives : 0,
  };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

const roundNothing = (x: number) => x;

/**
 * One row's log loss as sklearn 1.2 computes it, step for step in y_pred's dtype: clip p to
 * [ε, 1 − ε], form the two columns [1 − p, p], divide them by their sum (sklearn renormalises), then
 * take −ln of the true class's column in float64 (xlogy with integer labels upcasts). For float32
 * input every step before the logarithm rounds to float32 (Math.fround), as numpy does.
 */
function rowLogLossFor(p: ArrayLike<number>): (y: number, score: number) => number {
  const float32 = p instanceof Float32Array;
  const eps = float32 ? FLOAT32_EPS : FLOAT64_EPS;
  const round = float32 ? Math.fround : roundNothing;
  const upper = round(1 - eps);
  return (y, score) => {
    const pos = Math.min(Math.max(score, eps), upper);
    const neg = round(1 - pos);
    const sum = round(neg + pos);
    return -Math.log(y === 1 ? round(pos / sum) : round(neg / sum));
  };
}

function metricSetBy(yTrue: Uint8Array, p: ArrayLike<number>, threshold: number, poisonous: Predicate, s: Sweep): MetricSet {
  let tp = 0;
  let fp = 0;
  let logLoss = 0;
  let brier = 0;
  const rowLogLoss = rowLogLossFor(p);
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (poisonous(p[i])) {
      if (y === 1) tp++;
      else fp++;
    }
    logLoss += rowLogLoss(y, p[i]);
    brier += (p[i] - y) ** 2;
  }
  const n = yTrue.length;
  const fn = s.positives - tp;
  const tn = s.negatives - fp;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  // sklearn averages the recall of the classes present in y_true only.
  const classRecalls = [s.positives > 0 ? recall : null, s.negatives > 0 ? tn / s.negatives : null].filter((r) => r !== null);
  const mccDenominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {
    threshold,
    confusion: { tp, fp, tn, fn },
    falseEdible: fn,
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    balancedAccuracy: classRecalls.reduce((a, b) => a + b, 0) / classRecalls.length,
    mcc: ratio(tp * tn - fp * fn, mccDenominator),
    ...rankingStats(s),
    logLoss: logLoss / n,
    brier: brier / n,
  };
}

/** Metrics with "poisonous" predicted when P(poisonous) ≥ `threshold`. */
export function metricSet(yTrue: Uint8Array, pPoisonous: ArrayLike<number>, threshold = HALF): MetricSet {
  check(yTrue, pPoisonous);
  return metricSetBy(yTrue, pPoisonous, threshold, (p) => p >= threshold, sweep(yTrue, pPoisonous));
}

function rocFromSweep(s: Sweep): Evaluation['curves']['roc'] {
  const { tps, fps } = rocPoints(s);
  return { fpr: fps.map((f) => ratio(f, s.negatives)), tpr: tps.map((t) => ratio(t, s.positives)) };
}

function prFromSweep(s: Sweep): Evaluation['curves']['pr'] {
  // sklearn 1.2's points in reverse: its last point, (recall 0, precision 1), always comes first —
  // with no poisonous rows too — then one point per distinct score down to the loosest threshold,
  // where precision falls to the share of poisonous rows. None dropped or thinned: the chart draws
  // these as the step function average precision integrates.
  const recall = [0];
  const precision = [1];
  for (let k = 0; k < s.scores.length; k++) {
    recall.push(s.positives > 0 ? s.tps[k] / s.positives : 1);
    precision.push(ratio(s.tps[k], s.tps[k] + s.fps[k]));
  }
  return { recall, precision };
}

/**
 * sklearn 1.2's roc_curve points (drop_intermediate=True), from the strictest threshold to the
 * loosest: (0, 0) first, (1, 1) last. A rate with no rows of its class is 0 (sklearn gives NaN,
 * which JSON cannot store).
 */
export function rocCurve(yTrue: Uint8Array, pPoisonous: ArrayLike<number>): Evaluation['curves']['roc'] {
  check(yTrue, pPoisonous);
  return rocFromSweep(sweep(yTrue, pPoisonous));
}

/**
 * sklearn 1.2's precision_recall_curve points, reversed into order of rising recall: (0, 1) first,
 * then one point per distinct score from the strictest threshold. With no poisonous rows recall is 1
 * at every threshold, as in sklearn, after the (0, 1) start.
 */
export function prCurve(yTrue: Uint8Array, pPoisonous: ArrayLike<number>): Evaluation['curves']['pr'] {
  check(yTrue, pPoisonous);
  return prFromSweep(sweep(yTrue, pPoisonous));
}

/**
 * sklearn calibration_curve(strategy='uniform'): `bins` equal-width bins on [0, 1], each (edge, next
 * edge] except the first, which also holds 0; empty bins dropped. Edges are i × (1 / bins) as numpy's
 * linspace makes them, so a score on an edge falls in the same bin as in sklearn.
 */
export function calibrationCurve(yTrue: Uint8Array, pPoisonous: ArrayLike<number>, bins = 10): Evaluation['curves']['calibration'] {
  check(yTrue, pPoisonous);
  if (!Number.isInteger(bins) || bins < 1) throw new EngineError('invalid-argument', `Bins must be a positive whole number, got ${bins}.`, { bins });
  const step = 1 / bins;
  const sumP = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < yTrue.length; i++) {
    const p = pPoisonous[i];
    let b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    while (b > 0 && p <= b * step) b--;
    while (b < bins - 1 && p > (b + 1) * step) b++;
    sumP[b] += p;
    positives[b] += yTrue[i];
    count[b]++;
  }
  const out: Evaluation['curves']['calibration'] = { predicted: [], observed: [], count: [] };
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.predicted.push(sumP[b] / count[b]);
    out.observed.push(positives[b] / count[b]);
    out.count.push(count[b]);
  }
  return out;
}

/**
 * Both metric sets and the curves for a test split. `atHalf` calls poisonous what decide() calls
 * poisonous (P(edible) ≤ 0.5), which is P(poisonous) ≥ 0.5 for every float32 score. `atSafety` calls
 * poisonous everything decide() does not call edible, the "uncertain" band included, using
 * threshold.ts's own comparison so the two can never disagree on a row.
 */
export function evaluate(yTrue: Uint8Array, pPoisonous: ArrayLike<number>, safety: SafetyThreshold): Evaluation {
  check(yTrue, pPoisonous);
  const s = sweep(yTrue, pPoisonous);
  return {
    atHalf: metricSetBy(yTrue, pPoisonous, HALF, (p) => !(pEdible(p) > HALF), s),
    atSafety: metricSetBy(yTrue, pPoisonous, 1 - safety.edibleAbove, (p) => !calledEdible(p, safety), s),
    rows: yTrue.length,
    curves: {
      roc: rocFromSweep(s),
      pr: prFromSweep(s),
      calibration: calibrationCurve(yTrue, pPoisonous),
    },
  };
}
