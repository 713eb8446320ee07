import { getDb, type PredictionRow } from '$lib/db/db';
import { listBatchSummaries, queryPredictions, type BatchSummary, type PredictionFilter } from '$lib/db/predictions';
import { engine, trainer } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';
import { dataWorthKeeping } from './storage.svelte';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

export const PAGE_SIZE = 50;

/** The Predictions page: every logged prediction of the workspace, filtered and paged, and its batches. */
export class PredictionsState {
  filter = $state<PredictionFilter>({});
  page = $state(0);
  #error = $state<ActionError | null>(null);
  readonly #singles: WorkspaceQuery<{ rows: PredictionRow[]; total: number }, { filter: PredictionFilter; page: number }>;
  readonly #batches: WorkspaceQuery<BatchSummary[]>;

  constructor(workspace: WorkspaceState) {
    this.#singles = new WorkspaceQuery(
      () => workspace.currentId,
      (id, { filter, page }) => queryPredictions(getDb(), id, filter, page * PAGE_SIZE, PAGE_SIZE),
      { rows: [], total: 0 },
      () => ({ filter: $state.snapshot(this.filter), page: this.page }),
    );
    this.#batches = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listBatchSummaries(getDb(), id, (refs) => engine().batchDigests(refs)),
      [],
    );
  }

  get rows(): PredictionRow[] {
    return this.#singles.current.rows;
  }
  get total(): number {
    return this.#singles.current.total;
  }
  get pages(): number {
    return Math.max(1, Math.ceil(this.total / PAGE_SIZE));
  }
  get batches(): BatchSummary[] {
    return this.#batches.current;
  }
  get error(): ActionError | null {
    return this.#error;
  }

  setFilter(filter: PredictionFilter): void {
    this.filter = filter;
    this.page = 0;
  }

  async submitBatchLabels(batchId: number): Promise<void> {
    this.#error = null;
    try {
      await trainer().submitBatchFeedback(batchId);
      dataWorthKeeping('feedback');
    } catch (e) {
      this.#error = asActionError(e);
    }
  }
}
