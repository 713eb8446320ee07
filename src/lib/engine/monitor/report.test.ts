import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import type { Matrix } from '../ml/matrix';
import { fitPca } from '../ml/pca';
import { Preprocessor } from '../ml/preprocess';
import { seededRng } from '../ml/rng';
import { calledEdible } from '../ml/threshold';
import { profileDataset } from '../data/profile';
import { twoProportionZTest } from '../stats/proportions';
import { estimateAccuracy, estimateShownAccuracy } from './estimatedAccuracy';
import { CHUNK_ROWS, referenceFromData, referenceFromProfile, type MonitorReference } from './reference';
import { buildMonitorReport, reconstructionBand, REPORT_FORMAT, type HistoryRows, type MonitorInput, type ProductionRows } from './report';
import { NO_FEEDBACK } from '../data/dataset';
import { quality } from './quality';
import { explicitReconstructionError } from './reconstruction.testing';

const T0 = Date.UTC(2025, 5, 1, 9, 0);
const MINUTE = 60_000;
const EDIBLE_ABOVE = 0.9;

describe('quality', () => {
  // calledEdible 0 is "poisonous" or "uncertain": both count as called poisonous.
  const rows = {
    calledEdible: Uint8Array.of(0, 0, 1, 1, 1, 0, 1, 0, 0, 0),
    feedback: Uint8Array.of(1, 1, 1, 0, 0, 0, NO_FEEDBACK, NO_FEEDBACK, 1, 0),
  };

  it('scores the shown decisions against feedback, poisonous as the positive class, skipping rows without feedback', () => {
    // tp: rows 0, 1, 8; fn: row 2; tn: rows 3, 4; fp: rows 5, 9; rows 6 and 7 have no feedback.
    const q = quality(rows, 0, 10)!;
    expect(q.labelled).toBe(8);
    expect(q.accuracy).toBeCloseTo(5 / 8, 12);
    expect(q.precision).toBeCloseTo(3 / 5, 12);
    expect(q.recall).toBeCloseTo(3 / 4, 12);
    expect(q.f1).toBeCloseTo(2 / 3, 12);
    expect(q.balancedAccuracy).toBeCloseTo((3 / 4 + 2 / 4) / 2, 12);
    expect(q.poisonousCalledEdible).toBe(1);
  });

  it('looks at rows [start, end) only, and is null when none of them has feedback', () => {
    expect(quality(rows, 2, 5)).toMatchObject({ labelled: 3, accuracy: 2 / 3, poisonousCalledEdible: 1 });
    expect(quality(rows, 6, 8)).toBeNull();
    expect(quality(rows, 3, 3)).toBeNull();
  });

  it('gives the recall of the only class present as balanced accuracy', () => {
    const poisonousOnly = quality({ calledEdible: Uint8Array.of(0, 0, 0, 1), feedback: Uint8Array.of(1, 1, 1, 1) }, 0, 4)!;
    expect(poisonousOnly).toMatchObject({ labelled: 4, accuracy: 0.75, precision: 1, recall: 0.75, balancedAccuracy: 0.75, poisonousCalledEdible: 1 });
    const edibleOnly = quality({ calledEdible: Uint8Array.of(1, 1, 0), feedback: Uint8Array.of(0, 0, 0) }, 0, 3)!;
    expect(edibleOnly).toMatchObject({ labelled: 3, precision: 0, recall: 0, f1: 0, poisonousCalledEdible: 0 });
    expect(edibleOnly.accuracy).toBeCloseTo(2 / 3, 12);
    expect(edibleOnly.balancedAccuracy).toBeCloseTo(2 / 3, 12);
  });
});

describe('reconstructionBand', () => {
  it('is the reference mean ± 3σ, σ scaled by √(CHUNK_ROWS / bucket rows), never below 0', () => {
    expect(CHUNK_ROWS).toBe(100);
    expect(reconstructionBand({ mean: 2, std: 0.5 }, 100)).toEqual({ mean: 2, lower: 0.5, upper: 3.5 });
    expect(reconstructionBand({ mean: 2, std: 0.5 }, 400)).toEqual({ mean: 2, lower: 1.25, upper: 2.75 });
    expect(reconstructionBand({ mean: 2, std: 0.5 }, 25)).toEqual({ mean: 2, lower: 0, upper: 5 });
  });
});

const schema: WorkspaceSchema = {
  id: 'custom-report',
  name: 'Report test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    {
      name: 'odor',
      label: 'Odour',
      kind: 'categorical',
      codes: [
        { code: 'f', label: 'foul' },
        { code: 'n', label: 'none' },
        { code: 's', label: 'spicy' },
        { code: 'a', label: 'almond' },
      ],
    },
    {
      name: 'ring',
      label: 'Ring type',
      kind: 'categorical',
      codes: [
        { code: 'n', label: 'none' },
        { code: 'p', label: 'pendant' },
        { code: 'e', label: 'evanescent' },
      ],
    },
    { name: 'width', label: 'Stem width', kind: 'numeric', unit: 'mm' },
    { name: 'height', label: 'Stem height', kind: 'numeric', unit: 'cm' },
  ],
};

/** Poisonous rows mostly foul, edible ones none, almond or spicy; width 1 mm wider when poisonous. */
function synthetic(rows: number, seed: number): Dataset {
  const rng = seededRng(seed);
  const label = new Uint8Array(rows);
  const odor = new Uint8Array(rows);
  const ring = new Uint8Array(rows);
  const width = new Float64Array(rows);
  const height = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    label[i] = rng() < 0.4 ? 1 : 0;
    const u = rng();
    odor[i] = label[i] ? (u < 0.7 ? 0 : 2) : u < 0.6 ? 1 : u < 0.8 ? 3 : 2;
    ring[i] = Math.floor(rng() * 3);
    width[i] = 4 + 3 * rng() + label[i];
    height[i] = 8 + 4 * rng();
  }
  return {
    rows,
    label,
    columns: [
      { name: 'odor', kind: 'categorical', values: odor },
      { name: 'ring', kind: 'categorical', values: ring },
      { name: 'width', kind: 'numeric', values: width },
      { name: 'height', kind: 'numeric', values: height },
    ],
  };
}

/** Stand-in model on the encoded columns (odor block first, codes in order): foul 0.97, spicy 0.6, else 0.03. */
const predict = async (x: Matrix) => Float32Array.from({ length: x.rows }, (_, r) => (x.data[r * x.cols] === 1 ? 0.97 : x.data[r * x.cols + 2] === 1 ? 0.6 : 0.03));

const referenceData = synthetic(600, 1);
const pre = Preprocessor.fit(schema, referenceData);
const pca = fitPca(pre.transform(referenceData).x, 3);
const version = { id: 4, number: 2, edibleAbove: EDIBLE_ABOVE };

/** Production rows as served: the stand-in's answers, one a minute, optionally with the true class as feedback. */
async function production(ds: Dataset, opts: { feedback?: (i: number) => boolean; version?: (i: number) => number } = {}): Promise<ProductionRows> {
  const p = await predict(pre.transform(ds).x);
  return {
    rows: ds.rows,
    columns: ds.columns,
    pPoisonous: p,
    calledEdible: Uint8Array.from(p, (v) => (calledEdible(v, { edibleAbove: EDIBLE_ABOVE }) ? 1 : 0)),
    feedback: Uint8Array.from(ds.label, (y, i) => (opts.feedback?.(i) ? y : NO_FEEDBACK)),
    versionId: Int32Array.from({ length: ds.rows }, (_, i) => (opts.version?.(i) ?? version.number) + 2), // v2 is id 4, as `version` below
    version: Int32Array.from({ length: ds.rows }, (_, i) => opts.version?.(i) ?? version.number),
    createdAt: Float64Array.from({ length: ds.rows }, (_, i) => T0 + i * MINUTE),
  };
}

function input(reference: MonitorReference, current: ProductionRows, history: ProductionRows | HistoryRows = current): MonitorInput {
  return {
    schema,
    workspaceName: 'Report test',
    version,
    reference,
    pre,
    pca,
    window: { kind: 'last', key: 'last:500:1', label: 'the last 500 production rows' },
    current,
    history: 'totalRows' in history ? history : { ...history, totalRows: history.rows },
    now: T0 + 1e9,
  };
}

describe('buildMonitorReport', async () => {
  const reference = await referenceFromData(referenceData, pre, pca, predict);

  it('finds no dataset drift in a window drawn from the reference distribution, and describes the window', async () => {
    const current = await production(synthetic(300, 2));
    const r = buildMonitorReport(input(reference, current));
    expect(r.format).toBe(REPORT_FORMAT);
    expect(r.createdAt).toBe(T0 + 1e9);
    expect(r.workspace).toEqual({ id: 'custom-report', name: 'Report test' });
    expect(r.version).toEqual(version);
    expect(r.answeredBy).toEqual([{ versionId: 4, version: 2, rows: 300, estimated: r.estimated, actual: null }]);
    expect(r.window).toEqual({ kind: 'last', key: 'last:500:1', label: 'the last 500 production rows', rows: 300, from: T0, to: T0 + 299 * MINUTE });
    expect(r.reference).toEqual({ source: 'data', rows: 600 });
    expect(r.features).toEqual([
      { name: 'odor', label: 'Odour', codes: ['foul', 'none', 'spicy', 'almond'] },
      { name: 'ring', label: 'Ring type', codes: ['none', 'pendant', 'evanescent'] },
      { name: 'width', label: 'Stem width', unit: 'mm' },
      { name: 'height', label: 'Stem height', unit: 'cm' },
    ]);
    expect(r.drift).toMatchObject({ drifted: false, count: 0, total: 4, skipped: 0, shareThreshold: 0.5 });
    expect(r.drift.columns.map((c) => [c.feature, c.test])).toEqual(
      expect.arrayContaining([
        ['odor', 'chisquare'],
        ['ring', 'chisquare'],
        ['width', 'ks'],
        ['height', 'ks'],
      ]),
    );

    let predictedPoisonous = 0;
    let edible = 0;
    for (let i = 0; i < 300; i++) {
      if (current.pPoisonous[i] >= 0.5) predictedPoisonous++;
      edible += current.calledEdible[i];
    }
    expect(edible).toBeGreaterThan(0);
    expect(r.prediction).toMatchObject({
      referencePredictedPoisonous: reference.predictions!.predictedPoisonousShare,
      currentPredictedPoisonous: predictedPoisonous / 300,
      currentCalledEdible: edible / 300,
      probability: { feature: 'P(poisonous)', drifted: false },
    });
    expect(r.pca!.explained).toEqual(pca.explainedVarianceRatio);
    expect(r.pca!.reference).toBe(reference.pca!.points);
    expect(r.pca!.current.x).toHaveLength(300);
    expect(r.pca!.components.map((c) => [c.feature, c.drifted])).toEqual([
      ['PC1', false],
      ['PC2', false],
      ['PC3', false],
    ]);
  });

  it('puts a feature forced to one code and a shifted number first, both drifted, and calls the data set drifted', async () => {
    const ds = synthetic(300, 3);
    ds.columns[0].values.fill(3); // every row almond (a code the reference has)
    const width = ds.columns[2].values as Float64Array;
    for (let i = 0; i < width.length; i++) width[i] += 3;
    const r = buildMonitorReport(input(reference, await production(ds)));
    expect(r.drift).toMatchObject({ drifted: true, count: 2, total: 4, share: 0.5 });
    expect(
      r.drift.columns
        .map((c) => c.feature)
        .slice(0, 2)
        .sort(),
    ).toEqual(['odor', 'width']);
    expect(r.drift.columns.map((c) => c.drifted)).toEqual([true, true, false, false]);
    expect(r.drift.columns[0].score).toBeLessThan(1e-6);
    expect(r.drift.columns[1].score).toBeLessThan(1e-6);
    // The model now calls everything edible (almond): prediction drift too.
    expect(r.prediction.currentCalledEdible).toBe(1);
    expect(r.prediction.probability!.drifted).toBe(true);
  });

  it('estimates accuracy without labels, and has no measured quality or target drift test without feedback', async () => {
    const current = await production(synthetic(300, 4));
    const r = buildMonitorReport(input(reference, current));
    expect(r.estimated).toEqual(estimateAccuracy(current.pPoisonous, { edibleAbove: EDIBLE_ABOVE }));
    expect(r.estimated.rows).toBe(300);
    expect(r.estimated.accuracy).toBeGreaterThan(0.5);
    expect(r.actual).toBeNull();
    expect(r.target).toEqual({ referencePoisonous: reference.poisonousShare, labelled: 0, currentPoisonous: null, test: null });
  });

  it('tests target drift against the reference once feedback arrives', async () => {
    const ds = synthetic(300, 5);
    const current = await production(ds, { feedback: (i) => i % 3 === 0 });
    const r = buildMonitorReport(input(reference, current));
    let poisonous = 0;
    for (let i = 0; i < 300; i += 3) poisonous += ds.label[i];
    expect(r.actual).toEqual(quality(current, 0, 300));
    expect(r.actual!.labelled).toBe(100);
    expect(r.target.labelled).toBe(100);
    expect(r.target.currentPoisonous).toBe(poisonous / 100);
    const refPoisonous = Math.round(reference.poisonousShare * 600);
    expect(r.target.test).toEqual(twoProportionZTest([poisonous, refPoisonous], [100, 600]));
    expect(r.target.test!.pvalue).toBeGreaterThan(0.05);

    // Feedback saying everything is poisonous is a target shift.
    const allPoisonous = { ...current, feedback: new Uint8Array(300).fill(1) };
    expect(buildMonitorReport(input(reference, allPoisonous)).target.test!.pvalue).toBeLessThan(1e-6);
  });

  it('buckets all production rows (at least 25 rows, at most 40 buckets), each with its quality, estimate and mean reconstruction error', async () => {
    const ds = synthetic(1000, 6);
    const history = await production(ds, { feedback: (i) => i % 2 === 0 });
    const r = buildMonitorReport(input(reference, await production(synthetic(50, 7)), history));
    const h = r.history;
    expect(h.rows).toBe(1000);
    expect(h.bucketRows).toBe(25);
    expect(h.buckets).toHaveLength(40);
    const x = pre.transform(ds).x;
    h.buckets.forEach((b, i) => {
      expect([b.start, b.end]).toEqual([i * 25, i * 25 + 25]);
      expect(b.at).toBe(T0 + (b.end - 1) * MINUTE);
      expect(b.actual).toEqual(quality(history, b.start, b.end));
      const est = estimateAccuracy(history.pPoisonous.subarray(b.start, b.end), { edibleAbove: EDIBLE_ABOVE });
      expect(b.estimated).toEqual({ accuracy: est.accuracy, lower: est.lower, upper: est.upper });
      let sum = 0;
      for (let row = b.start; row < b.end; row++) sum += explicitReconstructionError(pca, x, row);
      expect(b.reconstruction).toBeCloseTo(sum / 25, 4);
    });
    expect(h.band).toEqual(reconstructionBand(reference.pca!.reconstruction, 25));
  });

  it.each([
    [10, 25, 1],
    [60, 25, 2],
    [2000, 50, 40],
    [2001, 51, 39],
    [4000, 100, 40],
  ])('covers %i rows in buckets of at least %i rows (a short tail joins the bucket before it): %i buckets', async (n, bucketRows, count) => {
    const history = await production(synthetic(n, 8));
    const h = buildMonitorReport(input(reference, history)).history;
    expect(h.bucketRows).toBe(bucketRows);
    expect(h.buckets).toHaveLength(count);
    expect(h.buckets[0].start).toBe(0);
    expect(h.buckets.at(-1)!.end).toBe(n);
    h.buckets.forEach((b, i) => {
      if (i > 0) expect(b.start).toBe(h.buckets[i - 1].end);
      expect(b.end - b.start).toBeGreaterThanOrEqual(Math.min(n, bucketRows));
      expect(b.end - b.start).toBeLessThan(bucketRows + 25);
    });
    expect(h.band).toEqual(reconstructionBand(reference.pca!.reconstruction, bucketRows));
  });

  it('marks each row where the serving version changed, rollbacks included', async () => {
    const version = (i: number) => (i < 300 ? 1 : i < 700 ? 2 : i < 750 ? 1 : 3);
    const history = await production(synthetic(1000, 9), { version });
    const h = buildMonitorReport(input(reference, history)).history;
    expect(h.swaps).toEqual([
      { at: T0 + 300 * MINUTE, row: 300, version: 2 },
      { at: T0 + 700 * MINUTE, row: 700, version: 1 },
      { at: T0 + 750 * MINUTE, row: 750, version: 3 },
    ]);
    const single = await production(synthetic(100, 9));
    expect(buildMonitorReport(input(reference, single)).history.swaps).toEqual([]);
  });

  it('measures the buckets of the whole history on an even sample of it, with the row numbers of the whole history', async () => {
    const version = (i: number) => (i < 1800 ? 1 : 2);
    const all = await production(synthetic(4000, 11), { feedback: (i) => i % 3 === 0, version });
    const every = 4;
    const keep = Uint32Array.from({ length: all.rows / every }, (_, j) => j * every);
    const pick = <T extends Uint8Array | Float32Array | Float64Array | Int32Array>(a: T): T => a.filter((_, i) => i % every === 0) as T;
    const sample: HistoryRows = {
      rows: keep.length,
      columns: all.columns.map((c) => ({ ...c, values: pick(c.values) }) as (typeof all.columns)[number]),
      pPoisonous: pick(all.pPoisonous),
      calledEdible: pick(all.calledEdible),
      feedback: pick(all.feedback),
      versionId: pick(all.versionId),
      version: pick(all.version),
      createdAt: pick(all.createdAt),
      totalRows: all.rows,
      positions: Float64Array.from(keep),
    };
    const whole = buildMonitorReport(input(reference, all)).history;
    const h = buildMonitorReport(input(reference, all, sample)).history;
    expect(h.rows).toBe(4000);
    expect(h.sampledRows).toBe(1000);
    expect(whole.sampledRows).toBeUndefined();
    expect(h.bucketRows).toBe(whole.bucketRows);
    expect(h.buckets.map((b) => [b.start, b.end])).toEqual(whole.buckets.map((b) => [b.start, b.end]));
    h.buckets.forEach((b) => {
      // The bucket's sampled rows: indices start/every … end/every − 1 of the sample.
      const [a, z] = [b.start / every, b.end / every];
      expect(b.at).toBe(all.createdAt[b.end - every]);
      expect(b.actual).toEqual(quality(sample, a, z));
      const est = estimateAccuracy(sample.pPoisonous.subarray(a, z), { edibleAbove: EDIBLE_ABOVE });
      expect(b.estimated).toEqual({ accuracy: est.accuracy, lower: est.lower, upper: est.upper });
    });
    expect(h.swaps).toEqual([{ at: T0 + 1800 * MINUTE, row: 1800, version: 2 }]);
  });

  it('scales the reconstruction band to the bucket size', async () => {
    const small = buildMonitorReport(input(reference, await production(synthetic(100, 10)))).history;
    const large = buildMonitorReport(input(reference, await production(synthetic(4000, 10)))).history;
    const { mean, std } = reference.pca!.reconstruction;
    expect(std).toBeGreaterThan(0);
    expect(small.band!.mean).toBe(mean);
    expect(small.band!.upper - mean).toBeCloseTo(3 * std * Math.sqrt(100 / 25), 12);
    expect(large.band!.upper - mean).toBeCloseTo(3 * std, 12);
  });

  it('has no PCA drift, prediction reference or band with a profile reference', async () => {
    const profileRef = referenceFromProfile(profileDataset(schema, referenceData));
    const current = await production(synthetic(200, 11), { feedback: () => true });
    const r = buildMonitorReport(input(profileRef, current));
    expect(r.reference).toEqual({ source: 'profile', rows: 600 });
    expect(r.pca).toMatchObject({ reference: null, components: [] });
    expect(r.pca!.current.x).toHaveLength(200);
    expect(r.prediction.referencePredictedPoisonous).toBeNull();
    expect(r.prediction.probability).toBeNull();
    expect(r.history.band).toBeNull();
    expect(r.history.buckets[0].reconstruction).not.toBeNull();
    expect(r.target.test).not.toBeNull();
    expect(r.drift.drifted).toBe(false);
  });

  it('names the versions that answered the window, with a count each, most rows first, and scores each on its own rows alone', async () => {
    // v1 answered the first 100 rows; then an A/B split: every 4th row the challenger v3, the rest v2 (production).
    const answeredBy = (i: number) => (i < 100 ? 1 : i % 4 === 0 ? 3 : 2);
    const current = await production(synthetic(500, 13), { feedback: (i) => i % 2 === 0, version: answeredBy });
    const r = buildMonitorReport(input(reference, current));
    // The production version still frames the report (its reference, its PCA) but did not answer all of it.
    expect(r.version).toEqual(version);
    expect(r.answeredBy.map((v) => [v.version, v.versionId, v.rows])).toEqual([
      [2, 4, 300],
      [3, 5, 100],
      [1, 3, 100],
    ]);
    for (const v of r.answeredBy) {
      const rows = Array.from({ length: 500 }, (_, i) => i).filter((i) => answeredBy(i) === v.version);
      const own = { calledEdible: Uint8Array.from(rows, (i) => current.calledEdible[i]), feedback: Uint8Array.from(rows, (i) => current.feedback[i]) };
      expect(v.actual).toEqual(quality(own, 0, rows.length));
      expect(v.actual!.labelled).toBe(rows.filter((i) => i % 2 === 0).length);
      expect(v.estimated).toEqual(
        estimateShownAccuracy(
          Float32Array.from(rows, (i) => current.pPoisonous[i]),
          own.calledEdible,
        ),
      );
    }
    // The window's own figures are over all rows, whoever answered them.
    expect(r.actual).toEqual(quality(current, 0, 500));
    expect(r.estimated.rows).toBe(500);
  });

  it('estimates each row by the verdict its own version showed, not with the production threshold', async () => {
    // v1 was stricter (edible only above 0.98): the stand-in's 0.03 rows were "uncertain" under v1, "edible" under v2.
    const current = await production(synthetic(200, 14), { version: (i) => (i < 100 ? 1 : 2) });
    for (let i = 0; i < 100; i++) current.calledEdible[i] = calledEdible(current.pPoisonous[i], { edibleAbove: 0.98 }) ? 1 : 0;
    const r = buildMonitorReport(input(reference, current, current));
    expect(r.estimated).toEqual(estimateShownAccuracy(current.pPoisonous, current.calledEdible));
    expect(r.estimated.accuracy).not.toBeCloseTo(estimateAccuracy(current.pPoisonous, { edibleAbove: EDIBLE_ABOVE }).accuracy!, 3);
    const v1 = r.answeredBy.find((v) => v.version === 1)!;
    expect(v1.estimated.calledEdible).toBe(0);
    expect(v1.estimated).toEqual(estimateShownAccuracy(current.pPoisonous.subarray(0, 100), current.calledEdible.subarray(0, 100)));
    const b = r.history.buckets[0];
    expect(b.estimated).toEqual(
      (({ accuracy, lower, upper }) => ({ accuracy, lower, upper }))(
        estimateShownAccuracy(current.pPoisonous.subarray(b.start, b.end), current.calledEdible.subarray(b.start, b.end)),
      ),
    );
  });

  it('reports an empty window without numbers it cannot have', async () => {
    const empty = await production(synthetic(0, 12));
    const r = buildMonitorReport(input(reference, empty, await production(synthetic(30, 12))));
    expect(r.window).toMatchObject({ rows: 0, from: null, to: null });
    expect(r.answeredBy).toEqual([]);
    expect(r.drift).toMatchObject({ drifted: false, total: 0, skipped: 4 });
    expect(r.pca).toBeNull();
    expect(r.actual).toBeNull();
    expect(r.estimated.accuracy).toBeNull();
    expect(r.prediction).toEqual({
      referencePredictedPoisonous: reference.predictions!.predictedPoisonousShare,
      currentPredictedPoisonous: null,
      currentCalledEdible: null,
      probability: null,
    });
    expect(r.history.buckets).toHaveLength(1);
  });
});
