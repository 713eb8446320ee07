import type { BatchSummary } from '$lib/worker/api';
import type { Progress } from '$lib/engine/progress';
import { engine, trainer, Comlink } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';
import { dataWorthKeeping } from './storage.svelte';
import { BatchRows } from './batchRows.svelte';
import type { WorkspaceState } from './workspace.svelte';

/**
 * Batch prediction of one file: progress and cancel while the worker runs, then its summary; the
 * rows stay in the serving worker and `rows` reads them a page at a time.
 */
export class BatchState {
  readonly rows = new BatchRows();
  #phase = $state<'idle' | 'running' | 'done' | 'error'>('idle');
  #progress = $state<Progress | null>(null);
  #summary = $state.raw<BatchSummary | null>(null);
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
  get summary() {
    return this.#here ? this.#summary : null;
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
    const s = this.#summary;
    if (!s?.hasLabel) return;
    try {
      this.#feedbackRows = (await trainer().submitBatchFeedback(s.batchId)).rows;
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
    this.#summary = null;
    this.rows.close();
    this.#error = null;
    this.#feedbackRows = null;
    this.#progress = { phase: 'Starting', done: 0, total: 1 };
    try {
      await this.ready();
      const summary = await engine().predictBatch(
        jobId,
        this.workspace.currentId,
        { kind: 'file', file },
        Comlink.proxy((p: Progress) => {
          if (this.#jobId === jobId) this.#progress = p;
        }),
      );
      if (this.#jobId !== jobId) return;
      this.#summary = summary;
      this.#phase = 'done';
      void this.rows.open(summary.batchId);
      this.onBatch(this.#workspaceId, summary.batchId);
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
    const batchId = this.#summary?.batchId;
    this.#jobId = null;
    this.#phase = 'idle';
    this.#summary = null;
    this.rows.close();
    this.#error = null;
    this.#feedbackRows = null;
    // The rows are stored; the worker need not also keep them in memory for a page that shows none.
    if (batchId !== undefined) void engine().releaseBatch(batchId);
  }
}
