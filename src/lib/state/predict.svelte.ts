import { getDb, type PredictionRow } from '$lib/db/db';
import { listPredictions } from '$lib/db/predictions';
import { getRetrainEvery, getRetrainHold, pendingFeedback, type RetrainHold } from '$lib/db/feedback';
import { LiveQuery } from './liveQuery.svelte';
import { asActionError, type ActionError } from './actionError';
import { dataWorthKeeping } from './storage.svelte';
import type { FeatureInput } from '$lib/engine/ml/explain';
import type { BatchResult, PredictOneResult } from '$lib/worker/api';
import type { Progress } from '$lib/engine/progress';
import { engine, trainer, Comlink } from '$lib/worker/client';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

/** The Predict page: one mushroom through the worker's production model, and the prediction log. */
export class PredictState {
  readonly #log: WorkspaceQuery<PredictionRow[]>;
  readonly #pending: WorkspaceQuery<number>;
  readonly #hold: WorkspaceQuery<RetrainHold | null>;
  readonly #k = new LiveQuery(() => getRetrainEvery(getDb()), 10);
  #result = $state.raw<(PredictOneResult & { roundTripMs: number }) | null>(null);
  #error = $state<ActionError | null>(null);
  #busy = $state(false);
  #kError = $state<string | null>(null);

  constructor(
    private readonly workspace: WorkspaceState,
    private readonly ready: () => Promise<void>,
  ) {
    this.#log = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listPredictions(getDb(), id, 10),
      [],
    );
    this.#pending = new WorkspaceQuery(
      () => workspace.currentId,
      async (id) => (await pendingFeedback(getDb(), id)).count,
      0,
    );
    this.#hold = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => getRetrainHold(getDb(), id),
      null,
    );
  }

  get result() {
    return this.#result;
  }
  get error() {
    return this.#error;
  }
  get busy() {
    return this.#busy;
  }
  get log(): PredictionRow[] {
    return this.#log.current;
  }
  /** Feedbacks waiting for the next retraining, and how many start one. */
  get pendingFeedback(): number {
    return this.#pending.current;
  }
  get retrainEvery(): number {
    return this.#k.current;
  }
  get retrainEveryLoaded(): boolean {
    return this.#k.loaded;
  }
  /** A failed retraining whose feedback waits for new feedback before another starts. */
  get retrainHold(): RetrainHold | null {
    return this.#hold.current;
  }

  /** Why the k typed in Settings was not saved, shown under the field. */
  get retrainEveryError(): string | null {
    return this.#kError;
  }

  /** Saves k through the trainer worker: feedback already waiting that reaches it is retrained on at once. */
  async setRetrainEvery(k: number | null): Promise<void> {
    this.#kError = null;
    try {
      await trainer().saveRetrainEvery(k ?? NaN); // an emptied field: refused like any other bad k
    } catch (e) {
      this.#kError = asActionError(e).message;
    }
  }

  async giveFeedback(predictionId: number, label: 0 | 1): Promise<void> {
    try {
      await trainer().submitFeedback(predictionId, label);
      dataWorthKeeping('feedback');
    } catch (e) {
      this.#error = asActionError(e);
    }
  }

  clear(): void {
    this.#result = null;
    this.#error = null;
  }

  async predictOne(input: FeatureInput): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      await this.ready();
      const t0 = performance.now();
      const result = await engine().predictOne(this.workspace.currentId, $state.snapshot(input) as FeatureInput);
      // Worker time plus the trip there and back: what the user waits, retraining or not.
      this.#result = { ...result, roundTripMs: Math.round((performance.now() - t0) * 10) / 10 };
    } catch (e) {
      this.#result = null;
      this.#error = asActionError(e);
    } finally {
      this.#busy = false;
    }
  }
}

/** Batch prediction of one file: progress and cancel while the worker runs, then the result columns. */
export class BatchState {
  #phase = $state<'idle' | 'running' | 'done' | 'error'>('idle');
  #progress = $state<Progress | null>(null);
  #result = $state.raw<BatchResult | null>(null);
  #error = $state<ActionError | null>(null);
  #jobId: string | null = null;
  #workspaceId = $state('');
  #feedbackRows = $state<number | null>(null);

  constructor(
    private readonly workspace: WorkspaceState,
    private readonly ready: () => Promise<void>,
    /** Called with each finished batch: monitoring checks its drift and raises alerts. */
    private readonly onBatch: (workspaceId: string, batchId: number) => void = () => {},
  ) {}

  /** A batch belongs to the workspace it ran in: another workspace sees an empty panel. */
  get #here() {
    return this.#workspaceId === this.workspace.currentId;
  }
  get phase() {
    return this.#here ? this.#phase : 'idle';
  }
  get progress() {
    return this.#progress;
  }
  get result() {
    return this.#here ? this.#result : null;
  }
  get error() {
    return this.#here ? this.#error : null;
  }
  /** Rows whose file labels were submitted as feedback, or null before. */
  get feedbackRows() {
    return this.#here ? this.#feedbackRows : null;
  }

  /** The file's class column becomes expert feedback for each row (and may start a retraining). */
  async submitLabels(): Promise<void> {
    const r = this.#result;
    if (!r?.label) return;
    try {
      this.#feedbackRows = (await trainer().submitBatchFeedback(r.batchId)).rows;
      dataWorthKeeping('feedback');
    } catch (e) {
      this.#error = asActionError(e);
    }
  }

  async run(file: File): Promise<void> {
    if (this.#phase === 'running') return; // one batch at a time, whichever workspace it runs in
    const jobId = (this.#jobId = crypto.randomUUID());
    this.#workspaceId = this.workspace.currentId;
    this.#phase = 'running';
    this.#result = null;
    this.#error = null;
    this.#feedbackRows = null;
    this.#progress = { phase: 'Starting', done: 0, total: 1 };
    try {
      await this.ready();
      const result = await engine().predictBatch(
        jobId,
        this.workspace.currentId,
        { kind: 'file', file },
        Comlink.proxy((p: Progress) => {
          if (this.#jobId === jobId) this.#progress = p;
        }),
      );
      if (this.#jobId !== jobId) return;
      this.#result = result;
      this.#phase = 'done';
      this.onBatch(this.#workspaceId, result.batchId);
    } catch (e) {
      if (this.#jobId !== jobId) return;
      this.#error = asActionError(e);
      this.#phase = 'error';
    } finally {
      if (this.#jobId === jobId) this.#progress = null;
    }
  }

  async cancel(): Promise<void> {
    if (this.#jobId && this.#phase === 'running') await engine().cancelJob(this.#jobId);
  }

  clear(): void {
    this.#jobId = null;
    this.#phase = 'idle';
    this.#result = null;
    this.#error = null;
    this.#feedbackRows = null;
  }
}
