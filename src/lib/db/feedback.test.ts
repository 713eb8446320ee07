import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type PredictionBatchRow, type PredictionRow } from './db';
import { completeRetraining, getRetrainEvery, getRetrainHold, pendingFeedback, retrainCheck, setBatchFeedback, setFeedback, setRetrainEvery, setRetrainHold } from './feedback';
import { logPrediction } from './predictions';

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`feedback-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

const prediction = (workspaceId = 'uci'): Omit<PredictionRow, 'id'> => ({
  workspaceId,
  versionId: 1,
  version: 1,
  kind: 'mlp',
  createdAt: Date.now(),
  source: 'form',
  input: { odor: 'f' },
  pPoisonous: 0.9,
  decision: 'poisonous',
  latencyMs: 2,
  uid: crypto.randomUUID(),
});

describe('feedback', () => {
  it('counts pending feedback per workspace, one per prediction (editing replaces), and survives a new connection', async () => {
    const a = await logPrediction(db, prediction());
    const b = await logPrediction(db, prediction());
    await logPrediction(db, prediction('secondary'));
    await setFeedback(db, a, 1);
    await setFeedback(db, a, 0); // the expert changed their mind: still one feedback
    await setFeedback(db, b, 1);
    expect((await pendingFeedback(db, 'uci')).singles.map((p) => [p.id, p.feedback?.label])).toEqual([
      [a, 0],
      [b, 1],
    ]);
    expect((await pendingFeedback(db, 'secondary')).count).toBe(0);
    const again = new SporeprintDb(db.name); // a reload: the count is in IndexedDB, not in memory
    expect((await pendingFeedback(again, 'uci')).count).toBe(2);
    again.close();
  });

  it('stops counting feedback a retraining used, unless the expert changes the label', async () => {
    const a = await logPrediction(db, prediction());
    const b = await logPrediction(db, prediction());
    await setFeedback(db, a, 1);
    await setFeedback(db, b, 1);
    await completeRetraining(db, 'uci', await pendingFeedback(db, 'uci'), 7);
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
    await setFeedback(db, a, 1); // same answer again: already learnt
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
    await setFeedback(db, b, 0); // a correction: counts towards the next retraining
    expect((await pendingFeedback(db, 'uci')).singles.map((p) => p.id)).toEqual([b]);
    expect((await db.predictions.get(a))?.feedback?.usedByRun).toBe(7);
  });

  it("counts a batch file's class column as one feedback per row, once, and marks it used with the singles", async () => {
    const batch = (label: Uint8Array | null): Omit<PredictionBatchRow, 'id'> => ({
      workspaceId: 'uci',
      versionId: 1,
      version: 1,
      kind: 'mlp',
      createdAt: Date.now(),
      source: 'field.csv',
      rows: 3,
      columns: [],
      label,
      pPoisonous: new Float32Array(3),
      decision: new Uint8Array(3),
      edibleAbove: 0.9,
      predictMs: 1,
      uid: crypto.randomUUID(),
    });
    const labelled = (await db.predictionBatches.add(batch(Uint8Array.of(1, 0, 1)))) as number;
    const unlabelled = (await db.predictionBatches.add(batch(null))) as number;
    await expect(setBatchFeedback(db, unlabelled)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('field.csv had no class column') });
    await expect(setBatchFeedback(db, 999)).rejects.toMatchObject({ code: 'not-found' });
    await setBatchFeedback(db, labelled);
    await setBatchFeedback(db, labelled); // pressed twice: still three feedbacks
    const single = await logPrediction(db, prediction());
    await setFeedback(db, single, 0);
    const pending = await pendingFeedback(db, 'uci');
    expect(pending.count).toBe(4);
    expect([...pending.batches[0].label]).toEqual([1, 0, 1]);
    await completeRetraining(db, 'uci', pending, 9);
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
    expect((await db.batchFeedback.get(labelled))?.usedByRun).toBe(9);
    await setBatchFeedback(db, labelled); // submitted again after use: not counted twice
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
  });

  it('keeps k in settings, default 10, and refuses nonsense', async () => {
    expect(await getRetrainEvery(db)).toBe(10); // PRODUCT.md: every 10 feedbacks by default
    await setRetrainEvery(db, 3);
    expect(await getRetrainEvery(db)).toBe(3);
    await expect(setRetrainEvery(db, 0)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(setFeedback(db, 999, 1)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('is due once the waiting feedback reaches k, including when k is lowered to what is already waiting', async () => {
    for (let i = 0; i < 4; i++) await setFeedback(db, await logPrediction(db, prediction()), 1);
    expect(await retrainCheck(db, 'uci')).toMatchObject({ k: 10, due: false, pending: { count: 4 } });
    await setRetrainEvery(db, 5);
    expect((await retrainCheck(db, 'uci')).due).toBe(false);
    await setRetrainEvery(db, 4); // lowered to exactly what waits
    expect(await retrainCheck(db, 'uci')).toMatchObject({ k: 4, due: true });
    expect((await retrainCheck(db, 'secondary')).due).toBe(false);
  });

  it('holds feedback a failed retraining had until new feedback arrives; the verdict of a later one lifts the hold', async () => {
    await setRetrainEvery(db, 2);
    const ids = [await logPrediction(db, prediction()), await logPrediction(db, prediction()), await logPrediction(db, prediction())];
    await setFeedback(db, ids[0], 1);
    await setFeedback(db, ids[1], 0);
    await setRetrainHold(db, 'uci', { at: 1, count: 2, runId: 5, status: 'failed', message: 'out of memory' });
    const again = new SporeprintDb(db.name); // the hold is stored: a reload does not retry the same feedback
    expect(await retrainCheck(again, 'uci')).toMatchObject({ due: false, hold: { runId: 5, count: 2 }, pending: { count: 2 } });
    again.close();
    await setRetrainEvery(db, 1); // saving k does not lift it either
    expect((await retrainCheck(db, 'uci')).due).toBe(false);
    await setFeedback(db, ids[2], 1); // new feedback: due again, on all three
    const check = await retrainCheck(db, 'uci');
    expect(check).toMatchObject({ due: true, pending: { count: 3 } });
    await completeRetraining(db, 'uci', check.pending, 6);
    expect(await getRetrainHold(db, 'uci')).toBeNull();
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
    expect((await db.predictions.get(ids[2]))?.feedback?.usedByRun).toBe(6);
  });
});
