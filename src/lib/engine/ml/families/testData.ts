/** Test fixture: a small, exactly learnable one-hot problem (not used by the app). */
import { matrix, type Matrix } from '../matrix';
import { seededRng } from '../rng';

export interface Problem {
  train: { x: Matrix; y: Uint8Array };
  test: { x: Matrix; y: Uint8Array };
}

/** Per categorical column, each category's contribution to the score; poisonous when the score > 0.25. */
const WEIGHTS = [
  [2, -1, -1],
  [1, 0, -2],
  [1.5, -1.5, 0],
  [0.5, -0.5, 0],
];

/**
 * Four categorical columns of three categories each, one-hot encoded (12 columns). The label is a
 * linear threshold on the one-hot columns, so every family (logistic regression included) can learn
 * it exactly; all 81 combinations differ from the threshold by at least 0.25.
 */
export function syntheticProblem(rows = 600, seed = 7, trainShare = 0.75): Problem {
  const rng = seededRng(seed);
  const cols = WEIGHTS.length * 3;
  const data = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let score = 0;
    WEIGHTS.forEach((w, j) => {
      const cat = Math.floor(rng() * 3);
      data[r * cols + j * 3 + cat] = 1;
      score += w[cat];
    });
    y[r] = score > 0.25 ? 1 : 0;
  }
  const n = Math.round(rows * trainShare);
  return {
    train: { x: matrix(n, cols, data.slice(0, n * cols)), y: y.slice(0, n) },
    test: { x: matrix(rows - n, cols, data.slice(n * cols)), y: y.slice(n) },
  };
}

export function accuracy(p: Float32Array, y: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

/** toJSON → JSON text → parse: what a bundle goes through on export and import. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
