import { WorkspaceState } from './workspace.svelte';
import { DataState } from './data.svelte';
import { StorageState } from './storage.svelte';
import { EngineState } from './engine.svelte';
import { InstallState } from './install.svelte';
import { ModelsState } from './models.svelte';
import { PredictState } from './predict.svelte';
import { BatchState } from './batch.svelte';
import { PredictionsState } from './predictions.svelte';
import { MonitorState } from './monitor.svelte';
import { AbTestsState } from './abtests.svelte';
import { AlertsState } from './alerts.svelte';
import { DatabaseState } from './database.svelte';
import { BackupState } from './backup.svelte';

/**
 * The app's stores, created once in the browser (the root layout calls `appState()` after mount
 * checks; nothing here runs during the build).
 */
class AppState {
  readonly database = new DatabaseState();
  readonly workspace = new WorkspaceState();
  readonly data = new DataState(this.workspace);
  readonly storage = new StorageState();
  readonly engine = new EngineState();
  readonly install = new InstallState();
  readonly backup = new BackupState(this.workspace, this.storage);
  readonly models = new ModelsState(this.workspace);
  readonly predict = new PredictState(this.workspace, () => this.models.installShipped());
  readonly alerts = new AlertsState(this.workspace);
  readonly batch = new BatchState(
    this.workspace,
    () => this.models.installShipped(),
    (ws, id) => this.alerts.checkBatch(ws, id),
  );
  // Made when their page first opens: their live queries follow every prediction, no need elsewhere.
  #predictions: PredictionsState | null = null;
  #monitor: MonitorState | null = null;
  #abtests: AbTestsState | null = null;
  get predictions(): PredictionsState {
    return (this.#predictions ??= new PredictionsState(this.workspace));
  }
  get monitor(): MonitorState {
    return (this.#monitor ??= new MonitorState(this.workspace, this.alerts));
  }
  get abtests(): AbTestsState {
    return (this.#abtests ??= new AbTestsState(this.workspace));
  }
}

let app: AppState | null = null;

export function appState(): AppState {
  app ??= new AppState();
  return app;
}
