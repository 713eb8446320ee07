import { PCA } from 'ml-pca';
import { EngineError } from '../errors';
import type { Matrix } from './matrix';
import { matrix } from './matrix';

/**
 * PCA on centred, unscaled data (scikit-learn's PCA, checked against ../shared/oracles/pca.json).
 *
 * We build the d × d covariance matrix ourselves in one pass over the rows and hand only that to
 * ml-pca's eigendecomposition (isCovarianceMatrix): given the 43,000 × 130 data itself, its SVD and
 * 'covarianceMatrix' methods took 12–15 s in Node 20 (nested-array matrices), while the 130 × 130
 * eigenproblem takes ~30 ms.
 */

/** A Matrix, or the same layout in float64 (reference data such as the oracle's X is float64). */
export type Rows = Pick<Matrix, 'rows' | 'cols'> & { data: Float32Array | Float64Array };

export const PCA_KIND = 'pca';
export const PCA_SCHEMA_VERSION = 1;

export interface SavedPca {
  kind: typeof PCA_KIND;
  schemaVersion: typeof PCA_SCHEMA_VERSION;
  mean: number[];
  /** k × d, one unit-length principal axis per row, largest variance first. */
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
}

export class Pca {
  constructor(
    readonly mean: number[],
    readonly components: number[][],
    readonly explainedVariance: number[],
    readonly explainedVarianceRatio: number[],
  ) {}

  /** Projects rows onto the components: (x − mean) · componentsᵀ, k columns. */
  transform(x: Rows): Matrix {
    const d = this.mean.length;
    if (x.cols !== d) throw new EngineError('invalid-argument', `PCA was fitted on ${d} columns, got ${x.cols}.`, { expected: d, got: x.cols });
    const k = this.components.length;
    const out = new Float32Array(x.rows * k);
    const centred = new Float64Array(d);
    for (let r = 0; r < x.rows; r++) {
      for (let c = 0; c < d; c++) {
        const v = x.data[r * d + c];
        if (!Number.isFinite(v)) throw notFinite('project', r, c, v);
        centred[c] = v - this.mean[c];
      }
      for (let j = 0; j < k; j++) {
        const axis = this.components[j];
        let s = 0;
        for (let c = 0; c < d; c++) s += centred[c] * axis[c];
        out[r * k + j] = s;
      }
    }
    return matrix(x.rows, k, out);
  }

  toJSON(): SavedPca {
    return {
      kind: PCA_KIND,
      schemaVersion: PCA_SCHEMA_VERSION,
      mean: [...this.mean],
      components: this.components.map((c) => [...c]),
      explainedVariance: [...this.explainedVariance],
      explainedVarianceRatio: [...this.explainedVarianceRatio],
    };
  }
}

/**
 * NaN or ±Infinity in PCA input would turn every mean, covariance and projection into NaN: refused,
 * naming the first such cell (0-based row and column, in row order).
 */
function notFinite(what: 'fit' | 'project', row: number, column: number, value: number): EngineError {
  return new EngineError('invalid-argument', `PCA cannot ${what} a row holding ${String(value)}: row ${row}, column ${column} (0-based).`, {
    row,
    column,
    value: String(value),
  });
}

/** Column means; throws on the first non-finite value. */
function columnMeans(x: Rows): Float64Array {
  const mean = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const v = x.data[r * x.cols + c];
      if (!Number.isFinite(v)) throw notFinite('fit', r, c, v);
      mean[c] += v;
    }
  }
  for (let c = 0; c < x.cols; c++) mean[c] /= x.rows;
  return mean;
}

/** Rows per block: a block of centred columns (d × BLOCK float64) stays in cache while all d² dot products run over it. */
const BLOCK = 512;

/**
 * Sample covariance (n − 1, as sklearn) of the centred rows, accumulated in float64. Column-major
 * blocks and 2 × 2 tiles of dot products keep the sums in registers and load each value once per
 * four products: 3–4× faster than adding each row's outer product into the d × d accumulator
 * (about 0.3–0.5 s instead of 1.1–1.4 s for 43,000 × 130 in Node 20).
 */
function covariance(x: Rows, mean: Float64Array): number[][] {
  const d = x.cols;
  const acc = new Float64Array(d * d);
  const block = new Float64Array(d * BLOCK);
  for (let start = 0; start < x.rows; start += BLOCK) {
    const len = Math.min(BLOCK, x.rows - start);
    for (let r = 0; r < len; r++) {
      const offset = (start + r) * d;
      for (let c = 0; c < d; c++) block[c * BLOCK + r] = x.data[offset + c] - mean[c];
    }
    for (let i = 0; i < d; i += 2) {
      // With an odd d the last tile is one column wide: i1 = i, and its duplicate sums are not stored.
      const i1 = Math.min(i + 1, d - 1);
      const a0 = i * BLOCK;
      const a1 = i1 * BLOCK;
      for (let j = i; j < d; j += 2) {
        const j1 = Math.min(j + 1, d - 1);
        const b0 = j * BLOCK;
        const b1 = j1 * BLOCK;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let r = 0; r < len; r++) {
          const x0 = block[a0 + r];
          const x1 = block[a1 + r];
          const y0 = block[b0 + r];
          const y1 = block[b1 + r];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        acc[i * d + j] += s00;
        if (j1 !== j) acc[i * d + j1] += s01;
        if (i1 !== i) acc[i1 * d + j] += s10;
        if (i1 !== i && j1 !== j) acc[i1 * d + j1] += s11;
      }
    }
  }
  // Only the upper triangle is read back (a diagonal tile also writes one entry below it).
  const cov = Array.from({ length: d }, () => new Array<number>(d));
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[i][j] = cov[j][i] = acc[i * d + j] / (x.rows - 1);
  }
  return cov;
}

/** An eigenvector's sign is arbitrary; fixing it (largest-|value| entry positive) makes refits and saved models reproducible. */
function fixSign(v: number[]): number[] {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  return v[best] < 0 ? v.map((a) => -a) : v;
}

export function fitPca(x: Rows, components = 3): Pca {
  if (!Number.isInteger(components) || components < 1 || components > x.cols) {
    throw new EngineError('invalid-argument', `PCA needs between 1 and ${x.cols} components, got ${components}.`, { components, columns: x.cols });
  }
  if (x.rows < 2) throw new EngineError('invalid-argument', `PCA needs at least 2 rows, got ${x.rows}.`, { rows: x.rows });
  const mean = columnMeans(x);
  const cov = covariance(x, mean);
  const evd = new PCA(cov, { isCovarianceMatrix: true });
  const values = evd.getEigenvalues();
  const vectors = evd.getEigenvectors();
  // ml-pca returns them largest first; sorting again costs nothing and does not depend on that.
  const order = values
    .map((_, i) => i)
    .sort((a, b) => values[b] - values[a])
    .slice(0, components);
  let totalVariance = 0;
  for (let i = 0; i < x.cols; i++) totalVariance += cov[i][i];
  // Rounding can leave a zero eigenvalue slightly negative; a variance is never below 0.
  const explained = order.map((i) => Math.max(0, values[i]));
  return new Pca(
    Array.from(mean),
    order.map((i) => fixSign(vectors.getColumn(i))),
    explained,
    explained.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
  );
}

const isNumberArray = (a: unknown, length?: number): a is number[] =>
  Array.isArray(a) && (length === undefined || a.length === length) && a.every((v) => typeof v === 'number' && Number.isFinite(v));

export function loadPca(json: unknown): Pca {
  const s = (json ?? {}) as Partial<Record<keyof SavedPca, unknown>>;
  if (s.kind !== PCA_KIND || s.schemaVersion !== PCA_SCHEMA_VERSION) {
    throw new EngineError('invalid-argument', `Not a saved PCA (kind ${String(s.kind)}, version ${String(s.schemaVersion)}).`, {
      kind: String(s.kind),
      schemaVersion: String(s.schemaVersion),
    });
  }
  const d = isNumberArray(s.mean) ? s.mean.length : -1;
  const comps = Array.isArray(s.components) ? s.components : [];
  const k = comps.length;
  if (d < 1 || k < 1 || !comps.every((c) => isNumberArray(c, d)) || !isNumberArray(s.explainedVariance, k) || !isNumberArray(s.explainedVarianceRatio, k)) {
    throw new EngineError('invalid-argument', 'Saved PCA is damaged: its arrays are missing or of the wrong length.', { columns: d, components: k });
  }
  return new Pca(s.mean as number[], comps as number[][], s.explainedVariance as number[], s.explainedVarianceRatio as number[]);
}
