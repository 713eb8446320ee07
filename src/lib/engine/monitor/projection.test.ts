import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../ml/matrix';
import { fitPca } from '../ml/pca';
import { seededRng } from '../ml/rng';
import { projectColumns, projectRows, thinPoints } from './projection';
import { Preprocessor } from '../ml/preprocess';
import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { explicitReconstructionError } from './reconstruction.testing';

/** Rows with correlated columns, so the components are far from the axes and the first two carry most variance. */
function correlated(rows: number, seed: number): Matrix {
  const rng = seededRng(seed);
  const d = 4;
  const out = matrix(rows, d);
  for (let r = 0; r < rows; r++) {
    const a = rng() * 4 - 2;
    const b = rng() * 2 - 1;
    const noise = () => (rng() - 0.5) * 0.6;
    out.data.set([a + b + noise(), 2 * a - b + noise(), -a + 3 + noise(), b * 0.5 + noise()], r * d);
  }
  return out;
}

describe('projectRows', () => {
  const train = correlated(60, 11);

  it("gives each row's squared distance to its reconstruction from k components, and the PCA scores", () => {
    const pca = fitPca(train, 2);
    const fresh = correlated(25, 12); // rows the PCA never saw
    for (const x of [train, fresh]) {
      const { pcs, k, reconstruction } = projectRows(pca, x);
      expect(k).toBe(2);
      expect(reconstruction.length).toBe(x.rows);
      expect(Array.from(pcs)).toEqual(Array.from(pca.transform(x).data));
      for (let r = 0; r < x.rows; r++) {
        const expected = explicitReconstructionError(pca, x, r);
        expect(Math.abs(reconstruction[r] - expected)).toBeLessThan(1e-4 * Math.max(1, expected));
      }
    }
    // Two components drop real (noise) variance: the errors are clearly above zero.
    const { reconstruction } = projectRows(pca, train);
    const mean = reconstruction.reduce((a, b) => a + b, 0) / reconstruction.length;
    expect(mean).toBeGreaterThan(0.01);
  });

  it('is the squared distance off the plane for a row moved along a dropped component', () => {
    const all = fitPca(train, 4);
    const pca = fitPca(train, 2);
    // 5 units along the least-variance axis, which is orthogonal to the two kept ones: error 25.
    const off = matrix(1, 4, Float32Array.from(all.mean.map((m, c) => m + 5 * all.components[3][c])));
    const err = projectRows(pca, off).reconstruction[0];
    expect(err).toBeCloseTo(25, 3);
    expect(err).toBeCloseTo(explicitReconstructionError(pca, off, 0), 3);
  });

  it('is ~0 with as many components as columns, and never negative', () => {
    const pca = fitPca(train, 4);
    const { k, reconstruction } = projectRows(pca, correlated(30, 13));
    expect(k).toBe(4);
    for (const e of reconstruction) {
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThan(1e-4);
    }
  });
});

describe('thinPoints', () => {
  /** Row r has PC1 = r and PC2 = −r (PC3 = 100 + r, never drawn). */
  const scores = (rows: number, k: number) => Float32Array.from({ length: rows * k }, (_, i) => [Math.floor(i / k), -Math.floor(i / k), 100 + Math.floor(i / k)][i % k]);

  it('keeps every n-th row from the first, PC1 as x and PC2 as y', () => {
    expect(thinPoints(scores(10, 3), 3, 3)).toEqual({ x: [0, 4, 8], y: [-0, -4, -8] });
    expect(thinPoints(scores(10, 3), 3, 5)).toEqual({ x: [0, 2, 4, 6, 8], y: [-0, -2, -4, -6, -8] });
    expect(thinPoints(scores(4, 2), 2, 100)).toEqual({ x: [0, 1, 2, 3], y: [-0, -1, -2, -3] });
  });

  it('puts one-component points on y = 0, and has none for no rows', () => {
    expect(thinPoints(Float32Array.of(5, 6, 7), 1, 10)).toEqual({ x: [5, 6, 7], y: [0, 0, 0] });
    expect(thinPoints(new Float32Array(0), 2, 10)).toEqual({ x: [], y: [] });
  });

  it('never keeps more than max points, and draws the same points every time', () => {
    for (let rows = 1; rows <= 60; rows++) {
      for (let max = 1; max <= 25; max++) {
        const p = thinPoints(scores(rows, 2), 2, max);
        expect(p.x.length).toBeLessThanOrEqual(max);
        expect(p.x.length).toBeGreaterThanOrEqual(Math.min(rows, Math.ceil(max / 2)));
        expect(p.x[0]).toBe(0);
        expect(thinPoints(scores(rows, 2), 2, max)).toEqual(p);
      }
    }
    expect(thinPoints(scores(4100, 2), 2, 2000).x.length).toBe(1367); // step 3
  });
});

describe('projectColumns', () => {
  const schema: WorkspaceSchema = {
    id: 'custom-projection',
    name: 'Projection',
    schemaVersion: 1,
    features: [
      { name: 'width', label: 'Width', kind: 'numeric' },
      { name: 'colour', label: 'Colour', kind: 'categorical', codes: ['r', 'g', 'b'].map((c) => ({ code: c, label: c })) },
    ],
  } as WorkspaceSchema;
  const rows = 30;
  const data: Dataset = {
    rows,
    label: new Uint8Array(rows),
    columns: [
      { name: 'width', kind: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? NaN : (i * 37) % 11)) },
      { name: 'colour', kind: 'categorical', values: Uint8Array.from({ length: rows }, (_, i) => (i * i) % 3) },
    ],
  };

  it('gives, block by block, exactly what projecting the whole encoded matrix gives', () => {
    const pre = Preprocessor.fit(schema, data);
    const pca = fitPca(pre.transform(data).x, 2);
    const whole = projectRows(pca, pre.transform(data).x);
    for (const block of [1, 7, rows, 1000]) {
      const blocked = projectColumns(pre, pca, data.columns, rows, { blockRows: block });
      expect(blocked.k).toBe(2);
      expect(Array.from(blocked.pcs), `blocks of ${block}`).toEqual(Array.from(whole.pcs));
      expect(Array.from(blocked.reconstruction), `blocks of ${block}`).toEqual(Array.from(whole.reconstruction));
    }
    expect(projectColumns(pre, pca, data.columns, 0).pcs.length).toBe(0);
  });
});
