import { getDb, type MonitorSnapshotRow } from '$lib/db/db';
import { productionSignature } from '$lib/db/predictions';
import { listSnapshots, saveSnapshot } from '$lib/db/monitor';
import type { DriftOptions, DriftTestId } from '$lib/engine/monitor/driftTypes';
import { DEFAULT_LAST_N, type MonitorReport, type WindowRequest } from '$lib/engine/monitor/report';
import { trainer } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { AlertsState } from './alerts.svelte';
import type { WorkspaceState } from './workspace.svelte';

/**
 * The Monitor page: one report at a time for the chosen window, recomputed in the background worker
 * whenever production rows, feedback or the production version change while the page is open
 * (`attach`); saved reports.
 */
export class MonitorState {
  window = $state<WindowRequest>({ kind: 'last', n: DEFAULT_LAST_N });
  /** One test for all features ('' = Evidently's default choice), and per-feature choices. */
  test = $state<DriftTestId | ''>('');
  featureTests = $state<Record<string, DriftTestId>>({});
  #report = $state.raw<MonitorReport | null>(null);
  #shown = $state.raw<MonitorSnapshotRow | null>(null);
  #busy = $state(false);
  #error = $state<ActionError | null>(null);
  #ms = $state<number | null>(null);
  #run = 0;
  /** How many Monitor pages are open: reports are computed only while one is. */
  #attached = $state(0);
  readonly #snapshots: WorkspaceQuery<MonitorSnapshotRow[]>;
  readonly #signature: WorkspaceQuery<string>;

  constructor(
    private readonly workspace: WorkspaceState,
    readonly alerts: AlertsState,
  ) {
    this.#signature = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => productionSignature(getDb(), id),
      '',
    );
    this.#snapshots = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listSnapshots(getDb(), id),
      [],
    );
    // Recompute when the window, the tests, the workspace, or the production data change.
    $effect.root(() => {
      $effect(() => {
        if (!this.#attached) return;
        void this.signature;
        void workspace.currentId;
        void JSON.stringify(this.window);
        void this.test;
        void JSON.stringify(this.featureTests);
        if (this.signature) void this.refresh();
      });
    });
  }

  /**
   * The Monitor page opened: reports follow their inputs until the returned detach is called. The
   * page lists every alert, so they count as seen on opening and again on leaving.
   */
  attach(): () => void {
    this.#attached++;
    void this.alerts.markSeen();
    return () => {
      this.#attached--;
      void this.alerts.markSeen();
    };
  }

  /** The report on screen: a saved one when the user opened it, else the live one. */
  get report(): MonitorReport | null {
    return this.#shown?.report ?? (this.#report?.workspace.id === this.workspace.currentId ? this.#report : null);
  }
  get snapshotShown(): MonitorSnapshotRow | null {
    return this.#shown;
  }
  get busy() {
    return this.#busy;
  }
  get error() {
    return this.#error;
  }
  /** Time from asking to having the report in the page. */
  get computedMs() {
    return this.#ms;
  }
  get snapshots(): MonitorSnapshotRow[] {
    return this.#snapshots.current;
  }
  /** Changes whenever production rows, feedback or the production version change ('' until known). */
  get signature(): string {
    return this.#signature.current;
  }

  options(): DriftOptions {
    return { ...(this.test ? { test: this.test } : {}), tests: $state.snapshot(this.featureTests) };
  }

  async refresh(): Promise<void> {
    const run = ++this.#run;
    this.#busy = true;
    this.#error = null;
    const t0 = performance.now();
    try {
      const { report, raised } = await trainer().computeMonitor(this.workspace.currentId, $state.snapshot(this.window) as WindowRequest, this.options());
      if (run !== this.#run) return;
      this.#report = report;
      this.#ms = Math.round(performance.now() - t0);
      this.alerts.notify(raised);
    } catch (e) {
      if (run === this.#run) this.#error = asActionError(e);
    } finally {
      if (run === this.#run) this.#busy = false;
    }
  }

  async saveSnapshot(): Promise<void> {
    const report = this.#report;
    if (!report) return;
    await saveSnapshot(getDb(), report);
  }

  show(snapshot: MonitorSnapshotRow | null): void {
    this.#shown = snapshot;
  }

  async deleteSnapshot(id: number): Promise<void> {
    if (this.#shown?.id === id) this.#shown = null;
    await getDb().monitorSnapshots.delete(id);
  }
}
