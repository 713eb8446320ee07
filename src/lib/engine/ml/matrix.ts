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
