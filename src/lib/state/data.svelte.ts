import { getDb, type DatasetVersionRow } from '$lib/db/db';
import { listDatasetVersions, loadDataset, deleteDatasetVersion } from '$lib/db/datasets';
import type { Dataset } from '$lib/engine/data/dataset';
import { asActionError, type ActionError } from './actionError';
import { dataWorthKeeping } from './storage.svelte';
import type { Progress } from '$lib/engine/progress';
import type { AnalyzeResult, CommitResult, ImportSource } from '$lib/worker/api';
import { engine, Comlink } from '$lib/worker/client';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

export type ImportPhase = 'idle' | 'analysing' | 'review' | 'storing' | 'done' | 'error';

/**
 * The Data page's state: the import flow (analyse in the worker → review the report → store or
 * discard), the reference data versions of the current workspace, and the one being previewed.
 */
export class DataState {
  #phase = $state<ImportPhase>('idle');
  #progress = $state<Progress | null>(null);
  #analysis = $state.raw<AnalyzeResult | null>(null);
  #result = $state.raw<CommitResult | null>(null);
  #error = $state<ActionError | null>(null);
  #jobId: string | null = null;
  /** The file or URL analysed last: analysed again with the class column the user chooses. */
  #source: ImportSource | null = null;

  readonly #versions: WorkspaceQuery<DatasetVersionRow[]>;
  #previewId = $state<number | null>(null);
  #preview = $state.raw<Dataset | null>(null);

  constructor(private readonly workspace: WorkspaceState) {
    this.#versions = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listDatasetVersions(getDb(), id),
      [],
    );
  }

  get phase() {
    return this.#phase;
  }
  get progress() {
    return this.#progress;
  }
  get analysis() {
    return this.#analysis;
  }
  get result() {
    return this.#result;
  }
  get error() {
    return this.#error;
  }
  get previewId() {
    return this.#previewId;
  }
  get preview() {
    return this.#preview;
  }

  /** Versions of the current workspace, newest first (live: updates when an import lands anywhere). */
  get versions(): DatasetVersionRow[] {
    return this.#versions.current;
  }

  async analyse(source: ImportSource, classColumn?: string): Promise<void> {
    if (this.#phase === 'analysing' || this.#phase === 'storing') return;
    this.#reset();
    this.#source = source;
    this.#phase = 'analysing';
    this.#progress = { phase: 'Starting', done: 0, total: 1 };
    const jobId = (this.#jobId = crypto.randomUUID());
    try {
      const analysis = await engine().analyzeCsv(
        jobId,
        source,
        Comlink.proxy((p: Progress) => {
          if (this.#jobId === jobId) this.#progress = p;
        }),
        classColumn === undefined ? undefined : { classColumn },
      );
      if (this.#jobId !== jobId) return;
      this.#analysis = analysis;
      this.#phase = 'review';
    } catch (e) {
      if (this.#jobId === jobId) this.#fail(e);
    } finally {
      if (this.#jobId === jobId) this.#progress = null;
    }
  }

  /** A file of unknown layout analysed again with `column` as its class (the user's choice in the review or the error). */
  async chooseClass(column: string): Promise<void> {
    if (this.#source) await this.analyse(this.#source, column);
  }

  async cancel(): Promise<void> {
    const jobId = this.#jobId;
    if (jobId && this.#phase === 'analysing') {
      await engine().cancelJob(jobId);
    }
  }

  /** Stores the accepted rows; a new schema creates its workspace, and the app switches to it. */
  async store(workspaceName?: string): Promise<void> {
    const a = this.#analysis;
    if (!a || this.#phase !== 'review') return;
    this.#phase = 'storing';
    try {
      const result = await engine().commitImport(a.importId, { workspaceName });
      this.#result = result;
      // The new workspace is current before "done" shows: a choice the user makes after that stands.
      if (this.workspace.currentId !== result.workspaceId) await this.workspace.select(result.workspaceId);
      this.#phase = 'done';
      dataWorthKeeping('import');
      await this.showPreview(result.versionId);
    } catch (e) {
      this.#fail(e);
    }
  }

  async discard(): Promise<void> {
    const a = this.#analysis;
    this.#reset();
    if (a) await engine().discardImport(a.importId);
  }

  async showPreview(versionId: number | null): Promise<void> {
    this.#previewId = versionId;
    this.#preview = null;
    if (versionId === null) return;
    const ds = await loadDataset(getDb(), versionId);
    if (this.#previewId === versionId) this.#preview = ds;
  }

  async deleteVersion(versionId: number): Promise<void> {
    if (this.#previewId === versionId) await this.showPreview(null);
    await deleteDatasetVersion(getDb(), versionId);
  }

  #reset(): void {
    this.#phase = 'idle';
    this.#analysis = null;
    this.#result = null;
    this.#error = null;
    this.#progress = null;
    this.#jobId = null;
  }

  #fail(e: unknown): void {
    this.#phase = 'error';
    this.#error = asActionError(e);
  }
}
