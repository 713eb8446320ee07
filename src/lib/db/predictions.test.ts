import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb, type PredictionBatchRow } from './db';
import { logBatch } from './predictions';

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`predictions-test-${++n}`);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

const batch = (): Omit<PredictionBatchRow, 'id'> => ({
  workspaceId: 'uci',
  versionId: 1,
  version: 1,
  kind: 'mlp',
  createdAt: Date.now(),
  source: 'forest.csv',
  rows: 1200,
  columns: [],
  label: null,
  pPoisonous: new Float32Array(1200),
  decision: new Uint8Array(1200),
  edibleAbove: 0.9,
  predictMs: 3,
  uid: crypto.randomUUID(),
});

describe('logBatch', () => {
  it('stores a batch and returns its id', async () => {
    const id = await logBatch(db, batch());
    expect((await db.predictionBatches.get(id))?.rows).toBe(1200);
  });

  it('says what is full and what to do when storage is full, instead of a raw QuotaExceededError', async () => {
    const first = await logBatch(db, batch());
    vi.spyOn(db.predictionBatches, 'add').mockRejectedValue(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }));
    const err = await logBatch(db, batch()).catch((e) => e);
    expect(err).toMatchObject({ code: 'quota-exceeded' });
    expect(err.message).toBe(
      'Not enough storage space to save the predictions for forest.csv (1,200 rows). Nothing was saved and nothing already stored was lost. Free space (delete old data versions) or allow persistent storage, then try again.',
    );
    expect(await db.predictionBatches.count()).toBe(1);
    expect(await db.predictionBatches.get(first)).toBeDefined();
  });
});
