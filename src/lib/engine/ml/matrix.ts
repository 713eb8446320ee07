/**
 * A dense row-major feature matrix: the one shape every model family takes and returns. Float32
 * because tfjs trains in float32 and 61k × ~120 one-hot columns is 30 MB in float32, 60 in float64.
 */
export interface Matrix {
  rows: number;
  cols: number;
  /** row-major: value (r, c) is data[r * cols + c] */
  data: Float32Array;
}

export function matrix(rows: number, cols: number, data = new Float32Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  return { rows, cols, data };
}

/** The rows at `indices`, in that order (used for splits and bootstrap samples). */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float32Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++) out.set(m.data.subarray(indices[i] * m.cols, (indices[i] + 1) * m.cols), i * m.cols);
  return matrix(indices.length, m.cols, out);
}

/** Row r as a plain number array (for libraries that want arrays of arrays). */
export function rowArray(m: Matrix, r: number): number[] {
  return Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
}

export function toArrays(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => rowArray(m, r));
}
