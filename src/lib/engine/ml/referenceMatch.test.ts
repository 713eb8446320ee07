import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { matchReference } from './referenceMatch';

const schema: WorkspaceSchema = {
  id: 'custom-match',
  name: 'Match test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    {
      name: 'odor',
      label: 'Odour',
      kind: 'categorical',
      codes: [
        { code: 'f', label: 'foul' },
        { code: 'n', label: 'none' },
      ],
    },
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};
const reference: Dataset = {
  rows: 5,
  label: Uint8Array.of(0, 0, 1, 1, 0),
  columns: [
    { name: 'odor', kind: 'categorical', values: Uint8Array.of(1, 1, 1, 0, MISSING_CODE) },
    { name: 'width', kind: 'numeric', values: Float64Array.of(10, 10.9, 12, 10, NaN) },
  ],
};

describe('matchReference', () => {
  it('counts the rows sharing every given answer, with their classes', () => {
    expect(matchReference(schema, reference, { odor: 'n' })).toEqual({ rows: 3, edible: 2, poisonous: 1, fields: 1 });
    expect(matchReference(schema, reference, { odor: 'none', width: 10 })).toEqual({ rows: 2, edible: 2, poisonous: 0, fields: 2 });
    // A row missing the field does not share the answer; nothing given matches every row.
    expect(matchReference(schema, reference, { width: 10 }).rows).toBe(3);
    expect(matchReference(schema, reference, {})).toEqual({ rows: 5, edible: 3, poisonous: 2, fields: 0 });
    expect(matchReference(schema, reference, { odor: 'f', width: 20 }).rows).toBe(0);
  });

  it('holds at a million rows', () => {
    const n = 1_000_000;
    const big: Dataset = {
      rows: n,
      label: Uint8Array.from({ length: n }, (_, i) => i % 2),
      columns: [
        { name: 'odor', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => i % 2) },
        { name: 'width', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i % 100) },
      ],
    };
    // odd i (odour none, poisonous) with i % 100 within 51 ± 5.1: 47, 49, 51, 53, 55 in every hundred.
    expect(matchReference(schema, big, { odor: 'n', width: 51 })).toEqual({ rows: 50_000, edible: 0, poisonous: 50_000, fields: 2 });
  });
});
