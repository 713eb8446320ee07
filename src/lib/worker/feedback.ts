import type { SporeprintDb } from '$lib/db/db';
import { autoConclude } from '$lib/db/abtests';
import { setBatchFeedback, setFeedback, setRetrainEvery } from '$lib/db/feedback';
import { allSchemas } from '$lib/db/workspaces';
import { maybeRetrain, type RetrainTrigger } from './retrain';

/** An expert's label for a logged prediction; what it sets off runs in the background. */
export async function submitFeedback(db: SporeprintDb, predictionId: number, label: 0 | 1): Promise<void> {
  const row = await setFeedback(db, predictionId, label);
  // In the background: the feedback call returns at once and predictions go on being served.
  void afterFeedback(db, row.workspaceId);
}

/** A batch file's class column as feedback for each of its rows; returns how many rows that is. */
export async function submitBatchFeedback(db: SporeprintDb, batchId: number): Promise<{ rows: number }> {
  const row = await setBatchFeedback(db, batchId);
  void afterFeedback(db, row.workspaceId);
  return { rows: row.label.length };
}

/** Saves k; every workspace whose waiting feedback now reaches it starts its retraining in the background. */
export async function saveRetrainEvery(db: SporeprintDb, k: number): Promise<void> {
  await setRetrainEvery(db, k);
  // k is one setting for every workspace: each one whose waiting feedback now reaches it starts at
  // once, under the same lock as a feedback's check (so two tabs saving k start one retraining).
  for (const { id } of await allSchemas(db)) void retrainInBackground(db, id, 'settings');
}

/** At start: a retraining cut short by a reload or crash left its feedback waiting; pick it up. */
export function resumeRetraining(db: SporeprintDb, workspaceIds: string[]): void {
  for (const workspaceId of workspaceIds) void retrainInBackground(db, workspaceId, 'start');
}

/** Feedback merged from a backup counts like any other: it may conclude an A/B test and start a retraining. */
export function mergedFeedbackArrived(db: SporeprintDb, workspaceId: string): void {
  void afterFeedback(db, workspaceId, 'merge');
}

/** Feedback may conclude an A/B test (auto-conclude) and start a retraining; neither may fail the call. */
async function afterFeedback(db: SporeprintDb, workspaceId: string, trigger: RetrainTrigger = 'feedback'): Promise<void> {
  try {
    await autoConclude(db, workspaceId);
  } catch (e) {
    console.error('auto-concluding the A/B test failed', e);
  }
  await retrainInBackground(db, workspaceId, trigger);
}

/** A failed retraining is recorded in its run; it must never take the worker down. */
async function retrainInBackground(db: SporeprintDb, workspaceId: string, trigger: RetrainTrigger): Promise<void> {
  try {
    await maybeRetrain(db, workspaceId, trigger);
  } catch (e) {
    console.error('retraining failed', e);
  }
}
