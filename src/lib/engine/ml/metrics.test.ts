import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '$lib/testing/sharedData';
import type { MetricSet } from './bundle';
import { calibrationCurve, evaluate, metricSet, prCurve, rocCurve } from './metrics';
import { seededRng } from './rng';
import { chooseSafetyThreshold, decide } from './threshold';

const ORACLE = resolve(SHARED_DIR, 'oracles', 'metrics.json');
const hasOracle = existsSync(ORACLE);
const SKIP_REASON = `metrics oracle not found at ${ORACLE} (a fresh clone without ../shared): skipped`;
if (!hasOracle) console.warn(SKIP_REASON);

interface MetricsCase {
  name: string;
  y_true: number[];
  y_score: number[];
  threshold: number;
  confusion: MetricSet['confusion'];
  [metric: string]: unknown;
}

/** Oracle name → our MetricSet field. */
const FIELDS = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  f1: 'f1',
  balanced_accuracy: 'balancedAccuracy',
  mcc: 'mcc',
  roc_auc: 'rocAuc',
  log_loss: 'logLoss',
  brier: 'brier',
  average_precision: 'averagePrecision',
} as const;

const labels = (...ys: number[]) => new Uint8Array(ys);

function expectRel(actual: number, expected: number, what: string, rtol = 1e-6) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected) + 1e-12);
}

function randomScores(n: number, seed: number): { y: Uint8Array; p: Float32Array } {
  const rng = seededRng(seed);
  const y = new Uint8Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng() < 0.45 ? 1 : 0;
    p[i] = Math.min(1, Math.max(0, (y[i] ? 0.7 : 0.3) + (rng() - 0.5)));
  }
  return { y, p };
}

describe.skipIf(!hasOracle)(`metricSet against scikit-learn 1.2 (${hasOracle ? 'oracle present' : SKIP_REASON})`, () => {
  const cases = hasOracle ? (JSON.parse(readFileSync(ORACLE, 'utf8')) as { cases: MetricsCase[] }).cases : [];

  it.each(cases.map((c) => [c.name, c] as const))('%s: confusion counts and every metric to 1e-6', (_, c) => {
    const y = Uint8Array.from(c.y_true);
    const m = metricSet(y, c.y_score, c.threshold);
    expect(m.confusion).toEqual(c.confusion);
    expect(m.falseEdible).toBe(c.confusion.fn);
    for (const [oracleName, field] of Object.entries(FIELDS)) expectRel(m[field], c[oracleName] as number, `${c.name} ${oracleName}`);
    // evaluate()'s atHalf uses decide()'s comparison; on real scores it must equal the plain p ≥ 0.5 cut.
    expect(evaluate(y, c.y_score, chooseSafetyThreshold(y, c.y_score)).atHalf).toEqual(m);
  });
});

describe('metricSet', () => {
  it('predicts poisonous at exactly the threshold (P(poisonous) ≥ t)', () => {
    const m = metricSet(labels(1, 0), [0.5, 0.5]);
    expect(m.confusion).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });

  it('defines 0/0 like sklearn with no poisonous rows: precision, recall, F1, MCC 0; AP 0; ROC AUC NaN', () => {
    const m = metricSet(labels(0, 0, 0), [0.1, 0.2, 0.7]);
    expect(m.confusion).toEqual({ tp: 0, fp: 1, tn: 2, fn: 0 });
    expect([m.precision, m.recall, m.f1, m.mcc, m.averagePrecision]).toEqual([0, 0, 0, 0, 0]);
    expect(m.balancedAccuracy).toBeCloseTo(2 / 3, 12); // the recall of the one class present
    expect(m.rocAuc).toBeNaN();
  });

  it('gives MCC 0 and balanced accuracy = recall with only poisonous rows', () => {
    const m = metricSet(labels(1, 1, 1), [0.9, 0.8, 0.3]);
    expect(m.mcc).toBe(0);
    expect(m.balancedAccuracy).toBeCloseTo(2 / 3, 12);
    expect(m.averagePrecision).toBe(1);
  });

  // Expected values: sklearn.metrics.log_loss(y, np.array(p, dtype=np.float64)) and
  // log_loss(y, np.array(p, dtype=np.float32)), scikit-learn 1.2.1 (eps='auto': the dtype's machine
  // epsilon, 2.220446049250313e-16 and 1.1920929e-07), printed with repr().
  it.each([
    ['a saturated miss and a coin flip', [1, 0], [0, 0.5], 18.36840028483855, 8.317766166719343],
    ['two saturated misses', [1, 0], [0, 1], 36.04365338911715, 15.942385152878742],
    ['two saturated hits', [1, 0], [1, 0], 2.2204460492503136e-16, 1.1920929665620916e-7],
    ['scores beyond ε of 0 and 1', [0, 1], [1e-20, 1 - 1e-17], 2.2204460492503136e-16, 1.1920929665620916e-7],
    ['scores inside float32 ε of 0 and 1', [1, 0, 1], [0.99999994, 0.99999994, 5e-8], 11.146721388922977, 10.628256808322261],
    ['a mix', [0, 1, 1, 0], [0.1, 0.7, 1e-9, 0.999], 7.023264143881277, 5.828047202416109],
    ['no clipping (float32 only rounds the scores)', [1, 0, 1, 0, 1], [0.3, 0.2, 0.9, 0.6, 0.45], 0.6494550598779798, 0.6494550714677725],
  ])('log loss as sklearn 1.2, clipped at the dtype’s ε: %s', (_, y, p, float64, float32) => {
    const yy = labels(...y);
    // Relative only: some expected losses are 2e-16, far below expectRel's absolute floor.
    const expectLoss = (actual: number, expected: number, what: string) =>
      expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * expected);
    expectLoss(metricSet(yy, p).logLoss, float64, 'number[] (float64)');
    expectLoss(metricSet(yy, Float64Array.from(p)).logLoss, float64, 'Float64Array');
    expectLoss(metricSet(yy, Float32Array.from(p)).logLoss, float32, 'Float32Array (float32)');
  });

  it('log loss of saturated scores stays finite; Brier is unaffected by the clip', () => {
    const m = metricSet(labels(1, 0), [0, 1]);
    expect(m.logLoss).toBe(-Math.log(2 ** -52)); // each row −ln(2⁻⁵²) = 36.04
    expect(metricSet(labels(1, 0), Float32Array.from([0, 1])).logLoss).toBe(-Math.log(2 ** -23)); // 15.94
    expect(m.brier).toBe(1);
  });

  it('counts tied scores half in ROC AUC (Mann–Whitney)', () => {
    // Pairs (poisonous, edible): 0.9>0.5, 0.9>0.2, 0.5=0.5 (½), 0.5>0.2 → 3.5 / 4.
    expect(metricSet(labels(0, 1, 0, 1), [0.5, 0.5, 0.2, 0.9]).rocAuc).toBe(0.875);
  });

  it.each([
    ['mismatched lengths', () => metricSet(labels(1, 0), [0.5])],
    ['no rows', () => metricSet(labels(), [])],
    ['a label other than 0/1', () => metricSet(labels(2), [0.5])],
    ['a NaN score', () => metricSet(labels(1), [NaN])],
    ['a score above 1', () => metricSet(labels(1), [1.5])],
    ['zero calibration bins', () => calibrationCurve(labels(1), [0.5], 0)],
  ])('rejects %s with invalid-argument', (_, f) => {
    expect(f).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});

describe('curves (hand-computed)', () => {
  // sklearn's documented example: roc_curve and precision_recall_curve of these four rows.
  const y = labels(0, 0, 1, 1);
  const p = [0.1, 0.4, 0.35, 0.8];

  it('ROC runs from (0, 0) to (1, 1) through one point per distinct score', () => {
    expect(rocCurve(y, p)).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1] });
    expect(metricSet(y, p).rocAuc).toBe(0.75);
  });

  it('PR rises in recall from (0, 1) down to the share of poisonous rows at full recall', () => {
    expect(prCurve(y, p)).toEqual({ recall: [0, 0.5, 0.5, 1, 1], precision: [1, 1, 0.5, 2 / 3, 0.5] });
    expect(metricSet(y, p).averagePrecision).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });

  // sklearn 1.2's precision_recall_curve(y, p) returns (precision, recall, thresholds) in order of
  // falling recall, ending at (recall 0, precision 1); ours is the same points in rising order.
  const sklearnPr = (precision: number[], recall: number[]) => ({ recall: [...recall].reverse(), precision: [...precision].reverse() });

  // Expected values: sklearn.metrics.precision_recall_curve(y, p)[:2] and average_precision_score(y, p),
  // scikit-learn 1.2.1, printed with repr().
  it.each([
    // No poisonous rows: sklearn warns and sets recall to 1 at every threshold, but still ends at recall 0.
    // average_precision_score gives -0.0 (with the same warning): 0.
    ['no poisonous rows', [0, 0, 0], [0.1, 0.2, 0.7], [0, 0, 0, 1], [1, 1, 1, 0], 0],
    ['no poisonous rows, tied scores', [0, 0, 0, 0], [0.3, 0.3, 0.9, 0.1], [0, 0, 0, 1], [1, 1, 1, 0], 0],
    ['no poisonous rows, one score', [0, 0], [0.5, 0.5], [0, 1], [1, 0], 0],
    ['the documented example', [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.5, 0.6666666666666666, 0.5, 1, 1], [1, 1, 0.5, 0.5, 0], 0.8333333333333333],
    ['a tie across the classes', [0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9], [0.5, 0.6666666666666666, 1, 1], [1, 1, 0.5, 0], 0.8333333333333333],
    [
      'several ties, the strictest score edible',
      [1, 0, 1, 0, 1, 0, 0],
      [0.7, 0.7, 0.4, 0.4, 0.4, 0.2, 0.9],
      [0.42857142857142855, 0.5, 0.3333333333333333, 0, 1],
      [1, 1, 0.3333333333333333, 0, 0],
      0.4444444444444445,
    ],
    ['only poisonous rows', [1, 1, 1], [0.9, 0.8, 0.3], [1, 1, 1, 1], [1, 0.6666666666666666, 0.3333333333333333, 0], 1],
    ['every score tied', [1, 1, 0, 0, 1], [0.6, 0.6, 0.6, 0.6, 0.6], [0.6, 1], [1, 0], 0.6],
  ])('PR curve and average precision as sklearn 1.2: %s', (_, y, p, precision, recall, ap) => {
    const yy = labels(...y);
    expect(prCurve(yy, p)).toEqual(sklearnPr(precision, recall));
    expect(evaluate(yy, p, chooseSafetyThreshold(yy, p)).curves.pr).toEqual(sklearnPr(precision, recall));
    expectRel(metricSet(yy, p).averagePrecision, ap, 'average precision', 1e-12);
  });

  // Expected values: sklearn.metrics.roc_curve(y, p)[:2], scikit-learn 1.2.1.
  it('ROC moves diagonally through tied scores and drops middle points of equal steps, never the first', () => {
    expect(rocCurve(labels(0, 1, 0, 1), [0.5, 0.5, 0.2, 0.9])).toEqual({ fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1] });
    // (0, 2/3) goes (two equal steps around it); (0, 1/3), sklearn's first threshold, stays.
    expect(rocCurve(labels(1, 1, 1, 0), [0.9, 0.8, 0.7, 0.1])).toEqual({ fpr: [0, 0, 0, 1], tpr: [0, 1 / 3, 1, 1] });
  });

  // Expected values: sklearn.metrics.roc_curve(y, p)[:2] (drop_intermediate=True), precision_recall_curve(y, p)[:2],
  // roc_auc_score(y, p) and average_precision_score(y, p), scikit-learn 1.2.1, printed with repr().
  // roc_curve's NaN rates for a class with no rows are 0 here; roc_auc_score raises there, NaN here.
  it.each([
    ['perfect separation, two scores (a pure tree)', [1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0], [0, 0, 1], [0, 1, 1], [0.5, 1, 1], [1, 1, 0], 1, 1],
    [
      'perfect separation, graded scores',
      [1, 1, 0, 0, 1, 0],
      [0.9, 0.8, 0.1, 0.3, 0.7, 0.2],
      [0, 0, 0, 1],
      [0, 0.3333333333333333, 1, 1],
      [0.5, 0.6, 0.75, 1, 1, 1, 1],
      [1, 1, 1, 1, 0.6666666666666666, 0.3333333333333333, 0],
      1,
      1,
    ],
    [
      'tree leaves: few scores, each shared by both classes',
      [1, 1, 1, 0, 0, 0, 1, 0, 1, 0],
      [0.9, 0.9, 0.9, 0.9, 0.2, 0.2, 0.6, 0.6, 0.6, 0],
      [0, 0.2, 0.4, 0.8, 1],
      [0, 0.6, 1, 1, 1],
      [0.5, 0.5555555555555556, 0.7142857142857143, 0.75, 1],
      [1, 1, 1, 0.6, 0],
      0.8200000000000001,
      0.7357142857142858,
    ],
    [
      'a vertical run of unequal steps (sklearn keeps the collinear corner)',
      [1, 1, 1, 1, 0, 1, 0],
      [0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.1],
      [0, 0, 0, 0.5, 0.5, 1],
      [0, 0.2, 0.8, 0.8, 1, 1],
      [0.7142857142857143, 0.8333333333333334, 0.8, 1, 1, 1],
      [1, 1, 0.8, 0.8, 0.2, 0],
      0.9,
      0.9666666666666668,
    ],
    [
      'alternating classes, equal steps',
      [1, 0, 1, 0, 1, 0],
      [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
      [0, 0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 0.6666666666666666, 1],
      [0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 0.6666666666666666, 1, 1],
      [0.5, 0.6, 0.5, 0.6666666666666666, 0.5, 1, 1],
      [1, 1, 0.6666666666666666, 0.6666666666666666, 0.3333333333333333, 0.3333333333333333, 0],
      0.6666666666666667,
      0.7555555555555555,
    ],
    ['every score tied', [1, 1, 0, 0, 1], [0.6, 0.6, 0.6, 0.6, 0.6], [0, 1], [0, 1], [0.6, 1], [1, 0], 0.5, 0.6],
    [
      'only poisonous rows (sklearn: fpr NaN)',
      [1, 1, 1],
      [0.9, 0.8, 0.3],
      [0, 0, 0],
      [0, 0.3333333333333333, 1],
      [1, 1, 1, 1],
      [1, 0.6666666666666666, 0.3333333333333333, 0],
      NaN,
      1,
    ],
    ['only edible rows (sklearn: tpr NaN, AP −0.0)', [0, 0, 0], [0.1, 0.2, 0.7], [0, 0.3333333333333333, 1], [0, 0, 0], [0, 0, 0, 1], [1, 1, 1, 0], NaN, 0],
  ])('ROC and PR points, AUC and AP as sklearn 1.2: %s', (_, y, p, fpr, tpr, precision, recall, auc, ap) => {
    const yy = labels(...y);
    const e = evaluate(yy, p, chooseSafetyThreshold(yy, p));
    expect(rocCurve(yy, p)).toEqual({ fpr, tpr });
    expect(e.curves.roc).toEqual({ fpr, tpr });
    expect(prCurve(yy, p)).toEqual(sklearnPr(precision, recall));
    expect(e.curves.pr).toEqual(sklearnPr(precision, recall));
    if (Number.isNaN(auc)) expect(e.atHalf.rocAuc).toBeNaN();
    else expectRel(e.atHalf.rocAuc, auc, 'ROC AUC', 1e-12);
    expectRel(e.atHalf.averagePrecision, ap, 'average precision', 1e-12);
  });

  it('ROC AUC is the trapezoid area and AP the step sum of the stored points, none thinned', () => {
    const { y: yy, p: pp } = randomScores(20_000, 3);
    const e = evaluate(yy, pp, chooseSafetyThreshold(yy, pp));
    const { roc, pr } = e.curves;
    expect(pr.recall.length).toBe(new Set(pp).size + 1); // one point per distinct score, after (0, 1)
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    let area = 0;
    for (let k = 1; k < roc.fpr.length; k++) area += ((roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1])) / 2;
    let ap = 0;
    for (let k = 1; k < pr.recall.length; k++) ap += (pr.recall[k] - pr.recall[k - 1]) * pr.precision[k];
    expectRel(area, e.atHalf.rocAuc, 'trapezoid area vs ROC AUC', 1e-12);
    expectRel(ap, e.atHalf.averagePrecision, 'step sum vs AP', 1e-12);
  });

  it('calibration bins are (edge, next edge] as sklearn (numpy edges: 3 × 0.1 > 0.3), empty bins dropped', () => {
    const c = calibrationCurve(labels(0, 1, 0, 1, 1, 0, 1), [0.05, 0.1, 0.0, 0.15, 0.95, 1.0, 0.3]);
    expect(c.count).toEqual([3, 1, 1, 2]);
    expect(c.observed).toEqual([1 / 3, 1, 1, 0.5]);
    [0.05, 0.15, 0.3, 0.975].forEach((v, i) => expect(c.predicted[i]).toBeCloseTo(v, 12));
    expect(calibrationCurve(labels(1, 0), [0.2, 0.9], 2)).toEqual({ predicted: [0.2, 0.9], observed: [1, 0], count: [1, 1] });
  });
});

describe('evaluate', () => {
  it('counts at the safety threshold exactly what decide() would say, the uncertain band as poisonous', () => {
    const val = randomScores(3000, 5);
    const test = randomScores(4000, 6);
    const safety = chooseSafetyThreshold(val.y, val.p);
    const e = evaluate(test.y, test.p, safety);
    const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
    for (let i = 0; i < test.y.length; i++) {
      const poisonous = decide(test.p[i], safety) !== 'edible';
      counts[poisonous ? (test.y[i] ? 'tp' : 'fp') : test.y[i] ? 'fn' : 'tn']++;
    }
    expect(e.atSafety.confusion).toEqual(counts);
    expect(e.atSafety.threshold).toBeCloseTo(1 - safety.edibleAbove, 12);
    expect(e.atSafety.falseEdible).toBeLessThanOrEqual(e.atHalf.falseEdible);
    expect(e.rows).toBe(4000);
    // Threshold-free metrics do not depend on the cut.
    expect(e.atSafety.rocAuc).toBe(e.atHalf.rocAuc);
    expect(e.atHalf).toEqual(metricSet(test.y, test.p, 0.5));
  });

  it('calls a row sitting exactly on edibleAbove poisonous', () => {
    const safety = chooseSafetyThreshold(labels(1, 0), [0.25, 0.1]); // edibleAbove = 0.75
    const e = evaluate(labels(1, 0, 0), [0.25, 0.25, 0.1], safety);
    expect(e.atSafety.confusion).toEqual({ tp: 1, fp: 1, tn: 1, fn: 0 });
    expect(e.atHalf.confusion).toEqual({ tp: 0, fp: 0, tn: 2, fn: 1 });
    expect(e.curves.calibration.count.reduce((a, b) => a + b)).toBe(3);
  });
});
