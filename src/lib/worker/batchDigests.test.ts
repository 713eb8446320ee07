// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb, type PredictionBatchRow } from '$lib/db/db';
import { listBatchSummaries, logBatch } from '$lib/db/predictions';
import { batchDigests } from './batchDigests';
import { testBatch } from '$lib/testing/batchRow';

/** `rows` rows: decisions cycle edible, uncertain, poisonous; the class (when given) is poisonous on odd rows. */
function batch(rows: number, createdAt: number, withClass: boolean): Omit<PredictionBatchRow, 'id'> {
  return testBatch(rows, { createdAt, source: `b${createdAt}.csv`, label: withClass ? Uint8Array.from({ length: rows }, (_, i) => i % 2) : null });
}

let db: SporeprintDb;
let n = 0;
/** Times of this test's batches: the worker keeps digests by id and time, and every test's ids start at 1. */
let t0 = 0;
beforeEach(() => {
  db = new SporeprintDb(`batch-digests-test-${++n}`);
  t0 = n * 1_000_000;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

const summaries = () => listBatchSummaries(db, 'uci', (refs) => batchDigests(db, refs));

describe('the list of batches', () => {
  it('counts each batch, newest first, and reads a stored batch only the first time', async () => {
    await logBatch(db, batch(6, t0 + 1000, true));
    await logBatch(db, batch(9, t0 + 2000, false));
    const reads = vi.spyOn(db.predictionBatches, 'get');
    const first = await summaries();
    expect(first.map((s) => [s.source, s.rows, s.counts, s.hasClass, s.poisonousCalledEdible])).toEqual([
      [`b${t0 + 2000}.csv`, 9, { edible: 3, uncertain: 3, poisonous: 3 }, false, null],
      // Rows 0 and 3 are called edible; row 3's class is poisonous.
      [`b${t0 + 1000}.csv`, 6, { edible: 2, uncertain: 2, poisonous: 2 }, true, 1],
    ]);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(await summaries()).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('joins the feedback given to a batch, and leaves out a batch erased meanwhile', async () => {
    const a = await logBatch(db, batch(3, t0 + 1000, true));
    const b = await logBatch(db, batch(3, t0 + 2000, true));
    await db.batchFeedback.put({ batchId: a, workspaceId: 'uci', label: Uint8Array.of(0, 1, 0), at: 5000 });
    const refs = [
      { id: a, createdAt: t0 + 1000 },
      { id: b, createdAt: t0 + 2000 },
    ];
    await db.predictionBatches.delete(b);
    expect((await batchDigests(db, refs)).map((d) => d.id)).toEqual([a]);
    expect((await summaries()).map((s) => [s.id, s.feedback])).toEqual([[a, { at: 5000 }]]);
  });

  it('a batch stored under an id a digest was kept for (after "erase everything") is read anew', async () => {
    const id = await logBatch(db, batch(3, t0 + 1000, true));
    expect((await batchDigests(db, [{ id, createdAt: t0 + 1000 }]))[0].rows).toBe(3);
    await db.predictionBatches.put({ ...batch(6, t0 + 7000, true), id });
    expect((await batchDigests(db, [{ id, createdAt: t0 + 7000 }]))[0].rows).toBe(6);
  });
});
