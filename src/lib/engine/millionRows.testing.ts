/**
 * Test-only: the engine's data paths on a million rows, each check with its answer worked out
 * independently (closed forms, or one plain loop). millionRows.test.ts runs every check in a
 * worker thread with a small stack, where a spread of a data-sized array (push(...x),
 * Math.max(...x)) throws as it does in a browser worker; plain asserts, since no test runner lives there.
 */
import assert from 'node:assert/strict';
import type { Dataset } from './data/dataset';
import { MISSING_CODE } from './data/dataset';
import type { WorkspaceSchema } from './data/schema';
import type { SafetyThreshold } from './ml/bundle';
import { conformalRank } from './ml/conformal';
import { matrix } from './ml/matrix';
import { calibrationCurve, evaluate, metricSet, prCurve, rocCurve } from './ml/metrics';
import { fitPca } from './ml/pca';
import { Preprocessor } from './ml/preprocess';
import { concatDatasets, DEFAULT_SPLIT, stratifiedFolds, stratifiedHoldout, stratifiedSplit, takeDatasetRows } from './ml/split';
import { chooseSafetyThreshold } from './ml/threshold';
import { summariseColumn, summariseReference } from './monitor/columnSummary';
import { driftReport } from './monitor/datasetDrift';
import { DRIFT_TESTS } from './monitor/driftTests';
import { miniDistribution } from './monitor/miniDistribution';
import { PROJECT_BLOCK_ROWS, projectColumns, projectRows } from './monitor/projection';
import { equalWidthEdges, histogramCounts, sturgesEdges } from './stats/histogram';
import { ksTwoSample } from './stats/kolmogorovSmirnov';
import { wassersteinDistance } from './stats/wasserstein';

export const N = 1_000_000;

const close = (actual: number, expected: number, what: string, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

/** Poisonous on every third row: 333,334 poisonous, 666,666 edible. */
const labels = () => Uint8Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));

function splitCheck(): string {
  const y = labels();
  const poisonous = Math.ceil(N / 3);
  const parts = stratifiedSplit(y, DEFAULT_SPLIT, 7);
  // Each class cut on its own: round(n × 0.15) to test and to validation, the rest to training.
  const cut = (n: number) => ({ test: Math.round(n * 0.15), validation: Math.round(n * 0.15) });
  const [p, e] = [cut(poisonous), cut(N - poisonous)];
  assert.equal(parts.test.length, p.test + e.test);
  assert.equal(parts.validation.length, p.validation + e.validation);
  assert.equal(parts.train.length, N - parts.test.length - parts.validation.length);
  const seen = new Uint8Array(N);
  for (const [name, idx] of Object.entries(parts) as [string, Uint32Array][]) {
    let inClass = 0;
    for (let k = 0; k < idx.length; k++) {
      assert.ok(k === 0 || idx[k] > idx[k - 1], `${name} indices sorted and distinct`);
      seen[idx[k]]++;
      inClass += y[idx[k]];
    }
    const expected = name === 'train' ? poisonous - p.test - p.validation : p[name as 'test' | 'validation'];
    assert.equal(inClass, expected, `poisonous rows in ${name}`);
  }
  assert.ok(
    seen.every((s) => s === 1),
    'every row in exactly one part',
  );

  const folds = stratifiedFolds(y, 5, 7);
  const perFold = new Array(5).fill(0);
  for (let i = 0; i < N; i++) perFold[folds[i]]++;
  // Each class dealt round-robin from fold 0: fold f holds ⌊n/5⌋ of it, plus one while f < n mod 5.
  const dealt = (n: number, f: number) => Math.floor(n / 5) + (f < n % 5 ? 1 : 0);
  assert.deepEqual(
    perFold,
    [0, 1, 2, 3, 4].map((f) => dealt(poisonous, f) + dealt(N - poisonous, f)),
  );
  const { kept, held } = stratifiedHoldout(y, 0.2, 7);
  assert.equal(held.length, Math.round(poisonous * 0.2) + Math.round((N - poisonous) * 0.2));
  assert.equal(kept.length + held.length, N);

  const ds: Dataset = { rows: N, label: y, columns: [{ name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i) }] };
  const train = takeDatasetRows(ds, parts.train);
  assert.equal(train.columns[0].values[12_345], parts.train[12_345]);
  const both = concatDatasets(train, takeDatasetRows(ds, parts.test));
  assert.equal(both.rows, parts.train.length + parts.test.length);
  assert.equal(both.columns[0].values[both.rows - 1], parts.test[parts.test.length - 1]);
  return `split ${parts.train.length}/${parts.validation.length}/${parts.test.length}`;
}

const ENCODE_SCHEMA: WorkspaceSchema = {
  id: 'custom-million',
  name: 'A million rows',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    { name: 'width', label: 'Width', kind: 'numeric' },
    { name: 'height', label: 'Height', kind: 'numeric' },
    {
      name: 'colour',
      label: 'Colour',
      kind: 'categorical',
      codes: [
        { code: 'r', label: 'red' },
        { code: 'b', label: 'blue' },
        { code: 'g', label: 'green' },
        { code: 'w', label: 'white' },
      ],
    },
  ],
};

/** width = i mod 1000 (no gaps); height = i mod 1000 on odd rows, missing on even; colour r/b/g by i mod 3, missing when i mod 7 = 6. */
function encodeData(colour: (i: number) => number): Dataset {
  return {
    rows: N,
    label: labels(),
    columns: [
      { name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i % 1000) },
      { name: 'height', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => (i % 2 === 0 ? NaN : i % 1000)) },
      { name: 'colour', kind: 'categorical', values: Uint8Array.from({ length: N }, (_, i) => colour(i)) },
    ],
  };
}

function encodeCheck(): string {
  const trainColour = (i: number) => (i % 7 === 6 ? MISSING_CODE : i % 3);
  const pre = Preprocessor.fit(ENCODE_SCHEMA, encodeData(trainColour));
  assert.deepEqual(pre.featureNames, ['width', 'height', 'colour=r', 'colour=b', 'colour=g', 'colour=missing']);
  // width: 0…999 a thousand times each → mean 499.5, population std √((1000² − 1) / 12).
  const widthStd = Math.sqrt((1000 ** 2 - 1) / 12);
  // height: odd values 1…999 → median 500; the 500,000 gaps take it: mean 500 and variance half of the odd values' (1000² − 4) / 12.
  const heightStd = Math.sqrt((1000 ** 2 - 4) / 12 / 2);
  // A new window where every fourth row is white, a colour training never saw.
  const enc = pre.transform(encodeData((i) => (i % 4 === 3 ? 3 : trainColour(i))));
  assert.equal(enc.x.rows, N);
  assert.equal(enc.x.cols, 6);
  assert.equal(enc.unknown.length, N / 4);
  assert.deepEqual(enc.unknown[0], { row: 3, column: 'colour', code: 'w' });
  for (const i of [0, 1, 2, 3, 6, 999_999]) {
    const row = Array.from(enc.x.data.subarray(i * 6, i * 6 + 6));
    close(row[0], Math.fround(((i % 1000) - 499.5) / widthStd), `width of row ${i}`, 1e-6);
    close(row[1], Math.fround(((i % 2 === 0 ? 500 : i % 1000) - 500) / heightStd), `height of row ${i}`, 1e-6);
    const hot = [0, 0, 0, 0];
    if (i % 4 !== 3) hot[trainColour(i) === MISSING_CODE ? 3 : trainColour(i)] = 1;
    assert.deepEqual(row.slice(2), hot, `one-hot colour of row ${i}`);
    assert.equal(enc.unknownPerRow[i], i % 4 === 3 ? 1 : 0);
  }
  return `encoded ${N} × ${enc.x.cols}, ${enc.unknown.length} unknown`;
}

function pcaCheck(): string {
  // Row i = 1000q + r: columns (r, 2r, q, 7). r and q sweep a full grid, so they are uncorrelated with
  // the same variance v; the covariance has eigenvalues 5v, v, 0, 0 with directions (1, 2, 0, 0)/√5 and (0, 0, 1, 0).
  const x = matrix(N, 4);
  for (let i = 0; i < N; i++) {
    x.data[i * 4] = i % 1000;
    x.data[i * 4 + 1] = 2 * (i % 1000);
    x.data[i * 4 + 2] = Math.floor(i / 1000);
    x.data[i * 4 + 3] = 7;
  }
  const pca = fitPca(x, 2);
  const v = ((1000 ** 2 - 1) / 12) * (N / (N - 1)); // sample variance (n − 1) of 0…999 repeated
  close(pca.explainedVariance[0], 5 * v, 'first eigenvalue', 1e-9);
  close(pca.explainedVariance[1], v, 'second eigenvalue', 1e-9);
  close(pca.explainedVarianceRatio[0], 5 / 6, 'first ratio', 1e-9);
  [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0, 0].forEach((c, j) => close(pca.components[0][j], c, `first component [${j}]`, 1e-9));
  [0, 0, 1, 0].forEach((c, j) => close(pca.components[1][j], c, `second component [${j}]`, 1e-9));
  assert.deepEqual(pca.mean, [499.5, 999, 499.5, 7]);
  return `pca ratios ${pca.explainedVarianceRatio.map((r) => r.toFixed(4)).join(', ')}`;
}

/**
 * A million-row window projected on a PCA a block at a time (the Monitor's map and reconstruction
 * error): rows on both sides of a block edge, and the last, as projecting that row alone gives.
 */
function projectionCheck(): string {
  const colour = (i: number) => (i % 7 === 6 ? MISSING_CODE : i % 3);
  const window = encodeData(colour);
  const pre = Preprocessor.fit(ENCODE_SCHEMA, window);
  const sample = takeDatasetRows(
    window,
    Uint32Array.from({ length: 5000 }, (_, i) => i * 199),
  );
  const pca = fitPca(pre.transform(sample).x, 2);
  const { pcs, k, reconstruction } = projectColumns(pre, pca, window.columns, N);
  assert.equal(k, 2);
  assert.equal(pcs.length, N * 2);
  assert.equal(reconstruction.length, N);
  for (const i of [0, PROJECT_BLOCK_ROWS - 1, PROJECT_BLOCK_ROWS, 3 * PROJECT_BLOCK_ROWS + 5, N - 1]) {
    const alone = projectRows(pca, pre.transform(takeDatasetRows(window, Uint32Array.of(i))).x);
    assert.deepEqual([pcs[2 * i], pcs[2 * i + 1]], Array.from(alone.pcs), `PC scores of row ${i}`);
    assert.equal(reconstruction[i], alone.reconstruction[0], `reconstruction error of row ${i}`);
  }
  return `projected ${N} rows in blocks of ${PROJECT_BLOCK_ROWS}`;
}

/** Scores (i + 0.5) / N, all distinct and rising with i; labels that favour high scores without separating them. */
function scored(): { y: Uint8Array; p: Float64Array } {
  const p = Float64Array.from({ length: N }, (_, i) => (i + 0.5) / N);
  const y = Uint8Array.from({ length: N }, (_, i) => (i % 3 === 0 || (i >= N / 2 && i % 3 === 1) ? 1 : 0));
  return { y, p };
}

function metricsCheck(): string {
  const { y, p } = scored();
  // Oracles by plain loops: Mann–Whitney for ROC AUC (the rank of row i is i + 1), and AP as the mean
  // precision at each poisonous row, walking from the highest score down.
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < N; i++) {
    if (!y[i]) continue;
    positives++;
    rankSum += i + 1;
  }
  const negatives = N - positives;
  const auc = (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
  let ap = 0;
  for (let i = N - 1, tp = 0; i >= 0; i--) if (y[i]) ap += ++tp / (N - i);
  ap /= positives;
  let tp = 0;
  let fp = 0;
  let brier = 0;
  let logLoss = 0;
  for (let i = 0; i < N; i++) {
    if (p[i] >= 0.5 && y[i]) tp++;
    if (p[i] >= 0.5 && !y[i]) fp++;
    brier += (p[i] - y[i]) ** 2;
    logLoss -= Math.log(y[i] ? p[i] : 1 - p[i]);
  }
  const m = metricSet(y, p);
  assert.deepEqual(m.confusion, { tp, fp, tn: negatives - fp, fn: positives - tp });
  close(m.rocAuc, auc, 'ROC AUC');
  close(m.averagePrecision, ap, 'average precision');
  close(m.brier, brier / N, 'Brier score');
  close(m.logLoss, logLoss / N, 'log loss', 1e-7);

  const roc = rocCurve(y, p);
  let area = 0;
  for (let k = 1; k < roc.fpr.length; k++) area += ((roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1])) / 2;
  close(area, auc, 'area under the returned ROC points');
  assert.deepEqual([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)], [0, 0, 1, 1]);
  const pr = prCurve(y, p);
  assert.equal(pr.recall.length, N + 1, 'one PR point per distinct score, after (0, 1)');
  close(pr.precision.at(-1)!, positives / N, 'precision at the loosest threshold');

  // Ten bins of 100,000 rows each: predicted = the bin's mean score, observed = its poisonous share.
  const cal = calibrationCurve(y, p);
  assert.deepEqual(cal.count, new Array(10).fill(N / 10));
  for (let b = 0; b < 10; b++) {
    let pos = 0;
    for (let i = b * (N / 10); i < (b + 1) * (N / 10); i++) pos += y[i];
    close(cal.predicted[b], (b + 0.5) / 10, `calibration bin ${b} predicted`);
    close(cal.observed[b], pos / (N / 10), `calibration bin ${b} observed`);
  }

  const safety: SafetyThreshold = { edibleAbove: 0.9, validation: { poisonous: 0, edible: 0, falseEdible: 0, edibleCalledEdible: 0 } };
  const ev = evaluate(y, p, safety);
  let falseEdible = 0;
  for (let i = 0; i < N; i++) if (y[i] && 1 - p[i] > 0.9) falseEdible++;
  assert.equal(ev.atSafety.falseEdible, falseEdible);
  assert.equal(ev.rows, N);
  return `AUC ${auc.toFixed(6)}, AP ${ap.toFixed(6)}, ${roc.fpr.length} ROC points`;
}

function thresholdCheck(): string {
  const { y, p } = scored();
  let poisonous = 0;
  for (let i = 0; i < N; i++) poisonous += y[i];
  const { j } = conformalRank(poisonous, 0.01, 0.05);
  assert.ok(j !== null && j > 3000, `rank ${j}`);
  // P(edible) = 1 − p falls as i rises, so the j-th most edible-looking poisonous row is the j-th poisonous row from i = 0.
  let i = -1;
  for (let seen = 0; seen < j;) if (y[++i]) seen++;
  const t = chooseSafetyThreshold(y, p, { alpha: 0.01, delta: 0.05, floor: 0.5 });
  assert.equal(t.edibleAbove, 1 - p[i]);
  assert.deepEqual(t.guarantee, { alpha: 0.01, delta: 0.05, calibrationPoisonous: poisonous, allowedAbove: j - 1, stated: true });
  assert.equal(t.validation.falseEdible, j - 1);
  assert.equal(t.validation.poisonous, poisonous);
  return `conformal rank ${j} of ${poisonous}: edible above ${t.edibleAbove.toFixed(6)}`;
}

/** Categories with shares 5:3:2 (reference) or 4:4:2 (current), by i mod 10. */
const shares = (cut: [number, number]) => Uint8Array.from({ length: N }, (_, i) => (i % 10 < cut[0] ? 0 : i % 10 < cut[1] ? 1 : 2));

function driftCheck(): string {
  // Integers 0…N−1 against the same shifted by N/4: KS D = 1/4, W1 = N/4, both exact.
  const reference = summariseColumn({ name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i) });
  const shifted = summariseColumn({ name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i + N / 4) });
  if (reference.kind !== 'numeric' || shifted.kind !== 'numeric') throw new Error('numeric summaries expected');
  assert.equal(reference.sample.values.length, N);
  const ks = ksTwoSample(reference.sample, shifted.sample);
  close(ks.statistic, 0.25, 'KS statistic');
  assert.ok(ks.pvalue < 1e-12, `KS p = ${ks.pvalue}`);
  const same = ksTwoSample(reference.sample, reference.sample);
  assert.deepEqual([same.statistic, same.pvalue], [0, 1]);
  close(wassersteinDistance(reference.sample, shifted.sample), N / 4, 'Wasserstein distance');
  const w = DRIFT_TESTS.wasserstein.compute(reference, shifted)!;
  close(w.score, N / 4 / Math.sqrt((N ** 2 - 1) / 12), 'normed Wasserstein');
  close(DRIFT_TESTS.psi.compute(reference, reference)!.score, 0, 'PSI of a window against itself');

  const tenths = histogramCounts(reference.sample, equalWidthEdges(0, N, 10));
  assert.deepEqual(tenths, new Array(10).fill(N / 10));
  const edges = sturgesEdges(reference.sample, shifted.sample);
  // Sturges on the pooled 2,000,000 values: ⌈log2(2·10⁶) + 1⌉ = 22 bins over [0, N − 1 + N/4].
  assert.deepEqual([edges.length - 1, edges[0], edges.at(-1)], [22, 0, N - 1 + N / 4]);
  assert.equal(
    histogramCounts(shifted.sample, edges).reduce((a, b) => a + b, 0),
    N,
  );

  // Categorical: closed forms on the shares r = (.5, .3, .2), c = (.4, .4, .2).
  const r = [0.5, 0.3, 0.2];
  const c = [0.4, 0.4, 0.2];
  const ref = summariseColumn({ name: 'colour', kind: 'categorical', values: shares([5, 8]) });
  const cur = summariseColumn({ name: 'colour', kind: 'categorical', values: shares([4, 8]) });
  let psi = 0;
  let js = 0;
  for (let k = 0; k < 3; k++) {
    psi += (r[k] - c[k]) * Math.log(r[k] / c[k]);
    const m = (r[k] + c[k]) / 2;
    js += (r[k] * Math.log(r[k] / m) + c[k] * Math.log(c[k] / m)) / 2;
  }
  close(DRIFT_TESTS.psi.compute(ref, cur)!.score, psi, 'PSI');
  close(DRIFT_TESTS.jensenshannon.compute(ref, cur)!.score, Math.sqrt(js), 'Jensen–Shannon distance');
  // Goodness of fit: current counts against the reference shares scaled to N.
  const chi = (0.4 * N - 0.5 * N) ** 2 / (0.5 * N) + (0.4 * N - 0.3 * N) ** 2 / (0.3 * N);
  close(DRIFT_TESTS.chisquare.compute(ref, cur)!.statistic!, chi, 'chi-square statistic');

  // The whole report: the shifted numeric column drifts, the unchanged categorical one does not.
  const refColumns: Dataset['columns'] = [
    { name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i) },
    { name: 'colour', kind: 'categorical', values: shares([5, 8]) },
  ];
  const report = driftReport(summariseReference({ rows: N, columns: refColumns }), [
    { name: 'width', kind: 'numeric', values: Float64Array.from({ length: N }, (_, i) => i + N / 4) },
    { name: 'colour', kind: 'categorical', values: shares([5, 8]) },
  ]);
  const byName = Object.fromEntries(report.columns.map((col) => [col.feature, col]));
  assert.equal(byName.width.drifted, true);
  assert.equal(byName.width.test, 'wasserstein');
  assert.equal(byName.colour.drifted, false);
  close(byName.colour.score!, 0, 'Jensen–Shannon of an unchanged column');
  const mini = miniDistribution(reference, shifted);
  assert.equal(mini.kind, 'histogram');
  close(
    mini.reference.reduce((a, b) => a + b, 0),
    1,
    'reference shares of the mini histogram',
  );
  return `KS D ${ks.statistic}, PSI ${psi.toFixed(5)}, χ² ${chi.toFixed(1)}`;
}

/** A spread of N arguments, which must throw where the checks run: proof that the stack is small enough to catch one. */
function spreadCanary(): string {
  const values = new Array<number>(N).fill(1);
  try {
    // eslint-disable-next-line no-restricted-syntax -- the one spread this file needs: it must overflow
    Math.max(...values);
  } catch (e) {
    assert.ok(e instanceof RangeError, `expected a RangeError, got ${String(e)}`);
    return 'a spread of a million arguments overflows here';
  }
  throw new Error('A spread of a million arguments did not overflow: the stack is too large for these checks to catch one.');
}

export const MILLION_ROW_CHECKS = {
  spreadCanary,
  split: splitCheck,
  encode: encodeCheck,
  pca: pcaCheck,
  metrics: metricsCheck,
  threshold: thresholdCheck,
  drift: driftCheck,
  projection: projectionCheck,
} satisfies Record<string, () => string>;

export type MillionRowCheck = keyof typeof MILLION_ROW_CHECKS;
