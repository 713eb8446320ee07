import type { SporeprintDb } from '$lib/db/db';
import { markFeedbackUsed, pendingFeedback, getRetrainEvery, type PendingFeedback } from '$lib/db/feedback';
import { getProduction, loadBundle, noteStage, setStage } from '$lib/db/registry';
import { getRunningTest } from '$lib/db/abtests';
import { updateRun } from '$lib/db/runs';
import { listDatasetVersions } from '$lib/db/datasets';
import { allSchemas } from '$lib/db/workspaces';
import type { Dataset } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import { datasetFromInput } from '$lib/engine/ml/explain';
import { loadModel } from '$lib/engine/ml/families';
import { gateRetrained, type GateScores } from '$lib/engine/ml/gate';
import { Preprocessor } from '$lib/engine/ml/preprocess';
import { concatDatasets, DEFAULT_SPLIT, stratifiedSplit, takeDatasetRows } from '$lib/engine/ml/split';
import { trainModel } from './training';

/**
 * After each feedback: when k feedbacks are waiting, one retraining runs — one per workspace across
 * every open tab (a Web Lock), while predictions keep being served by the current production model.
 * A crash leaves production as it was and the feedback still waiting, so the next check retries.
 */
export async function maybeRetrain(db: SporeprintDb, workspaceId: string): Promise<void> {
  const run = () => retrainIfDue(db, workspaceId);
  if (!navigator.locks) return run();
  await navigator.locks.request(`sporeprint-retrain-${workspaceId}`, { ifAvailable: true }, async (lock) => {
    if (lock) await run(); // another tab is retraining: it will serve every tab through the shared database
  });
}

async function retrainIfDue(db: SporeprintDb, workspaceId: string): Promise<void> {
  const k = await getRetrainEvery(db);
  const pending = await pendingFeedback(db, workspaceId);
  if (pending.count < k) return;
  const production = await getProduction(db, workspaceId);
  const [reference] = await listDatasetVersions(db, workspaceId);
  const schema = (await allSchemas(db)).find((s) => s.id === workspaceId);
  if (!production || !reference || !schema) return; // nothing to retrain from yet; the feedback keeps waiting
  const prodBundle = await loadBundle(db, production.id!);
  const feedback = await feedbackDataset(db, schema, pending);
  const reason = `${pending.count} new feedbacks`;

  // Same recipe and the same guarantee as production. The 5-fold check is skipped: it would make every
  // automatic retraining (on a phone, in the background) take about six times as long, and the gate
  // below decides on the held-out test split; training from the Models page runs it.
  const g = prodBundle.threshold.guarantee;
  const out = await trainModel(
    db,
    { workspaceId, datasetVersionId: reference.id!, kind: prodBundle.kind, params: prodBundle.params, seed: prodBundle.seed, alpha: g?.alpha, delta: g?.delta, crossValidate: false },
    new AbortController().signal,
    undefined,
    { extraRows: feedback, reason },
  );

  // The gate compares both versions on the reference data's held-out test split (feedback only ever
  // joins the training split) and on the feedback rows.
  const idx = stratifiedSplit(out.dataset.label, DEFAULT_SPLIT, prodBundle.seed);
  const test = takeDatasetRows(out.dataset, idx.test);
  const [oldScores, newScores] = [await score(schema, prodBundle, test, feedback), await score(schema, out.bundle, test, feedback)];
  const verdict = gateRetrained(oldScores, newScores);
  const run = await db.runs.get(out.runId);
  await updateRun(db, out.runId, { log: [...(run?.log ?? []), `Gate: ${verdict.reason}`] });
  const abTest = await getRunningTest(db, workspaceId);
  if (verdict.passed && abTest) {
    // Neither arm of a running A/B test is replaced mid-test: the new version waits.
    await noteStage(db, out.versionId, `${reason}: ${verdict.reason}; waits in staging while A/B test #${abTest.id} runs`, 'auto');
  } else if (verdict.passed) {
    // The serving worker (in every tab) sees the new production version in IndexedDB and swaps to it.
    await setStage(db, out.versionId, 'production', `${reason}: ${verdict.reason}`, 'auto');
  } else {
    await noteStage(db, out.versionId, `${reason}: ${verdict.reason}`, 'auto');
  }
  // Last: until the verdict is recorded, a crash leaves the feedback waiting and the next start retries.
  await markFeedbackUsed(db, pending, out.runId);
}

/** Feedback as rows of the workspace schema, labelled with the expert's answer: single predictions, then batches. */
async function feedbackDataset(db: SporeprintDb, schema: WorkspaceSchema, pending: PendingFeedback): Promise<Dataset> {
  const parts: Dataset[] = pending.singles.map((r) => {
    const d = datasetFromInput(schema, r.input);
    d.label[0] = r.feedback!.label;
    return d;
  });
  for (const fb of pending.batches) {
    const batch = await db.predictionBatches.get(fb.batchId);
    if (batch) parts.push({ rows: batch.rows, label: fb.label, columns: batch.columns });
  }
  return parts.reduce((a, b) => concatDatasets(a, b));
}

async function score(schema: WorkspaceSchema, bundle: ModelBundle, test: Dataset, feedback: Dataset): Promise<GateScores> {
  const pre = Preprocessor.load(schema, bundle.preprocessor);
  const model = await loadModel(bundle.model);
  try {
    return {
      test: { y: test.label, p: await model.predictProba(pre.transform(test).x) },
      feedback: { y: feedback.label, p: await model.predictProba(pre.transform(feedback).x) },
      threshold: bundle.threshold,
    };
  } finally {
    model.dispose();
  }
}
