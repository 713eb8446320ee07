import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb, type ModelVersionRow, type DatasetVersionRow, type PredictionRow } from '$lib/db/db';
import { completeRetraining, getRetrainHold, pendingFeedback, retrainCheck, setFeedback, setRetrainEvery } from '$lib/db/feedback';
import { logPrediction } from '$lib/db/predictions';
import { maybeRetrain, type RetrainAttempt, type RetrainDeps, type TryLock } from './retrain';

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`retrain-test-${++n}`);
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

/** Web Locks taken only if free (`ifAvailable`), shared by every "tab" of a test. */
function memoryLocks(): TryLock {
  const held = new Set<string>();
  return async (name, fn) => {
    if (held.has(name)) return { acquired: false };
    held.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      held.delete(name);
    }
  };
}

const prediction = (): Omit<PredictionRow, 'id'> => ({
  workspaceId: 'uci',
  versionId: 1,
  version: 1,
  kind: 'mlp',
  createdAt: Date.now(),
  source: 'form',
  input: { odor: 'f' },
  pPoisonous: 0.9,
  decision: 'poisonous',
  latencyMs: 2,
  uid: crypto.randomUUID(),
});

async function feedbacks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await setFeedback(db, await logPrediction(db, prediction()), 1);
}

/**
 * A retraining that stands in for the real one: it checks and spends feedback through the same db
 * functions, and lets the test act while it "trains".
 */
function fakeRetraining(during: (runId: number) => Promise<void> = async () => {}) {
  const runs: { count: number; notes: string[] }[] = [];
  const attempt: RetrainDeps['attempt'] = async (db, workspaceId, notes): Promise<RetrainAttempt> => {
    const check = await retrainCheck(db, workspaceId);
    if (!check.due) return { ran: false, count: check.pending.count };
    const runId = runs.push({ count: check.pending.count, notes }) + 100;
    await during(runId);
    await completeRetraining(db, workspaceId, check.pending, runId);
    return { ran: true, runId, failed: false };
  };
  return { runs, attempt };
}

describe('maybeRetrain', () => {
  it('starts the next retraining as soon as the running one ends when feedback arriving during it reached k', async () => {
    await setRetrainEvery(db, 3);
    await feedbacks(3);
    const tryLock = memoryLocks();
    const fake = fakeRetraining(async (runId) => {
      if (runId !== 101) return;
      // While run 101 trains, three more feedbacks arrive; each one's check finds the lock taken.
      await feedbacks(3);
      await maybeRetrain(db, 'uci', 'feedback', { tryLock, attempt: fake.attempt });
    });
    await maybeRetrain(db, 'uci', 'feedback', { tryLock, attempt: fake.attempt });
    expect(fake.runs.map((r) => r.count)).toEqual([3, 3]);
    expect(fake.runs[1].notes[0]).toBe('Started when run #101 ended (verdict recorded): feedback that arrived while it ran reached k.');
    expect((await pendingFeedback(db, 'uci')).count).toBe(0);
    expect((await db.predictions.toArray()).map((p) => p.feedback?.usedByRun)).toEqual([101, 101, 101, 102, 102, 102]);
  });

  it('leaves feedback that arrived during a retraining waiting while it is short of k', async () => {
    await setRetrainEvery(db, 3);
    await feedbacks(3);
    const fake = fakeRetraining(async (runId) => {
      if (runId === 101) await feedbacks(2);
    });
    await maybeRetrain(db, 'uci', 'feedback', { tryLock: memoryLocks(), attempt: fake.attempt });
    expect(fake.runs).toHaveLength(1);
    expect((await pendingFeedback(db, 'uci')).count).toBe(2);
  });

  it('starts one retraining when two tabs save a k that the waiting feedback reaches at the same time', async () => {
    await setRetrainEvery(db, 20);
    await feedbacks(10);
    await setRetrainEvery(db, 10);
    const tryLock = memoryLocks();
    const fake = fakeRetraining(() => new Promise((r) => setTimeout(r, 20)));
    await Promise.all([maybeRetrain(db, 'uci', 'settings', { tryLock, attempt: fake.attempt }), maybeRetrain(db, 'uci', 'settings', { tryLock, attempt: fake.attempt })]);
    expect(fake.runs).toEqual([{ count: 10, notes: ['Started when k was saved at or below the feedback already waiting.'] }]);
    // The second tab, coming after the first has finished, finds nothing due.
    await maybeRetrain(db, 'uci', 'settings', { tryLock, attempt: fake.attempt });
    expect(fake.runs).toHaveLength(1);
  });

  it('looks again after letting go of the lock, for feedback saved while it checked', async () => {
    await setRetrainEvery(db, 2);
    await feedbacks(1);
    const fake = fakeRetraining();
    const tryLock = memoryLocks();
    // The second feedback is saved, and its own check turned away, while the first check holds the lock.
    const racing: TryLock = async (name, fn) =>
      tryLock(name, async () => {
        const out = await fn();
        if (fake.runs.length === 0 && (await pendingFeedback(db, 'uci')).count === 1) {
          await feedbacks(1);
          expect(await tryLock(name, async () => 'other tab')).toEqual({ acquired: false });
        }
        return out;
      });
    await maybeRetrain(db, 'uci', 'feedback', { tryLock: racing, attempt: fake.attempt });
    expect(fake.runs).toEqual([{ count: 2, notes: ['Started after 2 feedbacks were waiting.'] }]);
  });
});

describe('a retraining that fails', () => {
  /** Production v1 whose bundle is missing: the retraining fails before its run is recorded. */
  async function brokenWorkspace() {
    await db.modelVersions.add({
      workspaceId: 'uci',
      version: 1,
      stage: 'production',
      kind: 'mlp',
      runId: null,
      createdAt: 1,
      source: 'shipped',
      history: [],
    } as unknown as ModelVersionRow);
    await db.datasetVersions.add({ workspaceId: 'uci', sha256: 'x', rows: 1, createdAt: 1 } as unknown as DatasetVersionRow);
  }

  it('does not restart on the same feedback (nor on a reload), and tries again once new feedback arrives', async () => {
    await brokenWorkspace();
    await setRetrainEvery(db, 2);
    await feedbacks(2);
    let attempts = 0;
    // The real check-and-retrain, counted by the lock it runs under.
    const locks = memoryLocks();
    const deps: Partial<RetrainDeps> = { tryLock: (name, fn) => locks(name, () => (attempts++, fn())) };
    await maybeRetrain(db, 'uci', 'feedback', deps);
    // One failed retraining, then one look that finds the same feedback held: no loop.
    expect(attempts).toBe(2);
    expect(await getRetrainHold(db, 'uci')).toMatchObject({ count: 2, runId: null, status: 'failed', message: expect.stringContaining('does not exist') });
    expect((await pendingFeedback(db, 'uci')).count).toBe(2); // the feedback still waits
    await maybeRetrain(db, 'uci', 'start', deps); // a reload
    await maybeRetrain(db, 'uci', 'settings', deps); // k saved again
    expect(attempts).toBe(4);
    expect((await getRetrainHold(db, 'uci'))?.count).toBe(2);

    await feedbacks(1);
    await maybeRetrain(db, 'uci', 'feedback', deps);
    expect(attempts).toBe(6); // tried on the three, failed again, held on three
    expect((await getRetrainHold(db, 'uci'))?.count).toBe(3);
  });
});
