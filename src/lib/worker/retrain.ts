import type { SporeprintDb } from '$lib/db/db';
import { completeRetraining, retrainCheck, setRetrainHold, type PendingFeedback } from '$lib/db/feedback';
import { getProduction, loadBundle, noteStage, setStage } from '$lib/db/registry';
import { getRunningTest } from '$lib/db/abtests';
import { appendLog } from '$lib/db/runs';
import { listDatasetVersions } from '$lib/db/datasets';
import { workspaceSchema } from '$lib/db/workspaces';
import type { Dataset } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import { datasetFromInput } from '$lib/engine/ml/explain';
import { loadModel } from '$lib/engine/ml/families';
import { gateRetrained, type GateScores } from '$lib/engine/ml/gate';
import { Preprocessor } from '$lib/engine/ml/preprocess';
import { concatDatasets, DEFAULT_SPLIT, stratifiedSplit, takeDatasetRows } from '$lib/engine/ml/split';
import { isEngineError } from '$lib/engine/errors';
import { trainModel } from './training';

/** What made the app look for a due retraining; named in the run's log. */
export type RetrainTrigger = 'feedback' | 'settings' | 'start' | 'merge';

/** One look under the lock: nothing due (with the waiting count seen), or a retraining that ended (any way). */
export type RetrainAttempt = { ran: false; count: number } | { ran: true; runId: number | null; failed: boolean };

type Locked<T> = { acquired: true; value: T } | { acquired: false };

/** Runs `fn` only if the named lock is free (else `{ acquired: false }`): the Web Lock in a browser. */
export type TryLock = <T>(name: string, fn: () => Promise<T>) => Promise<Locked<T>>;

const webTryLock: TryLock = async <T>(name: string, fn: () => Promise<T>): Promise<Locked<T>> => {
  // Without Web Locks (Safari before 15.4) tabs are not kept apart: Settings warns to use one tab.
  if (typeof navigator === 'undefined' || !navigator.locks) return { acquired: true, value: await fn() };
  let out: Locked<T> = { acquired: false };
  await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) out = { acquired: true, value: await fn() };
  });
  return out;
};

export interface RetrainDeps {
  tryLock: TryLock;
  /** One check-and-retrain, called while the lock is held. */
  attempt: (db: SporeprintDb, workspaceId: string, notes: string[]) => Promise<RetrainAttempt>;
}

/**
 * After each feedback, when k is saved, and at start: when k feedbacks are waiting, one retraining
 * runs — one per workspace across every open tab (a Web Lock, taken only if free), while predictions
 * keep being served by the current production model. A caller that finds the lock taken just
 * returns: the holder looks again when it lets go, so feedback that arrives while a retraining runs
 * (in any tab) starts the next one as soon as it ends. A failed retraining does not restart on the
 * same feedback (RetrainHold, db/feedback.ts); a crash leaves production as it was and the feedback
 * still waiting, so the next start retries.
 */
export async function maybeRetrain(db: SporeprintDb, workspaceId: string, trigger: RetrainTrigger, deps: Partial<RetrainDeps> = {}): Promise<void> {
  const { tryLock = webTryLock, attempt = retrainIfDue } = deps;
  let notes = [TRIGGER_NOTE[trigger]];
  for (;;) {
    const got = await tryLock(`sporeprint-retrain-${workspaceId}`, () => attempt(db, workspaceId, notes));
    if (!got.acquired) return; // another tab (or call) is retraining: it looks again when it ends
    const last = got.value;
    if (last.ran) {
      notes = [`Started when run #${last.runId ?? '?'} ended (${last.failed ? 'failed' : 'verdict recorded'}): feedback that arrived while it ran reached k.`];
      continue;
    }
    // Nothing was due under the lock. Feedback saved meanwhile found the lock taken and left the
    // check to us: look once more, and go round again only if the waiting count has moved.
    const now = await retrainCheck(db, workspaceId);
    if (!now.due || now.pending.count === last.count) return;
    notes = [`Started after ${now.pending.count} feedbacks were waiting.`];
  }
}

const TRIGGER_NOTE: Record<RetrainTrigger, string> = {
  feedback: 'Started by a feedback that reached k.',
  settings: 'Started when k was saved at or below the feedback already waiting.',
  start: 'Started when the app opened: feedback was waiting (a retraining cut short by a reload or a closed tab).',
  merge: 'Started by feedback merged from a backup, which reached k.',
};

/**
 * Checks (in one transaction) and, if due, retrains. Any failure from here on — training, the gate,
 * recording the verdict — writes a RetrainHold, so the loop above does not start again on the same
 * feedback; the hold is also stated in the failed run's log.
 */
async function retrainIfDue(db: SporeprintDb, workspaceId: string, notes: string[]): Promise<RetrainAttempt> {
  const check = await retrainCheck(db, workspaceId);
  if (!check.due) return { ran: false, count: check.pending.count };
  const { pending } = check;
  const production = await getProduction(db, workspaceId);
  const [reference] = await listDatasetVersions(db, workspaceId);
  const schema = await workspaceSchema(db, workspaceId);
  if (!production || !reference || !schema) return { ran: false, count: pending.count }; // nothing to retrain from yet; the feedback keeps waiting
  let runId: number | null = null;
  try {
    const prodBundle = await loadBundle(db, production.id!);
    const feedback = await feedbackDataset(db, schema, pending);
    const reason = `${pending.count} new feedbacks`;
    // Same recipe and the same guarantee as production. The 5-fold check is skipped: it would make every
    // automatic retraining (on a phone, in the background) take about six times as long, and the gate
    // below decides on the held-out test split; training from the Models page runs it.
    const g = prodBundle.threshold.guarantee;
    const out = await trainModel(
      db,
      {
        workspaceId,
        datasetVersionId: reference.id!,
        kind: prodBundle.kind,
        params: prodBundle.params,
        seed: prodBundle.seed,
        alpha: g?.alpha,
        delta: g?.delta,
        crossValidate: false,
      },
      new AbortController().signal,
      undefined,
      { extraRows: feedback, reason, feedbackCount: pending.count, notes, onRun: (id) => (runId = id) },
    );

    await gateAndStage(db, schema, workspaceId, prodBundle, out, feedback, reason);
    // Last: until the verdict is recorded, a crash leaves the feedback waiting and the next start retries.
    await completeRetraining(db, workspaceId, pending, out.runId);
    return { ran: true, runId: out.runId, failed: false };
  } catch (e) {
    const cancelled = isEngineError(e) && e.code === 'cancelled';
    const message = (e as Error).message;
    await setRetrainHold(db, workspaceId, { at: Date.now(), count: pending.count, runId, status: cancelled ? 'cancelled' : 'failed', message });
    if (runId !== null) await appendLog(db, runId, holdNote(pending.count)).catch(() => {});
    console.error('retraining failed', e);
    return { ran: true, runId, failed: true };
  }
}

/**
 * The gate compares both versions on the reference data's held-out test split (feedback only ever
 * joins the training split) and on the feedback rows; a pass promotes the new version, unless an A/B
 * test runs: neither arm is replaced mid-test, so the new version waits in staging.
 */
async function gateAndStage(
  db: SporeprintDb,
  schema: WorkspaceSchema,
  workspaceId: string,
  prodBundle: ModelBundle,
  out: { runId: number; versionId: number; bundle: ModelBundle; dataset: Dataset },
  feedback: Dataset,
  reason: string,
): Promise<void> {
  const idx = stratifiedSplit(out.dataset.label, DEFAULT_SPLIT, prodBundle.seed);
  const test = takeDatasetRows(out.dataset, idx.test);
  const [oldScores, newScores] = [await score(schema, prodBundle, test, feedback), await score(schema, out.bundle, test, feedback)];
  const verdict = gateRetrained(oldScores, newScores);
  await appendLog(db, out.runId, `Gate: ${verdict.reason}`);
  const abTest = await getRunningTest(db, workspaceId);
  if (verdict.passed && abTest) {
    await noteStage(db, out.versionId, `${reason}: ${verdict.reason}; waits in staging while A/B test #${abTest.id} runs`, 'auto', { waitsForAbTest: abTest.id });
  } else if (verdict.passed) {
    // The serving worker (in every tab) sees the new production version in IndexedDB and swaps to it.
    await setStage(db, out.versionId, 'production', `${reason}: ${verdict.reason}`, 'auto');
  } else {
    await noteStage(db, out.versionId, `${reason}: ${verdict.reason}`, 'auto');
  }
}

/** The rule against a failure loop, as the run log states it. */
function holdNote(count: number): string {
  return `Not restarted on the same ${count} feedbacks: the next retraining starts when new feedback arrives.`;
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
