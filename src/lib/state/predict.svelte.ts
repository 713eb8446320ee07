import { getDb, type PredictionRow } from '$lib/db/db';
import { listPredictions } from '$lib/db/predictions';
import { getRetrainEvery, getRetrainHold, pendingFeedback, type RetrainHold } from '$lib/db/feedback';
import { LiveQuery } from './liveQuery.svelte';
import { asActionError, type ActionError } from './actionError';
import { dataWorthKeeping } from './storage.svelte';
import type { FeatureInput } from '$lib/engine/ml/explain';
import type { PredictOneResult } from '$lib/worker/api';
import { engine, trainer } from '$lib/worker/client';
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
