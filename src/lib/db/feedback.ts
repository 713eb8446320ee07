import { EngineError } from '$lib/engine/errors';
import type { BatchFeedbackRow, PredictionRow, SporeprintDb } from './db';
import { getSetting, setSetting } from './settings';
import { storageError } from './storageErrors';

const RETRAIN_EVERY_KEY = 'retrainEvery';
const DEFAULT_RETRAIN_EVERY = 10;

export function getRetrainEvery(db: SporeprintDb): Promise<number> {
  return getSetting(db, RETRAIN_EVERY_KEY, DEFAULT_RETRAIN_EVERY);
}

export async function setRetrainEvery(db: SporeprintDb, k: number): Promise<void> {
  if (!Number.isInteger(k) || k < 1 || k > 10000) throw new EngineError('invalid-argument', 'Enter a whole number of feedbacks from 1 to 10,000.');
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

/**
 * Submits a batch file's own class column as expert feedback for each of its rows. Submitting the
 * same labels again changes nothing (rows a retraining used are not counted twice).
 */
export async function setBatchFeedback(db: SporeprintDb, batchId: number): Promise<BatchFeedbackRow> {
  try {
    return await db.transaction('rw', db.predictionBatches, db.batchFeedback, async () => {
      const batch = await db.predictionBatches.get(batchId);
      if (!batch) throw new EngineError('not-found', `Batch #${batchId} does not exist.`);
      if (!batch.label) throw new EngineError('invalid-argument', `${batch.source} had no class column: there are no labels to submit as feedback.`);
      const existing = await db.batchFeedback.get(batchId);
      if (existing) return existing;
      const row: BatchFeedbackRow = { batchId, workspaceId: batch.workspaceId, label: batch.label.slice(), at: Date.now() };
      await db.batchFeedback.put(row);
      return row;
    });
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw storageError(e, 'the feedback');
  }
}

/** Feedback no retraining has used yet: single predictions and whole batches. */
export interface PendingFeedback {
  singles: PredictionRow[];
  batches: BatchFeedbackRow[];
  /** Labelled rows in all of them: the count towards the next retraining. */
  count: number;
}

export async function pendingFeedback(db: SporeprintDb, workspaceId: string): Promise<PendingFeedback> {
  const singles = await db.predictions
    .where('[workspaceId+createdAt]')
    .between([workspaceId, -Infinity], [workspaceId, Infinity])
    .filter((p) => !!p.feedback && p.feedback.usedByRun === undefined)
    .toArray();
  const batches = await db.batchFeedback
    .where('workspaceId')
    .equals(workspaceId)
    .filter((b) => b.usedByRun === undefined)
    .toArray();
  return { singles, batches, count: singles.length + batches.reduce((n, b) => n + b.label.length, 0) };
}

/**
 * A retraining that ended without a verdict (it failed, or was cancelled) on `count` waiting
 * feedbacks. The rule against looping on a failure: while it stands, the same feedback does not start
 * another retraining — not when the run ends, not on a reload, not when k is saved. It is lifted when
 * new feedback arrives (more than `count` waiting) and that retraining reaches a verdict. A run cut
 * short by a closed tab or a crash writes no hold: the next start retries it.
 */
export interface RetrainHold {
  at: number;
  count: number;
  /** The failed run, or null when it failed before a run was recorded. */
  runId: number | null;
  status: 'failed' | 'cancelled';
  message: string;
}

const holdKey = (workspaceId: string) => `retrainHold:${workspaceId}`;

export async function getRetrainHold(db: SporeprintDb, workspaceId: string): Promise<RetrainHold | null> {
  return getSetting<RetrainHold | null>(db, holdKey(workspaceId), null);
}

export async function setRetrainHold(db: SporeprintDb, workspaceId: string, hold: RetrainHold): Promise<void> {
  await setSetting(db, holdKey(workspaceId), hold);
}

/** k reached, and not only by the feedback a failed retraining already had (see RetrainHold). */
export function isRetrainDue(count: number, k: number, hold: RetrainHold | null): boolean {
  return count >= k && !(hold && count <= hold.count);
}

export interface RetrainCheck {
  k: number;
  pending: PendingFeedback;
  hold: RetrainHold | null;
  due: boolean;
}

/** k, the waiting feedback and any hold, read in one transaction: one consistent answer to "is a retraining due?". */
export async function retrainCheck(db: SporeprintDb, workspaceId: string): Promise<RetrainCheck> {
  return db.transaction('r', db.settings, db.predictions, db.batchFeedback, async () => {
    const k = await getRetrainEvery(db);
    const pending = await pendingFeedback(db, workspaceId);
    const hold = await getRetrainHold(db, workspaceId);
    return { k, pending, hold, due: isRetrainDue(pending.count, k, hold) };
  });
}

/** A retraining reached its verdict: its feedback is spent and any hold lifted, together. */
export async function completeRetraining(db: SporeprintDb, workspaceId: string, pending: Pick<PendingFeedback, 'singles' | 'batches'>, runId: number): Promise<void> {
  await db.transaction('rw', db.predictions, db.batchFeedback, db.settings, async () => {
    await markFeedbackUsed(db, pending, runId);
    await db.settings.delete(holdKey(workspaceId));
  });
}

async function markFeedbackUsed(db: SporeprintDb, pending: Pick<PendingFeedback, 'singles' | 'batches'>, runId: number): Promise<void> {
  await db.transaction('rw', db.predictions, db.batchFeedback, async () => {
    for (const { id } of pending.singles) {
      const row = await db.predictions.get(id!);
      if (row?.feedback && row.feedback.usedByRun === undefined) await db.predictions.put({ ...row, feedback: { ...row.feedback, usedByRun: runId } });
    }
    for (const { batchId } of pending.batches) await db.batchFeedback.update(batchId, { usedByRun: runId });
  });
}
