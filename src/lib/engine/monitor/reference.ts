import type { Dataset } from '../data/dataset';
import type { DatasetProfile } from '../data/profile';
import type { Matrix } from '../ml/matrix';
import type { Pca } from '../ml/pca';
import type { Preprocessor } from '../ml/preprocess';
import { seededRng, shuffle } from '../ml/rng';
import {
  REFERENCE_SUMMARY_FORMAT,
  REFERENCE_SUMMARY_VERSION,
  summariseColumn,
  summariseReference,
  type ColumnSummary,
  type NumericColumnSummary,
  type ReferenceSummary,
} from './columnSummary';
import { projectRows, thinPoints, type Points } from './projection';

/** Rows per chunk of the reconstruction-error band: window means are compared with chunk means of this size. */
export const CHUNK_ROWS = 100;
export const CHUNK_SEED = 20260101;
/** At most this many reference points are kept for the PCA map. */
export const MAX_MAP_POINTS = 2000;

/**
 * The reference side of monitoring for one model version, computed once and cached: the training
 * split's column summaries, the model's own predictions on it, and its PCA projection. From the
 * data in IndexedDB when the version's training data is there ('data'); otherwise from the bundle's
 * stored profile ('profile': histograms only, so numeric tests are approximate and there is no PCA
 * map or prediction reference).
 */
export interface MonitorReference {
  source: 'data' | 'profile';
  rows: number;
  summary: ReferenceSummary;
  /** Share of poisonous rows in the reference (target drift compares feedback labels with it). */
  poisonousShare: number;
  /** The version's P(poisonous) on the reference rows, and the share it calls poisonous (P ≥ 0.5). */
  predictions: { summary: NumericColumnSummary; predictedPoisonousShare: number } | null;
  pca: {
    points: Points;
    /** PC1…PCk of the reference rows, for drift tests on the components. */
    components: ColumnSummary[];
    /** Reconstruction error: mean and standard deviation of chunk means (CHUNK_ROWS rows per chunk). */
    reconstruction: { chunkRows: number; mean: number; std: number };
  } | null;
}

export async function referenceFromData(train: Dataset, pre: Preprocessor, pca: Pca, predict: (x: Matrix) => Promise<Float32Array>): Promise<MonitorReference> {
  const x = pre.transform(train).x;
  const p = await predict(x);
  let predictedPoisonous = 0;
  for (let i = 0; i < p.length; i++) if (p[i] >= 0.5) predictedPoisonous++;
  const { pcs, k, reconstruction } = projectRows(pca, x);
  const components = Array.from({ length: k }, (_, j) =>
    summariseColumn({ name: `PC${j + 1}`, kind: 'numeric', values: Float64Array.from({ length: train.rows }, (_, r) => pcs[r * k + j]) }),
  );
  // Chunks of rows drawn at random (seeded): the training split keeps file order, and a file grouped
  // by species would give chunk means far more spread than random windows of the same population.
  const order = shuffle(
    Uint32Array.from({ length: train.rows }, (_, i) => i),
    seededRng(CHUNK_SEED),
  );
  const chunkMeans: number[] = [];
  for (let start = 0; start + CHUNK_ROWS <= train.rows; start += CHUNK_ROWS) {
    let s = 0;
    for (let r = start; r < start + CHUNK_ROWS; r++) s += reconstruction[order[r]];
    chunkMeans.push(s / CHUNK_ROWS);
  }
  const mean = chunkMeans.reduce((a, b) => a + b, 0) / Math.max(1, chunkMeans.length);
  const std = Math.sqrt(chunkMeans.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, chunkMeans.length));
  let poisonous = 0;
  for (let i = 0; i < train.rows; i++) poisonous += train.label[i];
  return {
    source: 'data',
    rows: train.rows,
    summary: summariseReference(train),
    poisonousShare: train.rows ? poisonous / train.rows : 0,
    predictions: {
      summary: summariseColumn({ name: 'P(poisonous)', kind: 'numeric', values: Float64Array.from(p) }) as NumericColumnSummary,
      predictedPoisonousShare: predictedPoisonous / Math.max(1, p.length),
    },
    pca: { points: thinPoints(pcs, k, MAX_MAP_POINTS), components, reconstruction: { chunkRows: CHUNK_ROWS, mean, std } },
  };
}

/**
 * Without the training data: the bundle's profile of its training split. Category counts are
 * exact; a numeric column is its histogram, each bin's rows placed at the bin's centre.
 */
export function referenceFromProfile(profile: DatasetProfile): MonitorReference {
  const columns: ColumnSummary[] = profile.columns.map((c) => {
    if (c.kind === 'categorical') {
      const n = c.counts.reduce((a, b) => a + b, 0);
      const counts = [...c.counts];
      while (counts.length && counts[counts.length - 1] === 0) counts.pop(); // as summariseColumn: up to the largest code seen
      return { name: c.name, kind: 'categorical', rows: n + c.missing, missing: c.missing, n, counts };
    }
    const values: number[] = [];
    const counts: number[] = [];
    c.counts.forEach((count, i) => {
      if (count > 0) {
        // A constant column's one bin is [v, v + 1] (profile.ts widens it): its rows are at v, not the centre.
        values.push(c.min === c.max ? c.min : (c.edges[i] + c.edges[i + 1]) / 2);
        counts.push(count);
      }
    });
    const n = counts.reduce((a, b) => a + b, 0);
    return { name: c.name, kind: 'numeric', rows: n + c.missing, missing: c.missing, sample: { values, counts, n }, mean: c.mean, std: c.std };
  });
  return {
    source: 'profile',
    rows: profile.rows,
    summary: { format: REFERENCE_SUMMARY_FORMAT, formatVersion: REFERENCE_SUMMARY_VERSION, rows: profile.rows, columns },
    poisonousShare: profile.rows ? profile.classCounts[1] / profile.rows : 0,
    predictions: null,
    pca: null,
  };
}
