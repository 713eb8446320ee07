import { loadDataset } from '$lib/db/datasets';
import type { RunRow, SporeprintDb } from '$lib/db/db';
import { registerModelVersion } from '$lib/db/registry';
import { endRun, runLockName, startRun, updateRun } from '$lib/db/runs';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError, isEngineError } from '$lib/engine/errors';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import type { Dataset } from '$lib/engine/data/dataset';
import { PIPELINE_STEPS, runTrainingPipeline, type StepId, type StepStatus } from '$lib/engine/ml/pipeline';
import type { ProgressCallback } from '$lib/engine/progress';
import type { TrainOptions, TrainOutcome } from './api';
import { initTfjs } from './tfjsBackend';

/**
 * One training run: a run row that the Models page watches (steps, epochs, log), the pipeline in
 * this worker, and — only if it finishes — a new staging version with its bundle, registered in one
 * transaction. Cancelled or failed runs register nothing.
 */
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

  const steps: RunRow['steps'] = PIPELINE_STEPS.map((s) => ({ id: s.id, label: s.label, status: 'pending' }));
  const epochs: RunRow['epochs'] = [];
  const logLines: string[] = [];
  const runId = await startRun(db, {
    workspaceId: opts.workspaceId,
    datasetVersionId: version.id!,
    dataSha256: version.sha256,
    appVersion: __APP_VERSION__,
    kind: opts.kind,
    params: opts.params ?? {},
    seed,
    steps,
    epochs,
    log: logLines,
  });
  if (retrain) {
    retrain.onRun?.(runId);
    logLines.push(...(retrain.notes ?? []));
    await updateRun(db, runId, { reason: retrain.reason, feedbackCount: retrain.feedbackCount, log: [...logLines] });
  }

  // Run-row writes are chained so they land in order, and batched at most ~4 per second.
  let writes = Promise.resolve();
  let dirty = false;
  let lastWrite = 0;
  const save = (force = false) => {
    dirty = true;
    if (!force && Date.now() - lastWrite < 250) return;
    lastWrite = Date.now();
    dirty = false;
    const patch = { steps: structuredClone(steps), epochs: structuredClone(epochs), log: [...logLines] };
    writes = writes.then(() => updateRun(db, runId, patch)).catch(() => {});
  };
  const setStep = (id: StepId, status: StepStatus, ms?: number) => {
    const s = steps.find((x) => x.id === id)!;
    s.status = status;
    if (ms !== undefined) s.ms = ms;
    save(true);
  };

  // Held while this run lives: another tab starting up must not mark it interrupted.
  const releaseLock = await holdLock(runLockName(runId));
  try {
    const reference = await loadDataset(db, version.id!);
    if (retrain) logLines.push(`${retrain.reason}: ${reference.rows} reference rows (split as before) + ${retrain.extraRows.rows} feedback rows in the training split.`);
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
      {
        signal,
        onStep: setStep,
        onLog: (line) => {
          logLines.push(line);
          save();
        },
        onEpoch: (epoch, loss, valLoss) => {
          epochs.push({ epoch, loss, valLoss });
          save();
        },
        onProgress,
      },
    );
    result.model.dispose(); // the registry holds the bundle; the live model is loaded on promotion
    throwIfAbortedBeforeRegister(signal);
    setStep('register', 'running');
    const t0 = Date.now();
    await writes;
    const registered = await registerModelVersion(db, {
      workspaceId: opts.workspaceId,
      runId,
      bundle: result.bundle,
      source: retrain ? 'retrained' : 'trained',
      stage: 'staging',
      reason: retrain ? retrain.reason : 'trained from the Models page',
      actor: retrain ? 'auto' : 'user',
    });
    setStep('register', 'done', Date.now() - t0);
    await writes;
    await endRun(db, runId, {
      status: 'finished',
      evaluation: result.bundle.evaluation,
      threshold: result.bundle.threshold,
      steps: structuredClone(steps),
      epochs: structuredClone(epochs),
      log: [...logLines, `Registered as version v${registered.version} (staging).`],
    });
    return { runId, versionId: registered.id!, version: registered.version, bundle: result.bundle, dataset: reference };
  } catch (e) {
    const cancelled = isEngineError(e) && e.code === 'cancelled';
    dirty = false; // the write below has every line: a late throttled one must not drop its "Failed" line
    await writes;
    await endRun(db, runId, {
      status: cancelled ? 'cancelled' : 'failed',
      error: e,
      steps: structuredClone(steps),
      epochs: structuredClone(epochs),
      log: [...logLines, cancelled ? 'Cancelled by the user: nothing was registered.' : `Failed: ${(e as Error).message}`],
    });
    throw e;
  } finally {
    if (dirty) save(true);
    releaseLock();
  }
}

/** Takes a Web Lock and returns the function that releases it (a no-op where locks are missing). */
function holdLock(name: string): Promise<() => void> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((acquired) => {
    void navigator.locks.request(name, () => new Promise<void>((release) => acquired(release)));
  });
}

function throwIfAbortedBeforeRegister(signal: AbortSignal) {
  if (signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
}
