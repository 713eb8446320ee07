// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb } from './db';
import { appendLog, endRun, listRuns, markInterruptedRuns, runLockName, startRun, updateRun, type NewRun } from './runs';
import { EngineError } from '$lib/engine/errors';
import type { Evaluation, SafetyThreshold } from '$lib/engine/ml/bundle';

let db: SporeprintDb;
let dbCount = 0;

beforeEach(async () => {
  db = new SporeprintDb(`sporeprint-runs-test-${++dbCount}`);
  await db.open();
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  await db.delete();
});

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  workspaceId: 'uci',
  datasetVersionId: 1,
  dataSha256: 'sha-1',
  appVersion: '0.1.0',
  kind: 'logistic',
  params: { l2: 0.01 },
  seed: 42,
  ...over,
});

const steps = () => [
  { id: 'split', label: 'Split', status: 'done' as const, ms: 5 },
  { id: 'fit', label: 'Fit', status: 'running' as const },
  { id: 'eval', label: 'Evaluate', status: 'pending' as const },
];

const evaluation = { atHalf: { accuracy: 0.9 }, atSafety: { accuracy: 0.8 }, rows: 10 } as unknown as Evaluation;
const threshold = { edibleAbove: 0.97, maxFalseEdibleRate: 0, validation: { poisonous: 5, edible: 5, falseEdible: 0, edibleCalledEdible: 3 } } as SafetyThreshold;

describe('startRun / updateRun / append helpers', () => {
  it('records a running run with empty progress and the given inputs', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(5000);
    const id = await startRun(db, newRun({ steps: steps() }));
    const run = await db.runs.get(id);
    expect(run).toEqual({
      id,
      ...newRun(),
      status: 'running',
      startedAt: 5000,
      epochs: [],
      log: [],
      steps: steps(),
    });
  });

  it('starts with the steps, epochs and log given', async () => {
    const id = await startRun(db, newRun({ steps: steps(), epochs: [{ epoch: 0, loss: 1 }], log: ['queued'] }));
    expect(await db.runs.get(id)).toMatchObject({ status: 'running', steps: steps(), epochs: [{ epoch: 0, loss: 1 }], log: ['queued'] });
  });

  it('updateRun merges a patch, keeps the id, removes undefined keys and throws not-found for a missing run', async () => {
    const id = await startRun(db, newRun());
    await endRun(db, id, { status: 'failed', error: new Error('x') });
    await updateRun(db, id, { params: { l2: 1 }, id: 999, status: 'finished', error: undefined } as never);
    const run = (await db.runs.get(id))!;
    expect(run.id).toBe(id);
    expect(run.params).toEqual({ l2: 1 });
    expect(run.status).toBe('finished');
    expect('error' in run).toBe(false);
    expect(await db.runs.count()).toBe(1);
    await updateRun(db, id, { id: undefined } as never);
    expect((await db.runs.get(id))!.id).toBe(id);
    expect(await db.runs.count()).toBe(1);

    const err = await updateRun(db, id + 100, { seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('not-found');
  });

  it('concurrent log appends are all kept, in order', async () => {
    const id = await startRun(db, newRun());
    await Promise.all(Array.from({ length: 10 }, (_, i) => appendLog(db, id, `line ${i}`)));
    await appendLog(db, id, 'a', 'b');
    expect((await db.runs.get(id))!.log).toEqual([...Array.from({ length: 10 }, (_, i) => `line ${i}`), 'a', 'b']);
  });

  it('a QuotaExceededError while starting becomes EngineError quota-exceeded and stores nothing', async () => {
    vi.spyOn(db.runs, 'add').mockRejectedValue(new DOMException('Storage full.', 'QuotaExceededError'));
    const err = await startRun(db, newRun()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('quota-exceeded');
    expect(await db.runs.count()).toBe(0);
  });

  it('a failing write in an update becomes storage-failed and leaves the run as it was', async () => {
    const id = await startRun(db, newRun());
    await appendLog(db, id, 'kept');
    vi.spyOn(db.runs, 'put').mockRejectedValue(new Error('disk on fire'));
    const err = await appendLog(db, id, 'lost').catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('storage-failed');
    expect((err as EngineError).message).toContain('disk on fire');
    vi.restoreAllMocks();
    expect((await db.runs.get(id))!.log).toEqual(['kept']);
  });
});

describe('endRun: the one ending of a run, as the trainer and the start-up sweep use it', () => {
  it('a finish stores the outcome, the end time and duration, and the steps that never ran become done', async () => {
    const id = await startRun(db, newRun({ startedAt: 1000, steps: steps() }));
    const run = await endRun(db, id, { status: 'finished', evaluation, threshold, endedAt: 4500, epochs: [{ epoch: 0, loss: 0.5 }], log: ['done'] });
    expect(run).toMatchObject({ status: 'finished', endedAt: 4500, durationMs: 3500, evaluation, threshold, epochs: [{ epoch: 0, loss: 0.5 }], log: ['done'] });
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(await db.runs.get(id)).toEqual(run);
  });

  it('a failure keeps an EngineError code, wraps anything else, and marks the running step failed and the rest skipped', async () => {
    const a = await startRun(db, newRun({ startedAt: 1000, steps: steps() }));
    const runA = await endRun(db, a, { status: 'failed', error: new EngineError('quota-exceeded', 'Disk full.'), endedAt: 1500 });
    expect(runA).toMatchObject({ status: 'failed', endedAt: 1500, durationMs: 500, error: { code: 'quota-exceeded', message: 'Disk full.' } });
    expect(runA.steps.map((s) => s.status)).toEqual(['done', 'failed', 'skipped']);

    const b = await startRun(db, newRun());
    expect((await endRun(db, b, { status: 'failed', error: new Error('NaN loss') })).error).toEqual({ code: 'internal', message: 'NaN loss' });
    const c = await startRun(db, newRun());
    expect((await endRun(db, c, { status: 'failed', error: 'weird' })).error).toEqual({ code: 'internal', message: 'weird' });
  });

  it('a cancel marks the running step cancelled and the rest skipped; a late cancel does not undo a finish', async () => {
    const a = await startRun(db, newRun({ startedAt: 0 }));
    // The trainer passes its own step list, as it stood when the cancel arrived.
    const runA = await endRun(db, a, { status: 'cancelled', error: new EngineError('cancelled', 'Cancelled.'), steps: steps(), endedAt: 10 });
    expect(runA).toMatchObject({ status: 'cancelled', endedAt: 10, durationMs: 10, error: { code: 'cancelled' } });
    expect(runA.steps.map((s) => s.status)).toEqual(['done', 'cancelled', 'skipped']);

    const b = await startRun(db, newRun({ startedAt: 0 }));
    await endRun(db, b, { status: 'finished', evaluation, endedAt: 20 });
    const late = await endRun(db, b, { status: 'cancelled', endedAt: 30 });
    expect(late).toMatchObject({ status: 'finished', endedAt: 20 });
    expect(await db.runs.get(b)).toMatchObject({ status: 'finished', endedAt: 20 });
    // …nor can a failure overwrite a finished run.
    expect(await endRun(db, b, { status: 'failed', error: new Error('late'), endedAt: 40 })).toMatchObject({ status: 'finished' });
  });

  it('ending a run that does not exist throws not-found', async () => {
    for (const status of ['finished', 'failed', 'cancelled'] as const) {
      const err = await endRun(db, 99, { status }).catch((e: unknown) => e);
      expect((err as EngineError).code).toBe('not-found');
    }
  });
});

describe('listRuns', () => {
  it('lists a workspace’s runs newest first, filtered by kind and status', async () => {
    const a = await startRun(db, newRun({ startedAt: 100, kind: 'logistic' }));
    const b = await startRun(db, newRun({ startedAt: 300, kind: 'forest' }));
    const c = await startRun(db, newRun({ startedAt: 200, kind: 'forest' }));
    const d = await startRun(db, newRun({ startedAt: 300, kind: 'logistic' })); // same time as b, later id
    const other = await startRun(db, newRun({ startedAt: 400, workspaceId: 'secondary' }));
    await endRun(db, c, { status: 'finished' });
    await endRun(db, a, { status: 'failed', error: 'x' });

    expect((await listRuns(db, 'uci')).map((r) => r.id)).toEqual([d, b, c, a]);
    expect((await listRuns(db, 'uci', { kind: 'forest' })).map((r) => r.id)).toEqual([b, c]);
    expect((await listRuns(db, 'uci', { status: 'running' })).map((r) => r.id)).toEqual([d, b]);
    expect((await listRuns(db, 'uci', { kind: 'forest', status: 'finished' })).map((r) => r.id)).toEqual([c]);
    expect((await listRuns(db, 'secondary')).map((r) => r.id)).toEqual([other]);
    expect(await listRuns(db, 'nowhere')).toEqual([]);
  });
});

describe('markInterruptedRuns', () => {
  it('turns runs left running into failed/interrupted and leaves ended and live ones alone', async () => {
    const stale = await startRun(db, newRun({ startedAt: 1000, steps: steps() }));
    const live = await startRun(db, newRun({ startedAt: 2000 }));
    const done = await startRun(db, newRun({ startedAt: 500 }));
    await endRun(db, done, { status: 'finished', endedAt: 900 });
    await updateRun(db, stale, { epochs: [{ epoch: 0, loss: 0.7 }] });

    const marked = await markInterruptedRuns(db, { isAlive: (id) => id === live, now: 9000 });
    expect(marked).toEqual([stale]);

    const s = (await db.runs.get(stale))!;
    expect(s.status).toBe('failed');
    expect(s.error?.code).toBe('interrupted');
    expect(s.error?.message).toMatch(/interrupted.*closed/i);
    expect(s.endedAt).toBe(9000);
    expect(s.durationMs).toBeUndefined();
    expect(s.epochs).toEqual([{ epoch: 0, loss: 0.7 }]); // what was recorded is kept
    expect(s.steps.map((x) => x.status)).toEqual(['done', 'failed', 'skipped']);
    expect(s.log.at(-1)).toMatch(/Interrupted/);
    expect((await db.runs.get(live))!.status).toBe('running');
    expect(await db.runs.get(done)).toMatchObject({ status: 'finished', endedAt: 900 });

    // Idempotent.
    expect(await markInterruptedRuns(db, { isAlive: (id) => id === live })).toEqual([]);
  });

  it('without Web Locks every running run counts as interrupted; with them a held run lock keeps it running', async () => {
    const a = await startRun(db, newRun());
    const b = await startRun(db, newRun());
    vi.stubGlobal('navigator', { locks: { query: async () => ({ held: [{ name: runLockName(a) }], pending: [] }) } });
    expect(await markInterruptedRuns(db)).toEqual([b]);
    vi.stubGlobal('navigator', {});
    expect(await markInterruptedRuns(db)).toEqual([a]);
    expect(runLockName(7)).toBe('sporeprint-run-7');
  });

  it('a run wrongly marked interrupted (still training elsewhere) can still finish or fail, but not be cancelled over', async () => {
    const a = await startRun(db, newRun({ startedAt: 0 }));
    const b = await startRun(db, newRun({ startedAt: 0 }));
    await markInterruptedRuns(db, { isAlive: () => false });
    const finished = await endRun(db, a, { status: 'finished', evaluation, endedAt: 50 });
    expect(finished).toMatchObject({ status: 'finished', endedAt: 50, durationMs: 50 });
    expect(finished.error).toBeUndefined();
    expect(await endRun(db, b, { status: 'cancelled' })).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
  });
});
