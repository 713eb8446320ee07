import type { Evaluation, SafetyThreshold } from '$lib/engine/ml/bundle';
import type { ModelKind } from '$lib/engine/ml/model';
import { EngineError, isEngineError } from '$lib/engine/errors';
import type { RunEpoch, RunError, RunRow, RunStatus, RunStep, SporeprintDb } from './db';
import { asEngineError } from './storageErrors';

/** What the caller knows when a run starts; status is 'running', and steps, epochs and log start empty unless given. */
export type NewRun = Pick<RunRow, 'workspaceId' | 'datasetVersionId' | 'dataSha256' | 'appVersion' | 'kind' | 'params' | 'seed'> &
  Partial<Pick<RunRow, 'startedAt' | 'steps' | 'epochs' | 'log'>>;

export type RunPatch = Partial<Omit<RunRow, 'id'>>;

/**
 * Name of the Web Lock a tab holds while it trains run `id`
 * (`navigator.locks.request(runLockName(id), () => training)`). The browser releases it when the tab
 * closes, so `markInterruptedRuns` can tell a run another open tab is still training from one whose
 * tab is gone.
 */
export function runLockName(id: number): string {
  return `sporeprint-run-${id}`;
}

function notFound(id: number): EngineError {
  return new EngineError('not-found', `Training run #${id} does not exist (deleted in another tab?).`, { runId: id });
}

/** Read-modify-write of one run inside a transaction, so concurrent appends never lose each other. */
async function modifyRun(db: SporeprintDb, id: number, change: (run: RunRow) => void): Promise<RunRow> {
  try {
    return await db.transaction('rw', db.runs, async () => {
      const run = await db.runs.get(id);
      if (!run) throw notFound(id);
      change(run);
      await db.runs.put(run);
      return run;
    });
  } catch (e) {
    throw asEngineError(e, `training run #${id}`);
  }
}

/** Records a new run as 'running' and returns its id. */
export async function startRun(db: SporeprintDb, fields: NewRun): Promise<number> {
  const row: RunRow = {
    workspaceId: fields.workspaceId,
    datasetVersionId: fields.datasetVersionId,
    dataSha256: fields.dataSha256,
    appVersion: fields.appVersion,
    kind: fields.kind,
    params: fields.params,
    seed: fields.seed,
    status: 'running',
    startedAt: fields.startedAt ?? Date.now(),
    epochs: fields.epochs ?? [],
    steps: fields.steps ?? [],
    log: fields.log ?? [],
  };
  try {
    return (await db.runs.add(row)) as number;
  } catch (e) {
    throw asEngineError(e, 'the training run');
  }
}

/** Shallow-merges `patch` into the run (a key set to undefined removes the field). Throws not-found when the run is gone. */
export async function updateRun(db: SporeprintDb, id: number, patch: RunPatch): Promise<void> {
  await modifyRun(db, id, (run) => {
    Object.assign(run, patch, { id });
    for (const [key, value] of Object.entries(patch)) if (value === undefined && key !== 'id') delete run[key as keyof RunRow];
  });
}

export async function appendLog(db: SporeprintDb, id: number, ...lines: string[]): Promise<void> {
  await modifyRun(db, id, (run) => {
    for (const line of lines) run.log.push(line);
  });
}

/** How a run ended, with what it produced; steps, epochs and log replace the stored ones when given. */
export interface RunEnding {
  status: Exclude<RunStatus, 'running'>;
  error?: unknown;
  evaluation?: Evaluation;
  threshold?: SafetyThreshold;
  steps?: RunStep[];
  epochs?: RunEpoch[];
  log?: string[];
  endedAt?: number;
}

/**
 * The one way a run ends (the trainer's finish, failure and cancel, and the start-up sweep of
 * interrupted runs). A run already ended stays as it is — a late cancel cannot undo a finish —
 * except that a real finish or failure replaces an 'interrupted' mark. The step that was running
 * becomes done, failed or cancelled with the run; steps that never started become done (a finish)
 * or skipped. Returns the stored row.
 */
export async function endRun(db: SporeprintDb, id: number, ending: RunEnding): Promise<RunRow> {
  return modifyRun(db, id, (run) => {
    if (!closeRun(run, ending)) return;
    if (ending.status === 'finished') delete run.error;
    else
      run.error = toRunError(ending.error ?? new EngineError(ending.status === 'cancelled' ? 'cancelled' : 'internal', ending.status === 'cancelled' ? 'Cancelled.' : 'Failed.'));
    if (ending.evaluation) run.evaluation = ending.evaluation;
    if (ending.threshold) run.threshold = ending.threshold;
    if (ending.epochs) run.epochs = ending.epochs;
    if (ending.log) run.log = ending.log;
  });
}

function closeRun(run: RunRow, ending: Pick<RunEnding, 'status' | 'steps' | 'endedAt'>): boolean {
  const { status } = ending;
  const interrupted = run.status === 'failed' && run.error?.code === 'interrupted';
  if (run.status !== 'running' && !(interrupted && status !== 'cancelled')) return false;
  const endedAt = ending.endedAt ?? Date.now();
  run.status = status;
  run.endedAt = endedAt;
  run.durationMs = Math.max(0, endedAt - run.startedAt);
  if (ending.steps) run.steps = ending.steps;
  const running = status === 'finished' ? 'done' : status;
  for (const s of run.steps) {
    if (s.status === 'running') s.status = running;
    else if (s.status === 'pending') s.status = status === 'finished' ? 'done' : 'skipped';
  }
  return true;
}

function toRunError(error: unknown): RunError {
  if (isEngineError(error)) return { code: error.code, message: error.message };
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return { code: typeof e.code === 'string' ? e.code : 'internal', message: e.message };
  }
  return { code: 'internal', message: String(error) };
}

/** Runs of a workspace, newest first (by start time, then id). */
export async function listRuns(db: SporeprintDb, workspaceId: string, filter: { kind?: ModelKind; status?: RunStatus } = {}): Promise<RunRow[]> {
  const rows = await db.runs
    .where('workspaceId')
    .equals(workspaceId)
    .filter((r) => (filter.kind === undefined || r.kind === filter.kind) && (filter.status === undefined || r.status === filter.status))
    .toArray();
  return rows.sort((a, b) => b.startedAt - a.startedAt || b.id! - a.id!);
}

const defaultIsAlive = async (id: number): Promise<boolean> => {
  const locks = (globalThis as { navigator?: { locks?: { query(): Promise<{ held?: { name?: string }[] }> } } }).navigator?.locks;
  if (!locks) return false;
  const { held = [] } = await locks.query();
  return held.some((l) => l.name === runLockName(id));
};

/**
 * Turns runs left 'running' — their tab was closed or crashed mid-training — into 'failed' with an
 * 'interrupted' error. Called once at app start. A run whose Web Lock (`runLockName`) is still held
 * is being trained by another open tab and is left alone; `isAlive` replaces that check (tests, or
 * a page without Web Locks). Returns the ids marked.
 */
export async function markInterruptedRuns(db: SporeprintDb, opts: { isAlive?: (runId: number) => boolean | Promise<boolean>; now?: number } = {}): Promise<number[]> {
  const isAlive = opts.isAlive ?? defaultIsAlive;
  const running = await db.runs.where('status').equals('running').primaryKeys();
  const stale: number[] = [];
  for (const id of running) if (!(await isAlive(id as number))) stale.push(id as number);
  if (!stale.length) return [];
  const now = opts.now ?? Date.now();
  try {
    return await db.transaction('rw', db.runs, async () => {
      const marked: number[] = [];
      for (const id of stale) {
        const run = await db.runs.get(id);
        // Re-checked inside the transaction: it may have ended meanwhile.
        if (!run || run.status !== 'running') continue;
        closeRun(run, { status: 'failed', endedAt: now });
        // endedAt is when the loss was noticed; how long the run actually trained is unknown.
        delete run.durationMs;
        run.error = {
          code: 'interrupted',
          message: 'Training was interrupted: the tab was closed or reloaded before the run ended. Start a new run to train this model.',
        };
        run.log.push('Interrupted: the page closed while this run was training.');
        await db.runs.put(run);
        marked.push(id);
      }
      return marked;
    });
  } catch (e) {
    throw asEngineError(e, 'the interrupted training runs');
  }
}
