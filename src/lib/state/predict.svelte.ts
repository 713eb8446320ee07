import { getDb, type PredictionRow } from '$lib/db/db';
import { listPredictions } from '$lib/db/predictions';
import { isEngineError } from '$lib/engine/errors';
import type { FeatureInput } from '$lib/engine/ml/explain';
import type { PredictOneResult } from '$lib/worker/api';
import { engine } from '$lib/worker/client';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

/** The Predict page: one mushroom through the worker's production model, and the prediction log. */
export class PredictState {
  readonly #log: WorkspaceQuery<PredictionRow[]>;
  #result = $state.raw<PredictOneResult | null>(null);
  #error = $state<{ code: string; message: string } | null>(null);
  #busy = $state(false);

  constructor(private readonly workspace: WorkspaceState) {
    this.#log = new WorkspaceQuery(() => workspace.currentId, (id) => listPredictions(getDb(), id, 50), []);
  }

  get result() { return this.#result; }
  get error() { return this.#error; }
  get busy() { return this.#busy; }
  get log(): PredictionRow[] { return this.#log.current; }

  clear(): void {
    this.#result = null;
    this.#error = null;
  }

  async predictOne(input: FeatureInput): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      this.#result = await engine().predictOne(this.workspace.currentId, $state.snapshot(input) as FeatureInput);
    } catch (e) {
      this.#result = null;
      this.#error = isEngineError(e) ? { code: e.code, message: e.message } : { code: 'internal', message: (e as Error).message };
    } finally {
      this.#busy = false;
    }
  }
}
