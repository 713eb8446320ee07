import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { builtinSchema } from '../data/builtinSchemas';
import { MISSING_CODE, type ColumnData } from '../data/dataset';
import type { CategoricalColumn } from '../data/schema';
import { HELD_BY_REFERENCE, HELD_NONE } from './answerRule';
import { BatchTableView, countBatch, type BatchTable } from './batchTable';

const uci = builtinSchema('uci')!;
const secondary = builtinSchema('secondary')!;

/** Four rows, every feature at its first code (the first row's odour missing). */
function uciBatch(extra: Partial<BatchTable> = {}): BatchTable {
  const columns: ColumnData[] = uci.features.map((f) => ({ name: f.name, kind: 'categorical', values: new Uint8Array(4) }));
  columns[uci.features.findIndex((f) => f.name === 'odor')].values[0] = MISSING_CODE;
  return { rows: 4, columns, label: null, pPoisonous: Float32Array.of(0.01, 0.2, 0.97, 0.04), decision: Uint8Array.of(0, 1, 2, 1), version: 3, ...extra };
}

describe('BatchTableView: the rows of a batch as the page shows them and the file holds them', () => {
  it('writes decision, P(edible) and the features; the class, why-not-edible and A/B columns only when the batch has them', () => {
    const plain = new BatchTableView(uci, uciBatch());
    expect(plain.columns).toEqual(['decision', 'P(edible)', ...uci.features.map((f) => f.name)]);
    expect([0, 1, 2].map((c) => plain.cell(2, c))).toEqual(['poisonous', '0.030', (uci.features[0] as CategoricalColumn).codes[0].code]);
    expect(plain.cell(0, 2 + uci.features.findIndex((f) => f.name === 'odor'))).toBe(''); // missing stays blank

    const odour = uci.features.findIndex((f) => f.name === 'odor');
    const full = new BatchTableView(
      uci,
      uciBatch({
        label: Uint8Array.of(0, 1, 1, 0),
        held: Uint16Array.of(HELD_NONE, odour + 1, HELD_NONE, HELD_BY_REFERENCE),
        ab: { challengerVersion: 4, arm: Uint8Array.of(0, 1, 0, 0) },
      }),
    );
    expect(full.columns.slice(0, 5)).toEqual(['decision', 'why not edible', 'P(edible)', 'answered by', 'class']);
    expect([0, 1, 2, 3, 4].map((c) => full.cell(1, c))).toEqual([
      'uncertain — treat as poisonous',
      'a blank field could make it poisonous, e.g. odour',
      '0.800',
      'v4 (challenger)',
      'p',
    ]);
    expect(full.cell(3, 1)).toBe('no reference mushroom with these answers is known to be edible');
    expect(full.cell(0, 3)).toBe('v3 (champion)');

    const shadow = new BatchTableView(uci, uciBatch({ shadow: { version: 5, decision: Uint8Array.of(2, 2, 2, 0) } }));
    expect(shadow.columns[2]).toBe('v5 (shadow)');
    expect(shadow.cell(3, 2)).toBe('edible');
  });

  it('filters by decision or by disagreement with the file’s class (uncertain counts as poisonous)', () => {
    const v = new BatchTableView(uci, uciBatch({ label: Uint8Array.of(1, 1, 1, 0) }));
    expect([...v.shown('all')]).toEqual([0, 1, 2, 3]);
    expect([...v.shown('uncertain')]).toEqual([1, 3]);
    expect([...v.shown('edible')]).toEqual([0]);
    expect([...v.shown('disagree')]).toEqual([0, 3]);
  });

  it('writes the shown rows as CSV in parts that parse back to the table’s cells, numbers as written', () => {
    const columns: ColumnData[] = secondary.features.map((f) =>
      f.kind === 'numeric' ? { name: f.name, kind: 'numeric', values: Float64Array.of(15.26, 0.5, NaN) } : { name: f.name, kind: 'categorical', values: new Uint8Array(3) },
    );
    const v = new BatchTableView(secondary, {
      rows: 3,
      columns,
      label: Uint8Array.of(1, 0, 1),
      pPoisonous: Float32Array.of(0.9, 0.1, 0.5),
      decision: Uint8Array.of(2, 0, 1),
      version: 1,
    });
    const parts = [...v.csvParts(v.shown('all'), 2)];
    expect(parts).toHaveLength(2);
    const table = Papa.parse<string[]>(parts.join('').trim()).data;
    expect(table[0]).toEqual(v.columns);
    for (let i = 0; i < 3; i++) expect(table[i + 1]).toEqual(v.columns.map((_, c) => v.cell(i, c)));
    const diameter = v.columns.indexOf('cap-diameter');
    expect(table.slice(1).map((r) => r[diameter])).toEqual(['15.26', '0.5', '']);
  });

  it('counts the answers once, and against the file’s class only when it has one', () => {
    expect(countBatch(uciBatch())).toEqual({ edible: 1, uncertain: 2, poisonous: 1, disagree: 0, falseEdible: 0 });
    // Row 0 is poisonous by its class and called edible; row 3 edible by its class and called uncertain.
    expect(countBatch(uciBatch({ label: Uint8Array.of(1, 1, 1, 0) }))).toEqual({ edible: 1, uncertain: 2, poisonous: 1, disagree: 2, falseEdible: 1 });
  });

  it('gives one page of a filter’s rows with their place in the batch, the last page for an offset past the end', () => {
    const rows = 123;
    const columns: ColumnData[] = uci.features.map((f) => ({ name: f.name, kind: 'categorical', values: new Uint8Array(rows) }));
    const decision = Uint8Array.from({ length: rows }, (_, i) => i % 3);
    const v = new BatchTableView(uci, { rows, columns, label: null, pPoisonous: new Float32Array(rows).fill(0.5), decision, version: 1 });
    const all = v.shown('all');
    const second = v.page(all, 50, 50);
    expect(second).toMatchObject({ total: 123, offset: 50 });
    expect(second.rowIndex).toEqual(Array.from({ length: 50 }, (_, k) => 50 + k));
    expect(second.cells[0]).toEqual(v.columns.map((_, c) => v.cell(50, c)));
    expect(second.decision.slice(0, 3)).toEqual([2, 0, 1]);
    const last = v.page(all, 10_000, 50);
    expect([last.offset, last.rowIndex.length, last.rowIndex.at(-1)]).toEqual([100, 23, 122]);
    expect(v.page(all, -5, 50).offset).toBe(0);

    const poisonous = v.page(v.shown('poisonous'), 0, 50);
    expect(poisonous.total).toBe(41);
    expect(poisonous.rowIndex.slice(0, 3)).toEqual([2, 5, 8]);
    expect(poisonous.cells.every((r) => r[0] === 'poisonous')).toBe(true);
    expect(v.page(v.shown('disagree'), 0, 50)).toEqual({ total: 0, offset: 0, rowIndex: [], decision: [], cells: [] });
  });
});
