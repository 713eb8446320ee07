import type { PredictionRow, SporeprintDb } from './db';
import { storageError } from './storageErrors';

/** Logs one served prediction; a full disk must not lose the answer, so the caller shows it either way. */
export async function logPrediction(db: SporeprintDb, row: Omit<PredictionRow, 'id'>): Promise<number> {
  try {
    return (await db.predictions.add(row)) as number;
  } catch (e) {
    throw storageError(e, 'the prediction log');
  }
}

/** The newest predictions of a workspace first. */
export async function listPredictions(db: SporeprintDb, workspaceId: string, limit = 200): Promise<PredictionRow[]> {
  return db.predictions.where('[workspaceId+createdAt]').between([workspaceId, -Infinity], [workspaceId, Infinity]).reverse().limit(limit).toArray();
}
