import { analyze } from '$lib/engine/abtest/analysis';
import { conclusionRecord, objectionsTo, statisticsAgainst, type Objection } from '$lib/engine/abtest/conclusion';
import { summarizeShadow, summarizeSplit } from '$lib/engine/abtest/outcomes';
import { shadowSeries, splitSeries, testRecords } from '$lib/engine/abtest/series';
import type { Arm } from '$lib/engine/abtest/routing';
import { EngineError } from '$lib/engine/errors';
import type { AbTestRow, AbTestStatus, SporeprintDb } from './db';
import { noteStage, setStage } from './registry';
import { storageError } from './storageErrors';

export function getRunningTest(db: SporeprintDb, workspaceId: string): Promise<AbTestRow | undefined> {
  return db.abTests.where('[workspaceId+status]').equals([workspaceId, 'running']).first();
}

export async function listAbTests(db: SporeprintDb, workspaceId: string): Promise<AbTestRow[]> {
  return (await db.abTests.where('workspaceId').equals(workspaceId).toArray()).sort((a, b) => b.createdAt - a.createdAt);
}

export type NewAbTest = Pick<AbTestRow, 'workspaceId' | 'mode' | 'challengerShare' | 'design' | 'autoConclude'> & { challengerVersionId: number };

/** Starts a test of the production version against a staging one; one running test per workspace. */
export async function startAbTest(db: SporeprintDb, t: NewAbTest): Promise<AbTestRow> {
  if (t.mode === 'split' && !(t.challengerShare > 0 && t.challengerShare < 1))
    throw new EngineError('invalid-argument', 'The challenger’s share of traffic must be between 0 % and 100 %.');
  return db.transaction('rw', db.abTests, db.modelVersions, async () => {
    if (await getRunningTest(db, t.workspaceId)) throw new EngineError('invalid-argument', 'An A/B test is already running in this workspace: conclude it first.');
    const champion = await db.modelVersions
      .where('workspaceId')
      .equals(t.workspaceId)
      .filter((v) => v.stage === 'production')
      .first();
    const challenger = await db.modelVersions.get(t.challengerVersionId);
    if (!champion) throw new EngineError('not-found', 'No production version to test against.');
    if (!challenger || challenger.workspaceId !== t.workspaceId) throw new EngineError('not-found', 'The challenger is not a version of this workspace.');
    if (challenger.stage !== 'staging') throw new EngineError('invalid-argument', `v${challenger.version} is ${challenger.stage}: a challenger must be a staging version.`);
    const row: AbTestRow = {
      workspaceId: t.workspaceId,
      createdAt: Date.now(),
      status: 'running',
      mode: t.mode,
      champion: { versionId: champion.id!, version: champion.version, kind: champion.kind },
      challenger: { versionId: challenger.id!, version: challenger.version, kind: challenger.kind },
      challengerShare: t.mode === 'split' ? t.challengerShare : 0,
      design: t.design,
      autoConclude: t.autoConclude,
    };
    row.id = (await db.abTests.add(row)) as number;
    return row;
  });
}

/**
 * Outcomes of a test from the prediction log: every row it routed counts as a prediction; only rows
 * with an expert's label count as outcomes. Rows are taken in serving order for the accuracy series.
 */
export async function abTestStatus(db: SporeprintDb, test: AbTestRow): Promise<AbTestStatus> {
  const id = test.id!;
  const singles = await db.predictions
    .where('[workspaceId+createdAt]')
    .between([test.workspaceId, test.createdAt], [test.workspaceId, Infinity])
    .filter((p) => p.ab?.testId === id)
    .toArray();
  const batches = await db.predictionBatches
    .where('[workspaceId+createdAt]')
    .between([test.workspaceId, test.createdAt], [test.workspaceId, Infinity])
    .filter((b) => b.ab?.testId === id || b.shadow?.testId === id)
    .toArray();
  const labels = new Map((await db.batchFeedback.bulkGet(batches.map((b) => b.id!))).filter((f) => !!f).map((f) => [f!.batchId, f!.label]));
  const { split, shadow } = testRecords(
    test.mode,
    singles.map((s) => ({
      at: s.createdAt,
      arm: s.ab?.arm,
      calledPoisonous: s.decision !== 'edible',
      shadowCalledPoisonous: s.shadow ? s.shadow.decision !== 'edible' : undefined,
      truth: s.feedback ? s.feedback.label : null,
    })),
    batches.map((b) => ({ at: b.createdAt, rows: b.rows, decision: b.decision, arm: b.ab?.arm, shadowDecision: b.shadow?.decision, labels: labels.get(b.id!) })),
  );
  const outcomes = test.mode === 'split' ? summarizeSplit(split) : summarizeShadow(shadow);
  const analysis = analyze({ outcomes, alpha: test.design.alpha, minimumPerArm: test.design.minimumPerArm });
  return { outcomes, analysis, series: test.mode === 'split' ? splitSeries(split) : shadowSeries(shadow) };
}

/**
 * Ends a test with its final numbers. A winning challenger becomes production (the champion is
 * archived with the reason); a winning champion stays, and the challenger stays in staging. Both
 * versions' histories record the test, worded from the typed verdict (`conclusionRecord`).
 *
 * A conclusion against the statistics (see `objectionsTo`) needs each of its objections in
 * `acknowledged`: the user confirmed them in the page. They are checked again here, on the numbers
 * inside this transaction, because feedback may have arrived since the page asked; an objection
 * the user never saw refuses the conclusion rather than recording an unconfirmed one. Auto-conclude
 * acknowledges nothing, so it can only ever follow the statistics.
 */
export async function concludeAbTest(db: SporeprintDb, testId: number, winner: Arm, by: 'user' | 'auto', acknowledged: readonly Objection[] = []): Promise<AbTestRow> {
  try {
    return await db.transaction('rw', [db.abTests, db.modelVersions, db.predictions, db.predictionBatches, db.batchFeedback], async () => {
      const test = await db.abTests.get(testId);
      if (!test) throw new EngineError('not-found', `A/B test #${testId} does not exist.`);
      if (test.status !== 'running') throw new EngineError('invalid-argument', `A/B test #${testId} is already concluded.`);
      const status = await abTestStatus(db, test);
      const unconfirmed = objectionsTo(winner, status.analysis).filter((o) => !acknowledged.includes(o));
      if (unconfirmed.length) {
        const why = statisticsAgainst({ test, winner, analysis: status.analysis });
        throw new EngineError('invalid-argument', `A/B test #${testId} was not concluded: its numbers changed since the page showed them. ${why} Conclude again to confirm.`, {
          objections: unconfirmed,
        });
      }
      const reason = conclusionRecord({ testId, test, winner, by, analysis: status.analysis });
      test.status = 'concluded';
      test.conclusion = { at: Date.now(), by, winner, reason, status };
      await db.abTests.put(test);
      if (winner === 'challenger') {
        await setStage(db, test.challenger.versionId, 'production', reason, by === 'auto' ? 'auto' : 'user');
      } else {
        await noteStage(db, test.champion.versionId, reason, by === 'auto' ? 'auto' : 'user');
        await noteStage(db, test.challenger.versionId, reason, by === 'auto' ? 'auto' : 'user');
      }
      return test;
    });
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw storageError(e, `A/B test #${testId}`);
  }
}

/** After feedback: a test set to auto-conclude ends once its minimum is reached and the result is significant. */
export async function autoConclude(db: SporeprintDb, workspaceId: string): Promise<AbTestRow | null> {
  const test = await getRunningTest(db, workspaceId);
  if (!test?.autoConclude) return null;
  const { analysis } = await abTestStatus(db, test);
  return analysis.canAutoConclude ? concludeAbTest(db, test.id!, analysis.winner, 'auto') : null;
}
