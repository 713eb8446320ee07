import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type ColumnData } from '../data/dataset';
import { seededRng } from '../ml/rng';
import { columnDrift } from './columnDrift';
import { loadReferenceSummary, summariseColumn, summariseReference } from './columnSummary';

function columns(rows: number, seed: number): ColumnData[] {
  const rng = seededRng(seed);
  const diameter = Float64Array.from({ length: rows }, () => (rng() < 0.02 ? NaN : Math.round(rng() * 2000) / 100));
  const colour = Uint8Array.from({ length: rows }, () => (rng() < 0.1 ? MISSING_CODE : Math.floor(rng() * 6)));
  return [
    { name: 'cap-diameter', kind: 'numeric', values: diameter },
    { name: 'cap-color', kind: 'categorical', values: colour },
  ];
}

describe('reference summary', () => {
  const reference = summariseReference({ rows: 5000, columns: columns(5000, 1) });

  it('keeps sufficient statistics only: distinct sorted values with counts, category counts, missing', () => {
    const [numeric, categorical] = reference.columns;
    if (numeric.kind !== 'numeric' || categorical.kind !== 'categorical') throw new Error('kinds');
    expect(numeric.sample.values.length).toBeLessThanOrEqual(2001);
    expect(numeric.sample.n + numeric.missing).toBe(5000);
    expect(numeric.sample.values.every((v, i) => i === 0 || v > numeric.sample.values[i - 1])).toBe(true);
    expect(categorical.counts).toHaveLength(6);
    expect(categorical.counts.reduce((a, b) => a + b, 0) + categorical.missing).toBe(5000);
  });

  it('round-trips through JSON and structuredClone and gives identical drift results afterwards', () => {
    const viaJson = loadReferenceSummary(JSON.parse(JSON.stringify(reference)));
    const viaClone = loadReferenceSummary(structuredClone(reference));
    expect(viaJson).toEqual(reference);
    expect(viaClone).toEqual(reference);
    const current = columns(1200, 2);
    for (let i = 0; i < reference.columns.length; i++) {
      const direct = columnDrift(reference.columns[i], current[i]);
      expect(columnDrift(viaJson!.columns[i], current[i])).toEqual(direct);
      expect(columnDrift(viaClone!.columns[i], current[i])).toEqual(direct);
    }
  });

  it('refuses something that is not a reference summary of this version', () => {
    expect(loadReferenceSummary(null)).toBeNull();
    expect(loadReferenceSummary({ ...reference, formatVersion: 2 })).toBeNull();
    expect(loadReferenceSummary({ format: 'sporeprint-model' })).toBeNull();
  });

  it('summarises an empty column without NaN', () => {
    const s = summariseColumn({ name: 'x', kind: 'numeric', values: new Float64Array(0) });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(summariseColumn({ name: 'c', kind: 'categorical', values: new Uint8Array([MISSING_CODE]) })).toMatchObject({ n: 0, missing: 1, counts: [] });
  });
});
