import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type Dataset } from '../data/dataset';
import { profileDataset, type DatasetProfile } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import type { Matrix } from '../ml/matrix';
import { fitPca } from '../ml/pca';
import { Preprocessor } from '../ml/preprocess';
import { seededRng, shuffle } from '../ml/rng';
import { columnDrift } from './columnDrift';
import { REFERENCE_SUMMARY_FORMAT, REFERENCE_SUMMARY_VERSION, summariseColumn, summariseReference } from './columnSummary';
import { CHUNK_ROWS, CHUNK_SEED, MAX_MAP_POINTS, referenceFromData, referenceFromProfile } from './reference';
import { explicitReconstructionError } from './reconstruction.testing';

const schema: WorkspaceSchema = {
  id: 'custom-reference',
  name: 'Reference test',
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
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'mm' },
    {
      name: 'ring',
      label: 'Ring',
      kind: 'categorical',
      codes: [
        { code: 'n', label: 'none' },
        { code: 'p', label: 'pendant' },
      ],
    },
  ],
};

/** Poisonous rows mostly foul, edible ones none or spicy (almond never occurs); width wider when poisonous, 5 % missing. */
function synthetic(rows: number, seed: number): Dataset {
  const rng = seededRng(seed);
  const label = new Uint8Array(rows);
  const odor = new Uint8Array(rows);
  const width = new Float64Array(rows);
  const ring = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    label[i] = rng() < 0.4 ? 1 : 0;
    odor[i] = label[i] ? (rng() < 0.8 ? 0 : 2) : rng() < 0.7 ? 1 : 2;
    width[i] = rng() < 0.05 ? Number.NaN : 4 + 3 * rng() + label[i];
    ring[i] = rng() < 0.02 ? MISSING_CODE : rng() < 0.5 ? 0 : 1;
  }
  return {
    rows,
    label,
    columns: [
      { name: 'odor', kind: 'categorical', values: odor },
      { name: 'width', kind: 'numeric', values: width },
      { name: 'ring', kind: 'categorical', values: ring },
    ],
  };
}

describe('referenceFromProfile', () => {
  it('keeps category counts exactly, trims unused trailing codes, and puts each numeric bin at its centre', () => {
    const profile: DatasetProfile = {
      rows: 11,
      classCounts: [7, 4],
      columns: [
        { name: 'odor', kind: 'categorical', missing: 3, counts: [3, 0, 5, 0] },
        { name: 'width', kind: 'numeric', missing: 1, min: 0, max: 6, mean: 3.2, std: 1.9, edges: [0, 2, 4, 6], counts: [4, 0, 6] },
        { name: 'ring', kind: 'categorical', missing: 0, counts: [0, 0] },
      ],
    };
    expect(referenceFromProfile(profile)).toEqual({
      source: 'profile',
      rows: 11,
      summary: {
        format: REFERENCE_SUMMARY_FORMAT,
        formatVersion: REFERENCE_SUMMARY_VERSION,
        rows: 11,
        columns: [
          { name: 'odor', kind: 'categorical', rows: 11, missing: 3, n: 8, counts: [3, 0, 5] },
          { name: 'width', kind: 'numeric', rows: 11, missing: 1, sample: { values: [1, 5], counts: [4, 6], n: 10 }, mean: 3.2, std: 1.9 },
          { name: 'ring', kind: 'categorical', rows: 0, missing: 0, n: 0, counts: [] },
        ],
      },
      poisonousShare: 4 / 11,
      predictions: null,
      pca: null,
    });
  });

  it("matches the data's own summary for categories, and bins the numbers of a real profile", () => {
    const ds = synthetic(500, 1);
    const ref = referenceFromProfile(profileDataset(schema, ds));
    const exact = summariseReference(ds);
    expect(ref.summary.columns[0]).toEqual(exact.columns[0]); // almond (the last code) never occurs: trimmed as summariseColumn does
    expect(ref.summary.columns[0]).toMatchObject({ counts: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    expect(ref.summary.columns[2]).toEqual(exact.columns[2]);
    const width = ref.summary.columns[1];
    const exactWidth = exact.columns[1];
    if (width.kind !== 'numeric' || exactWidth.kind !== 'numeric') throw new Error('width is numeric');
    expect(width.missing).toBe(exactWidth.missing);
    expect(width.sample.n).toBe(exactWidth.sample.n);
    expect(width.rows).toBe(500);
    expect(width.mean).toBeCloseTo(exactWidth.mean, 12);
    expect(width.std).toBeCloseTo(exactWidth.std, 12);
    // 30 equal bins over [4, 8]: every value sits at most half a bin width from the one it stands for.
    const p = profileDataset(schema, ds).columns[1];
    if (p.kind !== 'numeric') throw new Error('width is numeric');
    const half = (p.max - p.min) / 60;
    expect(width.sample.values.length).toBe(p.counts.filter((c) => c > 0).length);
    expect(width.sample.values[0]).toBeCloseTo(p.min + half, 12);
    expect(width.sample.values.at(-1)).toBeCloseTo(p.max - half, 12);
    let poisonous = 0;
    for (const y of ds.label) poisonous += y;
    expect(ref.poisonousShare).toBe(poisonous / 500);
  });

  it('keeps a constant numeric column at its value, so the same data shows no drift', () => {
    const ds: Dataset = {
      rows: 40,
      label: new Uint8Array(40),
      columns: [
        { name: 'odor', kind: 'categorical', values: new Uint8Array(40) },
        { name: 'width', kind: 'numeric', values: new Float64Array(40).fill(5) },
        { name: 'ring', kind: 'categorical', values: new Uint8Array(40) },
      ],
    };
    const ref = referenceFromProfile(profileDataset(schema, ds));
    const width = ref.summary.columns[1];
    expect(width).toMatchObject({ kind: 'numeric', sample: { values: [5], counts: [40], n: 40 } });
    expect(columnDrift(width, ds.columns[1]).drifted).toBe(false);
  });

  it('has no poisonous share for an empty profile', () => {
    expect(referenceFromProfile({ rows: 0, classCounts: [0, 0], columns: [] }).poisonousShare).toBe(0);
  });
});

describe('referenceFromData', () => {
  /** Stand-in model: P(poisonous) 0.9 for foul odour, else 0.2. */
  const predict = async (x: Matrix) => Float32Array.from({ length: x.rows }, (_, r) => (x.data[r * x.cols] === 1 ? 0.9 : 0.2));

  it('summarises the training split, its predictions and its PCA reconstruction band', async () => {
    const train = synthetic(250, 2);
    const pre = Preprocessor.fit(schema, train);
    const x = pre.transform(train).x;
    const pca = fitPca(x, 2);
    const seen: Matrix[] = [];
    const ref = await referenceFromData(train, pre, pca, (m) => (seen.push(m), predict(m)));

    expect(ref.source).toBe('data');
    expect(ref.rows).toBe(250);
    expect(ref.summary).toEqual(summariseReference(train));
    expect(seen.map((m) => [m.rows, m.cols])).toEqual([[250, pre.dims]]);
    let poisonous = 0;
    let foul = 0;
    for (let i = 0; i < 250; i++) {
      poisonous += train.label[i];
      if (train.columns[0].values[i] === 0) foul++;
    }
    expect(ref.poisonousShare).toBe(poisonous / 250);
    expect(ref.predictions!.predictedPoisonousShare).toBe(foul / 250);
    expect(ref.predictions!.summary).toMatchObject({
      name: 'P(poisonous)',
      rows: 250,
      missing: 0,
      sample: { values: [Math.fround(0.2), Math.fround(0.9)], counts: [250 - foul, foul], n: 250 },
    });

    const pcaPart = ref.pca!;
    expect(pcaPart.components.map((c) => [c.name, c.kind, c.rows])).toEqual([
      ['PC1', 'numeric', 250],
      ['PC2', 'numeric', 250],
    ]);
    const scores = pca.transform(x).data;
    expect(pcaPart.components[1]).toEqual(summariseColumn({ name: 'PC2', kind: 'numeric', values: Float64Array.from({ length: 250 }, (_, r) => scores[r * 2 + 1]) }));
    expect(pcaPart.points.x).toEqual(Array.from({ length: 250 }, (_, r) => scores[r * 2]));
    expect(pcaPart.points.y).toEqual(Array.from({ length: 250 }, (_, r) => scores[r * 2 + 1]));

    // Two whole chunks of 100 rows drawn in a seeded random order; the last 50 rows make no chunk.
    const order = shuffle(
      Uint32Array.from({ length: 250 }, (_, i) => i),
      seededRng(CHUNK_SEED),
    );
    const chunk = (c: number) => {
      let s = 0;
      for (let r = c * CHUNK_ROWS; r < (c + 1) * CHUNK_ROWS; r++) s += explicitReconstructionError(pca, x, order[r]);
      return s / CHUNK_ROWS;
    };
    const [a, b] = [chunk(0), chunk(1)];
    expect(pcaPart.reconstruction.chunkRows).toBe(CHUNK_ROWS);
    expect(pcaPart.reconstruction.mean).toBeCloseTo((a + b) / 2, 4);
    expect(pcaPart.reconstruction.std).toBeCloseTo(Math.abs(a - b) / 2, 4);
    expect(pcaPart.reconstruction.mean).toBeGreaterThan(0.05);
  });

  it(`keeps at most ${MAX_MAP_POINTS} reference map points, every n-th row`, async () => {
    const train = synthetic(4100, 3);
    const pre = Preprocessor.fit(schema, train);
    const x = pre.transform(train).x;
    const pca = fitPca(x, 3);
    const ref = await referenceFromData(train, pre, pca, predict);
    const scores = pca.transform(x).data;
    expect(ref.pca!.points.x.length).toBe(1367); // every 3rd of 4100 rows
    expect(ref.pca!.points.x[1]).toBe(scores[3 * 3]);
    expect(ref.pca!.points.y[1]).toBe(scores[3 * 3 + 1]);
    expect(ref.pca!.components).toHaveLength(3);
  });
});
