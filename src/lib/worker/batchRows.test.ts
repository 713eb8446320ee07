// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type PredictionBatchRow } from '$lib/db/db';
import { logBatch } from '$lib/db/predictions';
import { builtinSchema } from '$lib/engine/data/builtinSchemas';
import type { ColumnData } from '$lib/engine/data/dataset';
import { BatchTableView } from '$lib/engine/ml/batchTable';
import { holdBatch, readBatchPage, releaseBatch } from './batchRows';
import { exportBatchCsv } from './batchExport';
import { testBatch } from '$lib/testing/batchRow';

const uci = builtinSchema('uci')!;
const ROWS = 130;

/** 130 rows: decisions cycle edible, uncertain, poisonous; each feature's code varies with the row, so rows differ. */
function batch(): Omit<PredictionBatchRow, 'id'> {
  const columns: ColumnData[] = uci.features.map((f, j) => ({
    name: f.name,
    kind: 'categorical',
    values: Uint8Array.from({ length: ROWS }, (_, i) => (i + j) % (f.kind === 'categorical' ? f.codes.length : 1)),
  }));
  return testBatch(ROWS, {
    source: 'forest.csv',
    columns,
    label: Uint8Array.from({ length: ROWS }, (_, i) => i % 2),
    pPoisonous: Float32Array.from({ length: ROWS }, (_, i) => (i % 100) / 100),
  });
}

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`batch-rows-test-${++n}`);
  releaseBatch();
});
afterEach(async () => {
  releaseBatch();
  await db.delete();
});

describe('readBatchPage: a logged batch a page at a time', () => {
  it('reads a stored batch from IndexedDB once, then from memory: page 2 is rows 51–100, a filter pages its own rows', async () => {
    const stored = batch();
    const id = await logBatch(db, stored);
    const view = new BatchTableView(uci, stored);
    const second = await readBatchPage(db, id, 'all', 50, 50);
    expect(second).toMatchObject({ batchId: id, filter: 'all', total: ROWS, offset: 50 });
    expect(second.rowIndex[0]).toBe(50);
    expect(second.cells).toEqual(Array.from({ length: 50 }, (_, k) => view.columns.map((_, c) => view.cell(50 + k, c))));

    // Held now: the stored row gone, the pages still come (from this worker's memory).
    await db.predictionBatches.delete(id);
    const poisonous = await readBatchPage(db, id, 'poisonous', 0, 50);
    expect(poisonous.total).toBe(43);
    expect(poisonous.rowIndex.slice(0, 3)).toEqual([2, 5, 8]);
    expect(poisonous.cells.every((r) => r[0] === 'poisonous')).toBe(true);

    // Let go, and no longer stored: a clear message, not an empty page.
    releaseBatch(id);
    await expect(readBatchPage(db, id, 'all', 0, 50)).rejects.toMatchObject({ code: 'not-found', message: `Batch #${id} is no longer stored on this device.` });
  });

  it('answers from the batch just predicted without reading IndexedDB, and reads an older one when asked for it', async () => {
    const older = await logBatch(db, batch());
    const fresh = { ...batch(), decision: new Uint8Array(ROWS).fill(2) };
    holdBatch(999, 'fresh.csv', new BatchTableView(uci, fresh)); // never stored: only memory can answer
    expect((await readBatchPage(db, 999, 'poisonous', 0, 10)).total).toBe(ROWS);
    expect((await readBatchPage(db, older, 'poisonous', 0, 10)).total).toBe(43);
    // One batch at a time: reading the older one let the fresh one go.
    await expect(readBatchPage(db, 999, 'all', 0, 10)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a page size it will not send, naming it', async () => {
    const id = await logBatch(db, batch());
    await expect(readBatchPage(db, id, 'all', 0, 0)).rejects.toMatchObject({ code: 'invalid-argument', message: 'A page holds 1 to 500 rows, not 0.' });
    await expect(readBatchPage(db, id, 'all', 0, 100_000)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(readBatchPage(db, id, 'all', NaN, 50)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('writes the download from the same rows the pages show', async () => {
    const id = await logBatch(db, batch());
    const page = await readBatchPage(db, id, 'uncertain', 0, 50);
    const { fileName, blob } = await exportBatchCsv(db, id, 'uncertain', new AbortController().signal);
    expect(fileName).toBe('forest-predictions-v1.csv');
    const table = Papa.parse<string[]>((await blob.text()).trim()).data;
    expect(table).toHaveLength(1 + page.total);
    expect(table.slice(1, 51)).toEqual(page.cells);
  });
});
