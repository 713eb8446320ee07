import { getDb, type ModelStage, type ModelVersionRow, type RunRow } from '$lib/db/db';
import { listModelVersions, storedBundle } from '$lib/db/registry';
import type { Evaluation } from '$lib/engine/ml/bundle';
import type { SavedPca } from '$lib/engine/ml/pca';
import { listRuns } from '$lib/db/runs';
import { asActionError, type ActionError } from './actionError';
import type { Progress } from '$lib/engine/progress';
import type { TrainOptions } from '$lib/worker/api';
import { engine, trainer, Comlink } from '$lib/worker/client';
import { WorkspaceQuery } from './liveQuery.svelte';
import { downloadText } from '$lib/download';
// The shipped production models (npm run train), precached like any asset: prediction works on first launch, offline.
import uciBundleUrl from '$artifacts/uci.model.json?url';
import secondaryBundleUrl from '$artifacts/secondary.model.json?url';
import type { WorkspaceState } from './workspace.svelte';

/**
 * Training runs and the model registry of the current workspace. Runs and versions are live
 * queries: the worker writes a run's steps, epochs and log as it trains, and the pages redraw.
 */
/** The model card's details of one version, from its bundle. */
export interface ModelDetails {
  versionId: number;
  evaluation: Evaluation;
  pcaVarianceRatio: number[];
}

export class ModelsState {
  readonly #versions: WorkspaceQuery<ModelVersionRow[]>;
  readonly #runs: WorkspaceQuery<RunRow[]>;
  #jobId = $state<string | null>(null);
  #runningRunId = $state<number | null>(null);
  #progress = $state<Progress | null>(null);
  #error = $state<ActionError | null>(null);
  #notice = $state<string | null>(null);
  #serving = $state<{ workspaceId: string; versionId: number } | null>(null);
  /** The version the model card shows, as the user chose it in the registry (null: production). */
  selectedId = $state<number | null>(null);
  #details = $state.raw<ModelDetails | null>(null);
  #detailsError = $state.raw<{ versionId: number; message: string } | null>(null);
  #attached = $state(0);

  constructor(private readonly workspace: WorkspaceState) {
    this.#versions = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listModelVersions(getDb(), id),
      [],
    );
    this.#runs = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listRuns(getDb(), id),
      [],
    );
    // Production changed (a promotion here, a retraining in the trainer worker, another tab): load
    // it into the serving worker now, so the next prediction does not pay for the swap.
    $effect.root(() => {
      $effect(() => {
        if (this.production?.id !== undefined) void this.refreshServing();
      });
      // While the Models page is open, the selected version's card details (its bundle) follow the selection.
      $effect(() => {
        const v = this.selected;
        if (!this.#attached || !v || this.#details?.versionId === v.id) return;
        if (this.#detailsError?.versionId === v.id) return;
        this.loadDetails(v).then(
          (d) => {
            if (this.selected?.id === v.id) this.#details = d;
          },
          // A stored bundle damaged or gone (the serving worker falls back from it): said on the card, not thrown.
          (e) => (this.#detailsError = { versionId: v.id!, message: asActionError(e).message }),
        );
      });
    });
  }

  /** The Models page calls this while it is open; the returned function detaches it. */
  attach(): () => void {
    this.#attached++;
    return () => this.#attached--;
  }

  /** The version on the model card: the one chosen, else production, else the newest. */
  get selected(): ModelVersionRow | null {
    return this.versions.find((v) => v.id === this.selectedId) ?? this.production ?? this.versions[0] ?? null;
  }

  /** The selected version's full evaluation and PCA, once loaded (null meanwhile). */
  get selectedDetails(): ModelDetails | null {
    const d = this.#details;
    return d && d.versionId === this.selected?.id ? d : null;
  }

  /** Why the selected version's details could not be read, if they could not. */
  get selectedDetailsError(): string | null {
    const e = this.#detailsError;
    return e && e.versionId === this.selected?.id ? e.message : null;
  }

  get versions(): ModelVersionRow[] {
    return this.#versions.current;
  }
  get runs(): RunRow[] {
    return this.#runs.current;
  }
  get training(): boolean {
    return this.#jobId !== null;
  }
  get progress(): Progress | null {
    return this.#progress;
  }
  get error(): ActionError | null {
    return this.#error;
  }
  get notice(): string | null {
    return this.#notice;
  }
  /** The version the worker holds in memory for predictions in this workspace, once it has loaded it. */
  get serving(): ModelVersionRow | null {
    const s = this.#serving;
    return s && s.workspaceId === this.workspace.currentId ? (this.versions.find((v) => v.id === s.versionId) ?? null) : null;
  }

  async refreshServing(): Promise<void> {
    const workspaceId = this.workspace.currentId;
    const live = await engine().getLiveModel(workspaceId);
    this.#serving = live ? { workspaceId, versionId: live.versionId } : null;
  }

  get production(): ModelVersionRow | null {
    return this.versions.find((v) => v.stage === 'production') ?? null;
  }

  /** The run being trained now, or the newest one. */
  get currentRun(): RunRow | null {
    const runs = this.runs;
    return (this.#runningRunId !== null ? runs.find((r) => r.id === this.#runningRunId) : null) ?? runs.find((r) => r.status === 'running') ?? runs[0] ?? null;
  }

  #shipped: Promise<void> | null = null;
  #shippedSettled = $state(false);

  /** The registry of this workspace is known, shipped models included: "no model" is then true. */
  get ready(): boolean {
    return this.#shippedSettled && this.#versions.loaded;
  }

  /**
   * First launch: each built-in workspace without models gets its shipped bundle as v1 production.
   * Once per page; anything that predicts awaits it, so a first answer never finds "no model".
   */
  installShipped(): Promise<void> {
    this.#shipped ??= (async () => {
      try {
        await engine().installShippedModels({ uci: uciBundleUrl, secondary: secondaryBundleUrl });
        await this.refreshServing();
        void trainer().resumeRetraining(this.workspace.list.map((w) => w.id));
      } catch (e) {
        this.#error = asActionError(e);
      } finally {
        this.#shippedSettled = true;
      }
    })();
    return this.#shipped;
  }

  dismiss(): void {
    this.#error = null;
    this.#notice = null;
  }

  async train(options: Omit<TrainOptions, 'workspaceId'>): Promise<void> {
    if (this.#jobId) return;
    this.dismiss();
    const jobId = (this.#jobId = crypto.randomUUID());
    this.#runningRunId = null;
    this.#progress = { phase: 'Starting', done: 0, total: 1 };
    try {
      const out = await trainer().trainModel(
        jobId,
        { ...options, workspaceId: this.workspace.currentId },
        Comlink.proxy((p: Progress) => {
          this.#progress = p; // returns nothing: a returned $state proxy cannot be posted back to the worker
        }),
      );
      this.#runningRunId = out.runId;
      // The model card follows the version just trained, not the old production.
      this.selectedId = out.versionId;
      this.#notice = `Registered v${out.version} (staging). Check its metrics, then promote it if it is better.`;
    } catch (e) {
      const err = asActionError(e);
      this.#error = err.code === 'cancelled' ? null : err;
      if (err.code === 'cancelled') this.#notice = 'Training cancelled: nothing was registered.';
    } finally {
      this.#jobId = null;
      this.#progress = null;
    }
  }

  async cancel(): Promise<void> {
    if (this.#jobId) await trainer().cancelJob(this.#jobId);
  }

  async setStage(version: ModelVersionRow, stage: ModelStage, reason: string): Promise<void> {
    this.dismiss();
    try {
      await engine().setModelStage(version.id!, stage, reason);
      await this.refreshServing();
      this.#notice = `v${version.version} is now ${stage}.`;
    } catch (e) {
      this.#error = asActionError(e);
    }
  }

  /** Saves the version as one JSON file through the browser's download. */
  async exportVersion(version: ModelVersionRow): Promise<void> {
    this.dismiss();
    try {
      const { fileName, json } = await engine().exportModel(version.id!);
      downloadText(fileName, json, 'application/json');
    } catch (e) {
      this.#error = asActionError(e);
    }
  }

  /** What the model card shows beyond the registry row: the full evaluation (curves too) and the PCA. */
  async loadDetails(version: ModelVersionRow): Promise<ModelDetails> {
    const bundle = await storedBundle(getDb(), version.id!);
    if (!bundle) throw new Error(`The stored weights and evaluation of v${version.version} are missing.`);
    const { evaluation, pca } = bundle;
    const ratio = (pca as SavedPca | undefined)?.explainedVarianceRatio;
    if (!evaluation?.curves || !Array.isArray(ratio)) throw new Error(`The stored evaluation of v${version.version} is damaged.`);
    return { versionId: version.id!, evaluation, pcaVarianceRatio: ratio };
  }

  async importVersion(file: File): Promise<void> {
    this.dismiss();
    try {
      const { version } = await engine().importModel(this.workspace.currentId, await file.text());
      this.#notice = `Imported ${file.name} as v${version} (staging).`;
    } catch (e) {
      this.#error = asActionError(e);
    }
  }
}
