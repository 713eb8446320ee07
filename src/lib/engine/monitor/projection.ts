import { rowsView, type ColumnData } from '../data/dataset';
import type { Matrix } from '../ml/matrix';
import type { Pca } from '../ml/pca';
import { EncodeBuffer, type Preprocessor } from '../ml/preprocess';

/** PC1/PC2 coordinates for a scatter plot. */
export interface Points {
  x: number[];
  y: number[];
}

/**
 * Rows on the version's fitted PCA, and each row's reconstruction error: the squared distance
 * between the encoded row and its projection back from k components. The components are
 * orthonormal, so that is ‖x − mean‖² − ‖z‖², with no inverse transform needed.
 */
export function projectRows(pca: Pca, x: Matrix): { pcs: Float32Array; k: number; reconstruction: Float64Array } {
  const z = pca.transform(x);
  const k = z.cols;
  const d = pca.mean.length;
  const reconstruction = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let total = 0;
    for (let c = 0; c < d; c++) total += (x.data[r * d + c] - pca.mean[c]) ** 2;
    let kept = 0;
    for (let j = 0; j < k; j++) kept += z.data[r * k + j] ** 2;
    reconstruction[r] = Math.max(0, total - kept);
  }
  return { pcs: z.data, k, reconstruction };
}

/** At most `max` PC1/PC2 points, every n-th row (deterministic, so the same window draws the same map). */
export function thinPoints(pcs: ArrayLike<number>, k: number, max: number): Points {
  const rows = Math.floor(pcs.length / Math.max(1, k));
  const step = Math.max(1, Math.ceil(rows / max));
  const out: Points = { x: [], y: [] };
  for (let r = 0; r < rows; r += step) {
    out.x.push(pcs[r * k]);
    out.y.push(k > 1 ? pcs[r * k + 1] : 0);
  }
  return out;
}

/** Rows encoded at a time by projectColumns: 16,384 × ~160 encoded columns is 10 MB of float32. */
export const PROJECT_BLOCK_ROWS = 16_384;

/**
 * projectRows over typed columns, encoded and projected a block of rows at a time: a window of a
 * million rows never holds its encoded matrix whole (rows × encoded columns float32, 600 MB for
 * Secondary), only its k coordinates and its reconstruction error per row. Each row's result is the
 * same as projecting the whole matrix at once. Every block is encoded into the same memory
 * (`buffer`, which a caller projecting more rows may share).
 */
export function projectColumns(
  pre: Preprocessor,
  pca: Pca,
  columns: ColumnData[],
  rows: number,
  { blockRows = PROJECT_BLOCK_ROWS, buffer = new EncodeBuffer() }: { blockRows?: number; buffer?: EncodeBuffer } = {},
): { pcs: Float32Array; k: number; reconstruction: Float64Array } {
  const k = pca.components.length;
  const pcs = new Float32Array(rows * k);
  const reconstruction = new Float64Array(rows);
  for (let start = 0; start < rows; start += blockRows) {
    const end = Math.min(rows, start + blockRows);
    const part = projectRows(pca, pre.transform(rowsView({ rows, label: new Uint8Array(rows), columns }, start, end), buffer).x);
    pcs.set(part.pcs, start * k);
    reconstruction.set(part.reconstruction, start);
  }
  return { pcs, k, reconstruction };
}
