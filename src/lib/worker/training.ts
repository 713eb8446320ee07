import { loadDataset } from '$lib/db/datasets';
import type { DatasetVersionRow, SporeprintDb } from '$lib/db/db';
import { registerModelVersion } from '$lib/db/registry';
import { runLockName, startRun, updateRun } from '$lib/db/runs';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError, isEngineError, throwIfCancelled } from '$lib/engine/errors';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import type { Dataset } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { runTrainingPipeline } from '$lib/engine/ml/pipeline';
import { checkTrainingFits, trainingBytes } from '$lib/engine/ml/trainingMemory';
import { verifyBundle } from '$lib/engine/ml/verify';
import type { ProgressCallback } from '$lib/engine/progress';
import type { TrainOptions, TrainOutcome } from './api';
import { RunRecorder } from './runRecorder';
import { trainingMemoryBudget } from './memoryBudget';
import { initTfjs } from './tfjsBackend';

/** What a retraining adds to a plain run: the feedback rows, and why it started. */
export interface RetrainExtras {
  extraRows: Dataset;
  reason: string;
  /** Waiting feedbacks it learns from (rows: a batch counts each of its rows). */
  feedbackCount: number;
  /** First lines of its log: what started it. */
  notes?: string[];
  /** Told the run's id as soon as the run is recorded (a failure later still names its run). */
  onRun?: (runId: number) => void;
}

/**
 * One training run: a run row that the Models page watches (steps, epochs, log), the pipeline in
 * this worker, and — only if it finishes — a new staging version with its bundle, registered in one
 * transaction. Cancelled or failed runs register nothing.
 */
export async function trainModel(
  db: SporeprintDb,
  opts: TrainOptions,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
  retrain?: RetrainExtras,
): Promise<TrainOutcome & { bundle: ModelBundle; dataset: Dataset }> {
  await initTfjs();
  const schema = await workspaceSchema(db, opts.workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${opts.workspaceId}".`);
  const version = await db.datasetVersions.get(opts.datasetVersionId);
  if (!version || version.workspaceId !== opts.workspaceId) throw new EngineError('not-found', `Data version #${opts.datasetVersionId} is not in this workspace.`);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  // Refused here, before a run is recorded or a row loaded, when the estimate exceeds what the device allows.
  const rows = version.rows + (retrain?.extraRows.rows ?? 0);
  const memory = { schema, kind: opts.kind, crossValidate: opts.crossValidate !== false };
  checkTrainingFits(memory, rows, trainingMemoryBudget());

  const { run, runId } = await recordRun(db, opts, version, seed, retrain);

  // Held while this run lives: another tab starting up must not mark it interrupted.
  const releaseLock = await holdLock(runLockName(runId));
  try {
    const reference = await loadDataset(db, version.id!);
    if (retrain) run.lines.push(`${retrain.reason}: ${reference.rows} reference rows (split as before) + ${retrain.extraRows.rows} feedback rows in the training split.`);
    const result = await runTrainingPipeline(
      {
        workspaceId: opts.workspaceId,
        schema,
        dataset: reference,
        extraTrainRows: retrain?.extraRows,
        dataSha256: version.sha256,
        kind: opts.kind,
        params: opts.params,
        seed,
        alpha: opts.alpha,
        delta: opts.delta,
        crossValidate: opts.crossValidate,
        appVersion: __APP_VERSION__,
      },
      { signal, onStep: (id, status, ms) => run.step(id, status, ms), onLog: (line) => run.log(line), onEpoch: (e, loss, valLoss) => run.epoch(e, loss, valLoss), onProgress },
    );
    result.model.dispose(); // the registry holds the bundle; the live model is loaded on promotion
    throwIfCancelled(signal);
    const registered = await registerTrained(db, schema, run, result.bundle, retrain);
    await run.end({ status: 'finished', evaluation: result.bundle.evaluation, threshold: result.bundle.threshold }, `Registered as version v${registered.version} (staging).`);
    return { runId, versionId: registered.id!, version: registered.version, bundle: result.bundle, dataset: reference };
  } catch (caught) {
    const e = outOfMemory(caught) ? ranOutOfMemory(rows, trainingBytes(memory, rows)) : caught;
    const cancelled = isEngineError(e) && e.code === 'cancelled';
    await run.end({ status: cancelled ? 'cancelled' : 'failed', error: e }, cancelled ? 'Cancelled by the user: nothing was registered.' : `Failed: ${(e as Error).message}`);
    throw e;
  } finally {
    run.flush();
    releaseLock();
  }
}

/** The run row the Models page watches, recorded before any row is loaded; a retraining notes why it started. */
async function recordRun(db: SporeprintDb, opts: TrainOptions, version: DatasetVersionRow, seed: number, retrain?: RetrainExtras): Promise<{ run: RunRecorder; runId: number }> {
  const run = new RunRecorder(db);
  const runId = (run.runId = await startRun(db, {
    workspaceId: opts.workspaceId,
    datasetVersionId: version.id!,
    dataSha256: version.sha256,
    appVersion: __APP_VERSION__,
    kind: opts.kind,
    params: opts.params ?? {},
    seed,
    steps: run.steps,
    epochs: run.epochs,
    log: run.lines,
  }));
  if (retrain) {
    retrain.onRun?.(runId);
    for (const note of retrain.notes ?? []) run.lines.push(note);
    await updateRun(db, runId, { reason: retrain.reason, feedbackCount: retrain.feedbackCount, log: [...run.lines] });
  }
  return { run, runId };
}

/** The register step: the bundle's JSON (what must load and answer, not the model in memory) checked, then stored as a staging version. */
async function registerTrained(db: SporeprintDb, schema: WorkspaceSchema, run: RunRecorder, trained: ModelBundle, retrain?: RetrainExtras) {
  run.step('register', 'running');
  const t0 = Date.now();
  const bundle = await verifyBundle(schema, trained, retrain ? 'The retrained model' : 'The trained model');
  await run.settled();
  const registered = await registerModelVersion(db, {
    workspaceId: trained.workspaceId,
    runId: run.runId,
    bundle,
    source: retrain ? 'retrained' : 'trained',
    stage: 'staging',
    reason: retrain ? retrain.reason : 'trained from the Models page',
    actor: retrain ? 'auto' : 'user',
  });
  run.step('register', 'done', Date.now() - t0);
  return registered;
}

/** The browser's and tfjs-wasm's ways of saying an allocation failed (never a stack overflow: that is a bug, not a size). */
function outOfMemory(e: unknown): boolean {
  return e instanceof Error && !isEngineError(e) && /allocation failed|invalid (typed )?array length|out of memory|\bOOM\b|enlarge memory/i.test(e.message);
}

/** When the estimate let a run start that the device could not hold after all. */
function ranOutOfMemory(rows: number, estimated: number): EngineError {
  return new EngineError(
    'too-large',
    `The device ran out of memory training on ${rows} rows (estimated ${Math.round(estimated / 2 ** 20)} MB). Close other tabs, turn off the 5-fold check, or train on a data version with fewer rows.`,
    { rows, neededBytes: estimated },
  );
}

/** Takes a Web Lock and returns the function that releases it (a no-op where locks are missing). */
function holdLock(name: string): Promise<() => void> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((acquired) => {
    void navigator.locks.request(name, () => new Promise<void>((release) => acquired(release)));
  });
}
