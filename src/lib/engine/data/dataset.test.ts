import { describe, expect, it } from 'vitest';
import type { CategoricalData, Dataset, NumericData } from './dataset';
import { CHUNK_ROWS, MISSING_CODE, cellText, joinChunks, splitIntoChunks } from './dataset';
import type { WorkspaceSchema } from './schema';

/** A tiny hand-made schema: one categorical column (3 codes) and one numeric column. */
const schema: WorkspaceSchema = {
  id: 'custom-test',
  name: 'Test',
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
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'cm' },
  ],
};

/**
 * `rows` synthetic rows: label i % 2, colour i % 3 (missing every 5th row), width i + 0.5
 * (missing every 7th row). Row i is recognisable from its values, so misplaced rows show.
 */
function makeDataset(rows: number): Dataset {
  const label = new Uint8Array(rows);
  const colour = new Uint8Array(rows);
  const width = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    label[i] = i % 2;
    colour[i] = i % 5 === 4 ? MISSING_CODE : i % 3;
    width[i] = i % 7 === 6 ? NaN : i + 0.5;
  }
  return {
    rows,
    label,
    columns: [
      { name: 'colour', kind: 'categorical', values: colour },
      { name: 'width', kind: 'numeric', values: width },
    ],
  };
}

function expectSameDataset(actual: Dataset, expected: Dataset) {
  expect(actual.rows).toBe(expected.rows);
  expect(actual.label).toBeInstanceOf(Uint8Array);
  expect(Array.from(actual.label)).toEqual(Array.from(expected.label));
  expect(actual.columns.map((c) => [c.name, c.kind])).toEqual(expected.columns.map((c) => [c.name, c.kind]));
  actual.columns.forEach((c, i) => {
    expect(c.values).toBeInstanceOf(c.kind === 'numeric' ? Float64Array : Uint8Array);
    expect(c.values.length).toBe(expected.rows);
    // Array.from + toEqual: NaN equals NaN, so missing numbers must sit at the same rows.
    expect(Array.from(c.values)).toEqual(Array.from(expected.columns[i].values));
  });
}

describe('splitIntoChunks / joinChunks', () => {
  it('splits 10 rows into chunks of 4, 4 and 2 holding the right rows', () => {
    const ds = makeDataset(10);
    const chunks = splitIntoChunks(ds, 4);
    expect(chunks.map((c) => [c.index, c.rows])).toEqual([[0, 4], [1, 4], [2, 2]]);
    // The last chunk holds rows 8 and 9: labels 0,1; colours 8%3=2 and 9%5=4 → missing; widths 8.5, 9.5.
    const last = chunks[2];
    expect(Array.from(last.label)).toEqual([0, 1]);
    expect(Array.from((last.columns[0] as CategoricalData).values)).toEqual([2, MISSING_CODE]);
    expect(Array.from((last.columns[1] as NumericData).values)).toEqual([8.5, 9.5]);
    // Row 6 (second chunk, position 2) has a missing width.
    expect(Number.isNaN(chunks[1].columns[1].values[2])).toBe(true);
    // Rows 4..7 in the second chunk: colours missing (4 % 5 === 4), 5 % 3, 6 % 3, 7 % 3.
    expect(Array.from(chunks[1].columns[0].values)).toEqual([MISSING_CODE, 2, 0, 1]);
  });

  it('round-trips a row count that is not a multiple of the chunk size, even from shuffled chunks', () => {
    const ds = makeDataset(10);
    const chunks = splitIntoChunks(ds, 4);
    expectSameDataset(joinChunks([chunks[2], chunks[0], chunks[1]]), ds);
  });

  it('makes no empty trailing chunk when the row count is an exact multiple', () => {
    const ds = makeDataset(8);
    const chunks = splitIntoChunks(ds, 4);
    expect(chunks.map((c) => c.rows)).toEqual([4, 4]);
    expectSameDataset(joinChunks(chunks), ds);
  });

  it('uses CHUNK_ROWS (16384) by default: 16385 rows make chunks of 16384 and 1', () => {
    expect(CHUNK_ROWS).toBe(16384);
    const exact = splitIntoChunks(makeDataset(16384));
    expect(exact.map((c) => c.rows)).toEqual([16384]);
    const ds = makeDataset(16385);
    const chunks = splitIntoChunks(ds);
    expect(chunks.map((c) => c.rows)).toEqual([16384, 1]);
    expect(chunks[1].columns[1].values[0]).toBe(16384.5);
    expectSameDataset(joinChunks(chunks), ds);
  });

  it('keeps a 0-row data set as one empty chunk and joins it back with its columns', () => {
    const ds = makeDataset(0);
    const chunks = splitIntoChunks(ds);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ index: 0, rows: 0 });
    expect(chunks[0].columns.map((c) => c.values.length)).toEqual([0, 0]);
    const back = joinChunks(chunks);
    expectSameDataset(back, ds);
    expect(back.columns.map((c) => c.name)).toEqual(['colour', 'width']);
  });

  it('joins no chunks at all into an empty data set without columns', () => {
    expect(joinChunks([])).toEqual({ rows: 0, label: new Uint8Array(0), columns: [] });
  });

  it('copies values: chunks do not share memory with the source', () => {
    const ds = makeDataset(6);
    const chunks = splitIntoChunks(ds, 4);
    chunks[0].label[0] = 1;
    chunks[0].columns[1].values[0] = 99;
    expect(ds.label[0]).toBe(0);
    expect(ds.columns[1].values[0]).toBe(0.5);
    expect(chunks[0].label.buffer).not.toBe(ds.label.buffer);
  });
});

describe('cellText', () => {
  const ds: Dataset = {
    rows: 4,
    label: new Uint8Array([0, 1, 0, 1]),
    columns: [
      { name: 'colour', kind: 'categorical', values: new Uint8Array([0, 2, MISSING_CODE, 7]) },
      { name: 'width', kind: 'numeric', values: new Float64Array([2.5, 0, NaN, -1e-3]) },
    ],
  };

  it('shows the code of a categorical value', () => {
    expect(cellText(schema, ds, 0, 0)).toBe('r');
    expect(cellText(schema, ds, 0, 1)).toBe('g');
  });

  it('shows a missing or out-of-range category as empty text', () => {
    expect(cellText(schema, ds, 0, 2)).toBe('');
    expect(cellText(schema, ds, 0, 3)).toBe('');
  });

  it('shows numbers as written, 0 as "0" and NaN (missing) as empty text', () => {
    expect(cellText(schema, ds, 1, 0)).toBe('2.5');
    expect(cellText(schema, ds, 1, 1)).toBe('0');
    expect(cellText(schema, ds, 1, 2)).toBe('');
    expect(cellText(schema, ds, 1, 3)).toBe('-0.001');
  });
});
