import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { MISSING_CODE } from './dataset';
import type { CategoricalProfile, NumericProfile } from './profile';
import { profileDataset } from './profile';
import type { WorkspaceSchema } from './schema';

const M = MISSING_CODE;

/** Four codes, the last never used, so counts must still have four entries. */
const schema: WorkspaceSchema = {
  id: 'custom-profile',
  name: 'Profile test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
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
    { name: 'width', label: 'Width', kind: 'numeric' },
  ],
};

function dataset(label: number[], colour: number[], width: number[]): Dataset {
  return {
    rows: label.length,
    label: new Uint8Array(label),
    columns: [
      { name: 'colour', kind: 'categorical', values: new Uint8Array(colour) },
      { name: 'width', kind: 'numeric', values: new Float64Array(width) },
    ],
  };
}

const numeric = (label: number[], width: number[]) =>
  profileDataset(schema, dataset(label, label.map(() => 0), width)).columns[1] as NumericProfile;

describe('profileDataset: rows, classes and categorical columns', () => {
  it('counts rows and [edible, poisonous]', () => {
    const p = profileDataset(schema, dataset([0, 1, 1, 0, 1], [0, 0, 0, 0, 0], [1, 2, 3, 4, 5]));
    expect(p.rows).toBe(5);
    expect(p.classCounts).toEqual([2, 3]);
  });

  it('counts each code in schema order (unused codes are 0) and the missing values apart', () => {
    const p = profileDataset(schema, dataset([0, 0, 0, 0, 0, 0, 0], [0, 1, 1, M, 2, 1, M], [1, 1, 1, 1, 1, 1, 1]));
    const c = p.columns[0] as CategoricalProfile;
    expect(c).toEqual({ name: 'colour', kind: 'categorical', missing: 2, counts: [1, 3, 1, 0] });
  });

  it('profiles an empty data set without failing', () => {
    const p = profileDataset(schema, dataset([], [], []));
    expect(p.rows).toBe(0);
    expect(p.classCounts).toEqual([0, 0]);
    expect(p.columns[0]).toEqual({ name: 'colour', kind: 'categorical', missing: 0, counts: [0, 0, 0, 0] });
    expect(p.columns[1]).toMatchObject({ kind: 'numeric', missing: 0, edges: [], counts: [] });
    expect(Number.isNaN((p.columns[1] as NumericProfile).mean)).toBe(true);
  });
});

describe('profileDataset: numeric columns', () => {
  it('0…30 plus two missing: min 0, max 30, 30 bins of width 1, the maximum in the last bin', () => {
    const values = [...Array.from({ length: 31 }, (_, i) => i), NaN, NaN];
    const p = numeric(values.map(() => 0), values);
    expect(p.missing).toBe(2);
    expect(p.min).toBe(0);
    expect(p.max).toBe(30);
    expect(p.mean).toBe(15);
    // Population std: Σ(i−15)² over 0…30 = 2·(1²+…+15²) = 2·1240 = 2480; 2480 / 31 = 80.
    expect(p.std).toBeCloseTo(Math.sqrt(80), 12);
    expect(p.counts).toHaveLength(30);
    expect(p.edges).toHaveLength(31);
    expect(p.edges[0]).toBe(0);
    expect(p.edges[30]).toBe(30);
    expect(p.edges[7]).toBe(7);
    expect(p.counts).toEqual([...Array(29).fill(1), 2]);
    expect(p.counts.reduce((a, b) => a + b, 0)).toBe(31);
  });

  it('2,4,4,4,5,5,7,9: mean 5, std 2, and each value in the bin its position gives', () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    const p = numeric(values.map(() => 1), values);
    expect(p.mean).toBe(5);
    expect(p.std).toBeCloseTo(2, 12);
    expect(p.min).toBe(2);
    expect(p.max).toBe(9);
    // Width 7/30: 4 → 2/(7/30) = 8.57 → bin 8; 5 → 12.86 → 12; 7 → 21.43 → 21; 9 → bin 29 (clamped).
    const expected = new Array(30).fill(0);
    expected[0] = 1;
    expected[8] = 3;
    expected[12] = 2;
    expected[21] = 1;
    expected[29] = 1;
    expect(p.counts).toEqual(expected);
    expect(p.edges[0]).toBe(2);
    expect(p.edges[30]).toBeCloseTo(9, 12);
    expect(p.edges[1] - p.edges[0]).toBeCloseTo(7 / 30, 12);
  });

  it('negative and fractional values: edges span [min, max]', () => {
    const p = numeric([0, 0, 0, 0], [1.5, -3, NaN, 12]);
    expect(p.missing).toBe(1);
    expect([p.min, p.max]).toEqual([-3, 12]);
    // Width 0.5: −3 → bin 0, 1.5 → 4.5/0.5 = bin 9, 12 → bin 29.
    expect(p.counts[0]).toBe(1);
    expect(p.counts[9]).toBe(1);
    expect(p.counts[29]).toBe(1);
    expect(p.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(p.edges[0]).toBe(-3);
    expect(p.edges[30]).toBe(12);
  });

  it('histogram totals equal the non-missing count for irregular data', () => {
    const values: number[] = [];
    let x = 0.1234;
    for (let i = 0; i < 1000; i++) {
      x = (x * 9301 + 49297) % 233280; // a fixed pseudo-random walk
      values.push(i % 10 === 3 ? NaN : (x / 233280) * 17.3 - 4.2);
    }
    const p = numeric(values.map(() => 0), values);
    expect(p.missing).toBe(100);
    expect(p.counts).toHaveLength(30);
    expect(p.counts.reduce((a, b) => a + b, 0)).toBe(900);
    const present = values.filter((v) => !Number.isNaN(v));
    expect(p.min).toBe(Math.min(...present));
    expect(p.max).toBe(Math.max(...present));
    expect(p.edges[0]).toBe(p.min);
    expect(p.edges[30]).toBeCloseTo(p.max, 12);
  });

  it('a constant column gets one bin holding every value', () => {
    const p = numeric([0, 0, 0], [5, NaN, 5]);
    expect(p).toMatchObject({ missing: 1, min: 5, max: 5, mean: 5, std: 0, counts: [2] });
    expect(p.edges).toHaveLength(2);
    expect(p.edges[0]).toBe(5);
  });

  it('an all-missing column has NaN statistics and an empty histogram', () => {
    const p = numeric([0, 1], [NaN, NaN]);
    expect(p.missing).toBe(2);
    expect(p.counts).toEqual([]);
    expect(p.edges).toEqual([]);
    for (const v of [p.min, p.max, p.mean, p.std]) expect(Number.isNaN(v)).toBe(true);
  });
});
