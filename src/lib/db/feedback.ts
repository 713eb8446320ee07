import { EngineError } from '$lib/engine/errors';
import type { PredictionRow, SporeprintDb } from './db';
import { getSetting, setSetting } from './settings';
import { storageError } from './storageErrors';

export const RETRAIN_EVERY_KEY = 'retrainEvery';
export const DEFAULT_RETRAIN_EVERY = 10;

export function getRetrainEvery(db: SporeprintDb): Promise<number> {
  return getSetting(db, RETRAIN_EVERY_KEY, DEFAULT_RETRAIN_EVERY);
}

export async function setRetrainEvery(db: SporeprintDb, k: number): Promise<void> {
  if (!Number.isInteger(k) || k < 1 || k > 10000) throw new EngineError('invalid-argument', 'Retrain every k feedbacks: k must be a whole number from 1 to 10000.');
  await setSetting(db, RETRAIN_EVERY_KEY, k);
}

/**
 * Records an expert's label for a logged prediction. One feedback per prediction: editing replaces
 * it; a changed label that a retraining already used counts again, an unchanged one does not.
 */
export async function setFeedback(db: SporeprintDb, predictionId: number, label: 0 | 1): Promise<PredictionRow> {
  try {
    return await db.transaction('rw', db.predictions, async () => {
      const row = await db.predictions.get(predictionId);
      if (!row) throw new EngineError('not-found', `Prediction #${predictionId} does not exist.`);
      const usedByRun = row.feedback?.label === label ? row.feedback.usedByRun : undefined;
      row.feedback = { label, at: Date.now(), ...(usedByRun !== undefined ? { usedByRun } : {}) };
      await db.predictions.put(row);
      return row;
    });
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw storageError(e, 'the feedback');
  }
}

/** Feedback no retraining has used yet: the count towards the next one. */
export async function pendingFeedback(db: SporeprintDb, workspaceId: string): Promise<PredictionRow[]> {
  return db.predictions.where('[workspaceId+createdAt]').between([workspaceId, -Infinity], [workspaceId, Infinity]).filter((p) => !!p.feedback && p.feedback.usedByRun === undefined).toArray();
}

export async function markFeedbackUsed(db: SporeprintDb, ids: number[], runId: number): Promise<void> {
  await db.transaction('rw', db.predictions, async () => {
    for (const id of ids) {
      const row = await db.predictions.get(id);
      if (row?.feedback && row.feedback.usedByRun === undefined) await db.predictions.put({ ...row, feedback: { ...row.feedback, usedByRun: runId } });
    }
  });
}
