import { describe, expect, it } from 'vitest';
import { MISSING_CODE } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { EncodeBuffer, predictRows, Preprocessor, schemaFingerprint } from './preprocess';
import { stratifiedSplit, takeDatasetRows } from './split';
import { colourWidth } from '$lib/testing/colourWidth';

const schema: WorkspaceSchema = {
  id: 'custom-pre',
  name: 'Preprocess test',
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
      ],
    },
    { name: 'width', label: 'Width', kind: 'numeric' },
  ],
};

const M = MISSING_CODE;

describe('Preprocessor', () => {
  // Training has red, blue and missing colours and one missing width; green appears only in "test".
  const train = colourWidth([0, 1, 0, M], [1, 2, NaN, 5], [0, 1, 0, 1]);
  const test = colourWidth([2, 0, M], [NaN, 4, 3], [1, 0, 1]);
  const pre = Preprocessor.fit(schema, train);

  it('learns its vocabulary from the training split only: a test-only category is flagged, not encoded', () => {
    expect(pre.featureNames).toEqual(['colour=r', 'colour=b', 'colour=missing', 'width']);
    const enc = pre.transform(test);
    expect(enc.unknown).toEqual([{ row: 0, column: 'colour', code: 'g' }]);
    expect(Array.from(enc.unknownPerRow)).toEqual([1, 0, 0]);
    expect(Array.from(enc.x.data.subarray(0, 3))).toEqual([0, 0, 0]); // green: no one-hot slot at all
    expect(Array.from(enc.x.data.subarray(8, 11))).toEqual([0, 0, 1]); // missing is a category of its own
  });

  it('imputes numbers with the training median and standardises with training statistics', () => {
    // Training widths 1, 2, 5 → median 2; with the gap filled: 1, 2, 2, 5 → mean 2.5, population std 1.5.
    const enc = pre.transform(test);
    expect(enc.x.data[3]).toBeCloseTo((2 - 2.5) / 1.5, 6); // test row 0 width missing → training median
    expect(enc.x.data[7]).toBeCloseTo((4 - 2.5) / 1.5, 6);
  });

  it("puts a tree's test on an encoded column in the user's words", () => {
    expect(pre.describeSplit(1, 0.5, false)).toBe('Colour is blue');
    expect(pre.describeSplit(0, 0.5, true)).toBe('Colour is not red');
    expect(pre.describeSplit(2, 0.5, false)).toBe('Colour is not known');
    expect(pre.describeSplit(3, (4 - 2.5) / 1.5, true)).toBe('Width < 4'); // back from standardised units
  });

  it('round-trips through JSON and refuses another layout', () => {
    const again = Preprocessor.load(schema, JSON.parse(JSON.stringify(pre.toJSON())));
    expect(Array.from(again.transform(test).x.data)).toEqual(Array.from(pre.transform(test).x.data));
    const other = { ...schema, features: [schema.features[1], schema.features[0]] };
    expect(schemaFingerprint(other)).not.toBe(schemaFingerprint(schema));
    expect(() => Preprocessor.load(other, pre.toJSON())).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => Preprocessor.load(schema, { kind: 'pca' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('stratifiedSplit', () => {
  it('keeps the class balance in each part, covers every row once and repeats with its seed', () => {
    const label = Uint8Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 250 poisonous
    const s = stratifiedSplit(label, { train: 0.7, validation: 0.15, test: 0.15 }, 7);
    const count = (idx: Uint32Array) => idx.reduce((n, i) => n + label[i], 0);
    // Each class is cut on its own: 250 poisonous → 38/38 test/validation (37.5 rounds up), 750 edible → 113/113.
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([698, 151, 151]);
    expect([count(s.train), count(s.validation), count(s.test)]).toEqual([174, 38, 38]);
    expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(1000);
    expect(stratifiedSplit(label, { train: 0.7, validation: 0.15, test: 0.15 }, 7)).toEqual(s);
    expect(stratifiedSplit(label, { train: 0.7, validation: 0.15, test: 0.15 }, 8).test).not.toEqual(s.test);
    const part = takeDatasetRows(colourWidth([0, 1, 2], [1, 2, 3], [0, 1, 0]), Uint32Array.of(2, 0));
    expect(Array.from(part.columns[1].values)).toEqual([3, 1]);
  });
});

describe('Preprocessor.transform into an EncodeBuffer', () => {
  it('gives the same matrix as a fresh transform, each time, whatever the buffer held before', () => {
    const train = colourWidth([0, 1, 2, 0, M], [1, 2, 3, 4, 5], [0, 1, 0, 1, 0]);
    const pre = Preprocessor.fit(schema, train);
    const big = colourWidth([2, 2, 2, 1, 1, 0, M, 0], [9, 8, 7, 6, 5, 4, 3, NaN], [0, 0, 0, 0, 0, 0, 0, 0]);
    // 300 rows: more than one block of rows, so the blocks' offsets are exercised too
    const many = colourWidth(
      Array.from({ length: 300 }, (_, i) => [0, 1, 2, M][i % 4]),
      Array.from({ length: 300 }, (_, i) => i / 7),
      Array.from({ length: 300 }, () => 0),
    );
    const buffer = new EncodeBuffer();
    for (const d of [big, train, many, big]) {
      const reused = pre.transform(d, buffer).x;
      expect(reused.rows).toBe(d.rows);
      expect(Array.from(reused.data)).toEqual(Array.from(pre.transform(d).x.data));
    }
  });
});

describe('Preprocessor.encodeFeature', () => {
  it('writes what transform writes for the row with that field changed (unknown codes and missing included)', () => {
    // Training never saw code 2 (green): rows with it are encoded with an empty colour block.
    const pre = Preprocessor.fit(schema, colourWidth([0, 1, 1, 0, M], [1, 2, 3, 4, NaN], [0, 1, 0, 1, 0]));
    const rows = colourWidth([2, M, 1, 0], [NaN, 7.5, -3, 2], [0, 0, 0, 0]);
    expect(pre.transform(rows).unknownPerRow[0]).toBe(1);
    const x = pre.transform(rows).x;
    // Field changes on top of an encoded row, one after the other: each must equal the transform of the changed row.
    for (const [field, value] of [
      [0, 1],
      [0, 2],
      [0, M],
      [1, NaN],
      [1, 42],
    ] as const) {
      const changed = colourWidth([2, M, 1, 0], [NaN, 7.5, -3, 2], [0, 0, 0, 0]);
      changed.columns[field].values[1] = value;
      pre.encodeFeature(x, 1, field, value);
      expect(Array.from(x.data.subarray(pre.dims, 2 * pre.dims))).toEqual(Array.from(pre.transform(changed).x.data.subarray(pre.dims, 2 * pre.dims)));
    }
  });
});

describe('predictRows', () => {
  it('gives every row the answer the model gives on the whole encoded matrix, across blocks', async () => {
    const n = 20_000; // more than two blocks of rows
    const rows = colourWidth(
      Array.from({ length: n }, (_, i) => [0, 1, 2, M][i % 4]),
      Array.from({ length: n }, (_, i) => (i % 97) / 3),
      Array.from({ length: n }, (_, i) => i % 2),
    );
    const pre = Preprocessor.fit(schema, rows);
    // A stand-in model whose answer depends on the row's whole encoding and on nothing else.
    const model = {
      predictProba: async (x: { rows: number; cols: number; data: Float32Array }) =>
        Float32Array.from({ length: x.rows }, (_, r) => x.data.subarray(r * x.cols, (r + 1) * x.cols).reduce((a, v, c) => a + v * (c + 1), 0)),
    };
    const whole = await model.predictProba(pre.transform(rows).x);
    expect(Array.from(await predictRows(pre, model, rows))).toEqual(Array.from(whole));
  });
});
