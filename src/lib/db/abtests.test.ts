// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type AbTestRow, type ModelVersionRow, type PredictionBatchRow, type PredictionRow } from './db';
import { abTestStatus, autoConclude, concludeAbTest, getRunningTest, startAbTest, type NewAbTest } from './abtests';
import { setBatchFeedback, setFeedback } from './feedback';
import { logPrediction } from './predictions';
import { registerModelVersion, setStage } from './registry';
import type { Arm } from '$lib/engine/abtest/routing';
import type { Objection } from '$lib/engine/abtest/conclusion';
import type { VerifiedBundle } from '$lib/engine/ml/bundle';
import type { ModelKind } from '$lib/engine/ml/model';

let db: SporeprintDb;
let dbCount = 0;

beforeEach(async () => {
  db = new SporeprintDb(`sporeprint-abtests-test-${++dbCount}`);
  await db.open();
});

afterEach(async () => {
  await db.delete();
});

/** Only what the registry reads; the rest of a bundle is opaque to storage. */
const miniBundle = (workspaceId: string, kind: ModelKind): VerifiedBundle =>
  ({
    format: 'sporeprint-model',
    formatVersion: 1,
    workspaceId,
    schemaFingerprint: `fp-${workspaceId}`,
    kind,
    params: {},
    seed: 1,
    trainingMs: 1,
    data: { sha256: 'sha-1', rows: 10, split: { train: 6, validation: 2, test: 2 } },
    model: { kind, schemaVersion: 1, params: {}, state: null },
    threshold: { edibleAbove: 0.97, maxFalseEdibleRate: 0, validation: { poisonous: 5, edible: 5, falseEdible: 0, edibleCalledEdible: 3 } },
    evaluation: { atHalf: { accuracy: 0.9 }, atSafety: { accuracy: 0.8 }, rows: 10 },
  }) as unknown as VerifiedBundle;

const register = (workspaceId: string, stage: 'staging' | 'production', kind: ModelKind = 'logistic') =>
  registerModelVersion(db, { workspaceId, runId: null, bundle: miniBundle(workspaceId, kind), source: 'trained', stage, reason: 'trained', actor: 'user' });

/** v1 in production and v2 (an mlp) in staging: the usual champion and challenger. */
async function twoVersions(workspaceId = 'uci'): Promise<{ v1: ModelVersionRow; v2: ModelVersionRow }> {
  const v1 = await register(workspaceId, 'production');
  const v2 = await register(workspaceId, 'staging', 'mlp');
  return { v1, v2 };
}

const design = (minimumPerArm = 10): AbTestRow['design'] => ({ baselineAccuracy: 0.9, mde: 0.05, alpha: 0.05, power: 0.8, minimumPerArm });

const newTest = (challengerVersionId: number, over: Partial<NewAbTest> = {}): NewAbTest => ({
  workspaceId: 'uci',
  mode: 'split',
  challengerShare: 0.5,
  design: design(),
  autoConclude: false,
  challengerVersionId,
  ...over,
});

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { code?: string; message?: string },
  );

type Decision = PredictionRow['decision'];

/** A single prediction logged `at` ms after the test started, with an arm and optionally an expert's label. */
async function single(test: AbTestRow, at: number, over: Partial<PredictionRow> & { arm?: Arm; label?: 0 | 1 } = {}): Promise<number> {
  const { arm = 'champion', label, ...rest } = over;
  const id = await logPrediction(db, {
    workspaceId: test.workspaceId,
    versionId: 1,
    version: 1,
    kind: 'logistic',
    createdAt: test.createdAt + at,
    source: 'form',
    input: { odor: 'n' },
    pPoisonous: 0.5,
    decision: 'edible',
    latencyMs: 1,
    uid: crypto.randomUUID(),
    ab: { testId: test.id!, arm },
    ...rest,
  });
  if (label !== undefined) await setFeedback(db, id, label);
  return id;
}

/** A batch logged `at` ms after the test started; its class column becomes feedback only if `submit`. */
async function batch(
  test: AbTestRow,
  at: number,
  o: { decision: number[]; label?: number[]; submit?: boolean; arm?: number[]; shadow?: number[]; testId?: number; workspaceId?: string },
): Promise<number> {
  const rows = o.decision.length;
  const testId = o.testId ?? test.id!;
  const row: Omit<PredictionBatchRow, 'id'> = {
    workspaceId: o.workspaceId ?? test.workspaceId,
    versionId: 1,
    version: 1,
    kind: 'logistic',
    createdAt: test.createdAt + at,
    source: 'field.csv',
    rows,
    columns: [],
    label: o.label ? Uint8Array.from(o.label) : null,
    pPoisonous: new Float32Array(rows),
    decision: Uint8Array.from(o.decision),
    edibleAbove: 0.97,
    predictMs: 1,
    uid: crypto.randomUUID(),
    ...(o.arm ? { ab: { testId, challengerVersionId: 2, challengerVersion: 2, challengerEdibleAbove: 0.97, arm: Uint8Array.from(o.arm) } } : {}),
    ...(o.shadow ? { shadow: { testId, versionId: 2, version: 2, pPoisonous: new Float32Array(rows), decision: Uint8Array.from(o.shadow) } } : {}),
  };
  const id = (await db.predictionBatches.add(row)) as number;
  if (o.submit) await setBatchFeedback(db, id);
  return id;
}

const lastHistory = async (versionId: number) => (await db.modelVersions.get(versionId))!.history.at(-1)!;
const stageOf = async (versionId: number) => (await db.modelVersions.get(versionId))!.stage;

/** 400 labelled rows in alternating arms: the challenger always right, the champion wrong on 40 % (calling edible ones poisonous). */
async function decisiveBatch(test: AbTestRow, challengerBetter = true) {
  const rows = 400;
  const arm = Array.from({ length: rows }, (_, i) => i % 2);
  const label = Array.from({ length: rows }, (_, i) => (i >> 1) % 2);
  const weak = (i: number) => (arm[i] === 1) !== challengerBetter; // the arm that errs
  const decision = label.map((l, i) => (weak(i) && l === 0 && (i >> 2) % 5 < 4 ? 2 : 2 * l));
  await batch(test, 10, { arm, decision, label, submit: true });
}

describe('startAbTest', () => {
  it('allows one running test per workspace; another workspace may run its own', async () => {
    const { v2 } = await twoVersions();
    const v3 = await register('uci', 'staging');
    const other = await twoVersions('secondary');
    const first = await startAbTest(db, newTest(v2.id!));
    const refused = await caught(startAbTest(db, newTest(v3.id!)));
    expect(refused).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('already running') });
    expect((await getRunningTest(db, 'uci'))?.id).toBe(first.id);
    const elsewhere = await startAbTest(db, newTest(other.v2.id!, { workspaceId: 'secondary' }));
    expect(elsewhere.workspaceId).toBe('secondary');
    expect(elsewhere.id).not.toBe(first.id);
    expect(await db.abTests.count()).toBe(2);
  });

  it('refuses a challenger that is production, archived, of another workspace or missing, and a workspace without production', async () => {
    const { v1, v2 } = await twoVersions();
    const archived = await register('uci', 'staging');
    await setStage(db, archived.id!, 'archived', 'old', 'user');
    const foreign = await register('secondary', 'staging');
    expect(await caught(startAbTest(db, newTest(v1.id!)))).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('v1 is production') });
    expect(await caught(startAbTest(db, newTest(archived.id!)))).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('v3 is archived') });
    expect(await caught(startAbTest(db, newTest(foreign.id!)))).toMatchObject({ code: 'not-found' });
    expect(await caught(startAbTest(db, newTest(9999)))).toMatchObject({ code: 'not-found' });
    // 'secondary' has a staging version but nothing in production to test against.
    expect(await caught(startAbTest(db, newTest(foreign.id!, { workspaceId: 'secondary' })))).toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('No production'),
    });
    expect(await db.abTests.count()).toBe(0);
    expect((await startAbTest(db, newTest(v2.id!))).challenger.versionId).toBe(v2.id);
  });

  it('refuses a split share outside (0, 1)', async () => {
    const { v2 } = await twoVersions();
    for (const share of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(await caught(startAbTest(db, newTest(v2.id!, { challengerShare: share })))).toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('share') });
    }
    expect(await db.abTests.count()).toBe(0);
    expect((await startAbTest(db, newTest(v2.id!, { challengerShare: 0.01 }))).challengerShare).toBe(0.01);
  });

  it('records the current production as champion, the challenger, the design, and stores the row', async () => {
    await register('uci', 'production'); // v1, archived when v2 is promoted below
    const v2 = await register('uci', 'production', 'forest');
    const v3 = await register('uci', 'staging', 'mlp');
    const test = await startAbTest(db, newTest(v3.id!, { challengerShare: 0.2, design: design(42), autoConclude: true }));
    expect(test).toMatchObject({
      workspaceId: 'uci',
      status: 'running',
      mode: 'split',
      challengerShare: 0.2,
      autoConclude: true,
      design: design(42),
      champion: { versionId: v2.id, version: 2, kind: 'forest' },
      challenger: { versionId: v3.id, version: 3, kind: 'mlp' },
    });
    expect(test.conclusion).toBeUndefined();
    expect(await db.abTests.get(test.id!)).toEqual(test);
  });

  it('stores share 0 for a shadow test, whatever share was given', async () => {
    const { v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { mode: 'shadow', challengerShare: 0.7 }));
    expect(test.mode).toBe('shadow');
    expect(test.challengerShare).toBe(0);
    expect((await db.abTests.get(test.id!))!.challengerShare).toBe(0);
  });
});

describe('abTestStatus, split mode', () => {
  it('counts only this test’s rows, outcomes only from feedback, uncertain as called poisonous', async () => {
    const { v2 } = await twoVersions();
    await twoVersions('secondary');
    const test = await startAbTest(db, newTest(v2.id!));
    const id = test.id!;

    // Rows that must be ignored: each is a labelled challenger "edible" on a poisonous mushroom, so
    // counting any of them would show up as a challenger prediction, outcome and poisonous-called-edible.
    const ignoredSingle = { arm: 'challenger' as const, decision: 'edible' as const, label: 1 as const };
    await single(test, -1000, ignoredSingle); // this test's id, but logged before the test started
    await single(test, 5, { ...ignoredSingle, ab: { testId: id + 1, arm: 'challenger' } }); // another test
    await single(test, 6, { ...ignoredSingle, ab: undefined }); // served outside any test
    await single({ ...test, workspaceId: 'secondary' }, 7, ignoredSingle); // another workspace
    await batch(test, -500, { arm: [1, 1], decision: [0, 0], label: [1, 1], submit: true });
    await batch(test, 8, { arm: [1, 1], decision: [0, 0], label: [1, 1], submit: true, testId: id + 1 });
    await batch(test, 9, { arm: [1, 1], decision: [0, 0], label: [1, 1], submit: true, workspaceId: 'secondary' });

    // This test's rows.
    await single(test, 10, { arm: 'champion', decision: 'edible', label: 0 }); // right
    await single(test, 20, { arm: 'champion', decision: 'edible', label: 1 }); // wrong, poisonous called edible
    await single(test, 30, { arm: 'champion', decision: 'uncertain', label: 1 }); // right: uncertain = poisonous
    await single(test, 40, { arm: 'challenger', decision: 'uncertain', label: 0 }); // wrong, but not called edible
    await single(test, 50, { arm: 'challenger', decision: 'poisonous' }); // no feedback
    await single(test, 60, { arm: 'champion', decision: 'edible' }); // no feedback
    // decision: 0 edible, 1 uncertain, 2 poisonous. Rows: champion wrong (PCE), challenger right,
    // challenger right, champion wrong, challenger right.
    await batch(test, 70, { arm: [0, 1, 1, 0, 1], decision: [0, 1, 0, 2, 2], label: [1, 1, 0, 0, 1], submit: true });
    // A class column never submitted as feedback: predictions only.
    await batch(test, 80, { arm: [1, 0, 1], decision: [0, 0, 0], label: [1, 1, 1], submit: false });

    const { outcomes, series, analysis } = await abTestStatus(db, test);
    expect(outcomes.mode).toBe('split');
    expect(outcomes.champion).toMatchObject({ predictions: 7, feedbackCount: 5, correct: 2, poisonousCalledEdible: 2, accuracy: 2 / 5 });
    expect(outcomes.challenger).toMatchObject({ predictions: 7, feedbackCount: 4, correct: 3, poisonousCalledEdible: 0, accuracy: 3 / 4 });
    expect(analysis.outcomesPerArm).toBe(4);
    // Outcomes in serving order: s10 s20 s30 s40, then the first batch's five rows.
    expect(series).toEqual({
      n: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      champion: [1, 1 / 2, 2 / 3, 2 / 3, 2 / 4, 2 / 4, 2 / 4, 2 / 5, 2 / 5],
      challenger: [null, null, null, 0, 0, 1 / 2, 2 / 3, 2 / 3, 3 / 4],
    });
  });

  it('counts rows as predictions only until feedback arrives', async () => {
    const { v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    const s = await single(test, 10, { arm: 'challenger', decision: 'edible' });
    const b = await batch(test, 20, { arm: [0, 0, 1], decision: [2, 0, 0], label: [1, 1, 0] });
    let { outcomes, series } = await abTestStatus(db, test);
    expect([outcomes.champion.predictions, outcomes.champion.feedbackCount, outcomes.challenger.predictions, outcomes.challenger.feedbackCount]).toEqual([2, 0, 2, 0]);
    expect(outcomes.champion.accuracy).toBeNull();
    expect(series).toEqual({ n: [], champion: [], challenger: [] });

    await setFeedback(db, s, 1);
    await setBatchFeedback(db, b);
    ({ outcomes, series } = await abTestStatus(db, test));
    expect(outcomes.champion).toMatchObject({ predictions: 2, feedbackCount: 2, correct: 1, poisonousCalledEdible: 1 });
    expect(outcomes.challenger).toMatchObject({ predictions: 2, feedbackCount: 2, correct: 1, poisonousCalledEdible: 1 });
    expect(series.n).toEqual([1, 2, 3, 4]);
  });

  it('thins the series of 1000 outcomes to 100 cumulative points ending with the final accuracies', async () => {
    const { v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    const rows = 1000;
    const arm = Array.from({ length: rows }, (_, i) => i % 2);
    const label = Array.from({ length: rows }, (_, i) => (i >> 1) % 2);
    // The challenger is always right; the champion calls every third row poisonous whatever it is.
    const decision = label.map((l, i) => (arm[i] ? 2 * l : i % 3 === 0 ? 2 : 2 * l));
    await batch(test, 10, { arm, decision, label, submit: true });
    const { outcomes, series } = await abTestStatus(db, test);
    expect(outcomes.champion.feedbackCount + outcomes.challenger.feedbackCount).toBe(rows);
    expect(series.n).toHaveLength(100);
    expect(series.champion).toHaveLength(100);
    expect(series.challenger).toHaveLength(100);
    expect(series.n[0]).toBe(10);
    expect(series.n.at(-1)).toBe(rows);
    expect(series.n.every((n, i) => i === 0 || n > series.n[i - 1])).toBe(true);
    expect(series.champion.at(-1)).toBe(outcomes.champion.accuracy);
    expect(series.challenger.at(-1)).toBe(outcomes.challenger.accuracy);
    expect(outcomes.challenger.accuracy).toBe(1);
    expect(outcomes.champion.accuracy).toBeLessThan(1);
  });
});

describe('abTestStatus, shadow mode', () => {
  it('counts the paired table exactly from singles with a shadow answer and batches with shadow decisions', async () => {
    const { v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { mode: 'shadow' }));
    const shadow = (decision: Decision) => ({ shadow: { versionId: v2.id!, version: 2, pPoisonous: 0.5, decision } });
    await single(test, 10, { decision: 'edible', ...shadow('poisonous'), label: 1 }); // champion wrong, challenger right
    await single(test, 20, { decision: 'poisonous', ...shadow('uncertain'), label: 1 }); // both right
    await single(test, 30, { decision: 'edible', ...shadow('edible'), label: 0 }); // both right
    await single(test, 40, { decision: 'uncertain', ...shadow('edible'), label: 0 }); // champion wrong, challenger right
    await single(test, 50, { decision: 'edible', ...shadow('poisonous') }); // no feedback
    // Rows: champion right & challenger wrong; champion wrong & challenger right; both right; both wrong.
    await batch(test, 60, { decision: [0, 2, 1, 0], shadow: [2, 0, 1, 0], label: [0, 0, 1, 1], submit: true });
    // Ignored: another test's shadow batch and one logged before this test, all both wrong.
    await batch(test, 70, { decision: [0, 0], shadow: [0, 0], label: [1, 1], submit: true, testId: test.id! + 1 });
    await batch(test, -70, { decision: [0, 0], shadow: [0, 0], label: [1, 1], submit: true });

    const { outcomes, series } = await abTestStatus(db, test);
    if (outcomes.mode !== 'shadow') throw new Error(`expected shadow outcomes, got ${outcomes.mode}`);
    expect(outcomes.pairs).toEqual([
      [3, 1],
      [3, 1],
    ]);
    expect(outcomes.champion).toMatchObject({ predictions: 9, feedbackCount: 8, correct: 4, poisonousCalledEdible: 2 });
    expect(outcomes.challenger).toMatchObject({ predictions: 9, feedbackCount: 8, correct: 6, poisonousCalledEdible: 1 });
    expect(series.n).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(series.champion.at(-1)).toBe(4 / 8);
    expect(series.challenger.at(-1)).toBe(6 / 8);
  });
});

describe('concludeAbTest', () => {
  /** What an empty or young test says against any arm: the user confirms both to conclude it. */
  const EARLY: Objection[] = ['not-significant', 'minimum-not-reached'];

  it('a winning challenger becomes production and the champion is archived, both with the test in their history', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    const done = await concludeAbTest(db, test.id!, 'challenger', 'user', EARLY);
    expect(done.status).toBe('concluded');
    expect(done.conclusion).toMatchObject({
      by: 'user',
      winner: 'challenger',
      reason: expect.stringContaining(`A/B test #${test.id} (split) concluded by hand: v2 promoted to production and v1 archived`),
    });
    expect(await stageOf(v2.id!)).toBe('production');
    expect(await stageOf(v1.id!)).toBe('archived');
    expect(await lastHistory(v2.id!)).toMatchObject({ from: 'staging', to: 'production', actor: 'user', reason: expect.stringContaining(`A/B test #${test.id}`) });
    expect(await lastHistory(v1.id!)).toMatchObject({ from: 'production', to: 'archived', actor: 'user', reason: expect.stringContaining(`A/B test #${test.id}`) });
    expect(await getRunningTest(db, 'uci')).toBeUndefined();
    expect((await db.abTests.get(test.id!))!.status).toBe('concluded');
  });

  it('a winning champion stays in production and the challenger in staging, both histories noting the verdict', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    const before = { v1: (await db.modelVersions.get(v1.id!))!.history.length, v2: (await db.modelVersions.get(v2.id!))!.history.length };
    const done = await concludeAbTest(db, test.id!, 'champion', 'user', EARLY);
    expect(done.conclusion).toMatchObject({ winner: 'champion', reason: expect.stringContaining('v1 stays in production and v2 in staging') });
    expect(await stageOf(v1.id!)).toBe('production');
    expect(await stageOf(v2.id!)).toBe('staging');
    expect((await db.modelVersions.get(v1.id!))!.history).toHaveLength(before.v1 + 1);
    expect((await db.modelVersions.get(v2.id!))!.history).toHaveLength(before.v2 + 1);
    expect(await lastHistory(v1.id!)).toMatchObject({ from: 'production', to: 'production', reason: expect.stringContaining(`A/B test #${test.id}`) });
    expect(await lastHistory(v2.id!)).toMatchObject({ from: 'staging', to: 'staging', reason: expect.stringContaining(`A/B test #${test.id}`) });
  });

  it('a challenger promoted by hand against the statistics: the test and both histories say so, with p and the outcomes so far', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    // Two right and one wrong in each arm: the same accuracy, so p is 1 whichever test decides.
    for (const [i, arm] of (['champion', 'challenger'] as const).entries()) {
      await single(test, 10 + i, { arm, decision: 'edible', label: 0 });
      await single(test, 20 + i, { arm, decision: 'poisonous', label: 1 });
      await single(test, 30 + i, { arm, decision: 'poisonous', label: 0 });
    }
    const done = await concludeAbTest(db, test.id!, 'challenger', 'user', EARLY);
    const record =
      `A/B test #${test.id} (split) concluded by hand: v2 promoted to production and v1 archived, ` +
      'although the test was not significant (p = 1.0) and had 3 of the 10 outcomes per arm it needed.';
    expect(done.conclusion).toMatchObject({ by: 'user', winner: 'challenger', reason: record });
    expect((await db.abTests.get(test.id!))!.conclusion!.reason).toBe(record);
    expect(await lastHistory(v2.id!)).toMatchObject({ from: 'staging', to: 'production', actor: 'user', reason: record });
    expect(await lastHistory(v1.id!)).toMatchObject({ from: 'production', to: 'archived', actor: 'user', reason: `Replaced by v2: ${record}` });
    // The analysis alone would have kept the champion; the record must not say it did.
    expect(done.conclusion!.status.analysis.reason).toContain('the champion stays');
    expect(record).not.toContain('champion stays');
  });

  it('refuses a conclusion against the statistics that the user did not confirm, and changes nothing', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    const history = { v1: (await db.modelVersions.get(v1.id!))!.history.length, v2: (await db.modelVersions.get(v2.id!))!.history.length };
    for (const [winner, acknowledged] of [
      ['challenger', []],
      ['champion', []],
      ['challenger', ['not-significant']],
    ] as const) {
      const refused = await caught(concludeAbTest(db, test.id!, winner, 'user', acknowledged));
      expect(refused).toMatchObject({
        code: 'invalid-argument',
        message: expect.stringContaining('has 0 of the 10 outcomes per arm it needs'),
        details: { objections: EARLY.filter((o) => !(acknowledged as readonly Objection[]).includes(o)) },
      });
    }
    // Auto-conclude never acknowledges: it cannot conclude against the statistics either.
    expect(await caught(concludeAbTest(db, test.id!, 'champion', 'auto'))).toMatchObject({ code: 'invalid-argument' });
    expect((await db.abTests.get(test.id!))!.status).toBe('running');
    expect(await stageOf(v1.id!)).toBe('production');
    expect(await stageOf(v2.id!)).toBe('staging');
    expect((await db.modelVersions.get(v1.id!))!.history).toHaveLength(history.v1);
    expect((await db.modelVersions.get(v2.id!))!.history).toHaveLength(history.v2);
  });

  it('refuses when the numbers changed since the user confirmed: a new objection was never seen', async () => {
    const { v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { design: design(20) }));
    // The page asked while the test was empty (EARLY); meanwhile the champion became significantly better.
    await decisiveBatch(test, false);
    const refused = await caught(concludeAbTest(db, test.id!, 'challenger', 'user', EARLY));
    expect(refused).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringContaining('favours v1, which is significantly more accurate'),
      details: { objections: ['favours-other-arm'] },
    });
    const done = await concludeAbTest(db, test.id!, 'challenger', 'user', ['favours-other-arm']);
    expect(done.conclusion!.reason).toMatch(/v2 promoted to production and v1 archived, although the test favoured v1, which was significantly more accurate \(p < 0\.0001\)\.$/);
  });

  it('a by-hand conclusion the statistics support needs no confirmation and records the verdict it followed', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { design: design(20) }));
    await decisiveBatch(test);
    const done = await concludeAbTest(db, test.id!, 'challenger', 'user');
    expect(done.conclusion!.reason).toBe(
      `A/B test #${test.id} (split) concluded by hand: v2 promoted to production and v1 archived. ${done.conclusion!.status.analysis.reason} ` +
        'Minimum sample reached: 200 outcomes in the smaller arm, 20 needed.',
    );
    expect(done.conclusion!.reason).toContain('The challenger is significantly more accurate');
    expect(await stageOf(v2.id!)).toBe('production');
    expect(await stageOf(v1.id!)).toBe('archived');
  });

  it('refuses to conclude a test twice, or one that does not exist', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!));
    await concludeAbTest(db, test.id!, 'champion', 'user', EARLY);
    const historyLength = (await db.modelVersions.get(v1.id!))!.history.length;
    expect(await caught(concludeAbTest(db, test.id!, 'challenger', 'user', EARLY))).toMatchObject({
      code: 'invalid-argument',
      message: expect.stringContaining('already concluded'),
    });
    // The refused second call changed nothing.
    expect(await stageOf(v2.id!)).toBe('staging');
    expect((await db.modelVersions.get(v1.id!))!.history).toHaveLength(historyLength);
    expect((await db.abTests.get(test.id!))!.conclusion!.winner).toBe('champion');
    expect(await caught(concludeAbTest(db, 9999, 'champion', 'user'))).toMatchObject({ code: 'not-found' });
  });

  it('stores the final status as it was when concluded, and frees the workspace for a new test', async () => {
    const { v2 } = await twoVersions();
    const v3 = await register('uci', 'staging');
    const test = await startAbTest(db, newTest(v2.id!));
    await single(test, 10, { arm: 'champion', decision: 'edible', label: 1 });
    await single(test, 20, { arm: 'challenger', decision: 'poisonous', label: 1 });
    await batch(test, 30, { arm: [0, 1, 1, 0], decision: [0, 0, 2, 2], label: [0, 0, 1, 0], submit: true });
    const status = await abTestStatus(db, test);
    expect(status.outcomes.champion.feedbackCount).toBe(3);
    expect(status.outcomes.challenger.feedbackCount).toBe(3);
    await concludeAbTest(db, test.id!, 'champion', 'user', EARLY);
    // A late feedback-bearing row does not change the stored verdict.
    await single(test, 40, { arm: 'challenger', decision: 'edible', label: 1 });
    const stored = (await db.abTests.get(test.id!))!.conclusion!;
    expect(stored.status.outcomes).toEqual(status.outcomes);
    expect(stored.status.series).toEqual(status.series);
    expect(stored.status.analysis.pvalue).toBe(status.analysis.pvalue);
    expect(stored.by).toBe('user');
    const next = await startAbTest(db, newTest(v3.id!));
    expect((await getRunningTest(db, 'uci'))?.id).toBe(next.id);
  });
});

describe('autoConclude', () => {
  it('does nothing without a running test, or when the test is not set to auto-conclude', async () => {
    const { v1, v2 } = await twoVersions();
    expect(await autoConclude(db, 'uci')).toBeNull();
    const test = await startAbTest(db, newTest(v2.id!, { autoConclude: false, design: design(20) }));
    await decisiveBatch(test);
    expect((await abTestStatus(db, test)).analysis.canAutoConclude).toBe(true); // it would conclude if allowed
    expect(await autoConclude(db, 'uci')).toBeNull();
    expect((await db.abTests.get(test.id!))!.status).toBe('running');
    expect(await stageOf(v1.id!)).toBe('production');
    expect(await stageOf(v2.id!)).toBe('staging');
  });

  it('does nothing before the minimum sample size, however significant', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { autoConclude: true, design: design(201) }));
    await decisiveBatch(test);
    const { analysis } = await abTestStatus(db, test);
    expect(analysis).toMatchObject({ significant: true, minimumReached: false, outcomesPerArm: 200, canAutoConclude: false });
    expect(await autoConclude(db, 'uci')).toBeNull();
    expect((await db.abTests.get(test.id!))!.status).toBe('running');
    expect(await stageOf(v1.id!)).toBe('production');
    expect(await stageOf(v2.id!)).toBe('staging');
  });

  it('concludes with the analysis’ winner once the minimum is reached and the result is significant', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { autoConclude: true, design: design(20) }));
    await decisiveBatch(test);
    const { analysis } = await abTestStatus(db, test);
    expect(analysis).toMatchObject({ significant: true, minimumReached: true, winner: 'challenger', canAutoConclude: true });
    const done = await autoConclude(db, 'uci');
    expect(done).toMatchObject({
      id: test.id,
      status: 'concluded',
      conclusion: {
        by: 'auto',
        winner: 'challenger',
        reason: expect.stringContaining('concluded automatically: v2 promoted to production and v1 archived. The challenger is significantly more accurate'),
      },
    });
    expect(await stageOf(v2.id!)).toBe('production');
    expect(await stageOf(v1.id!)).toBe('archived');
    expect(await lastHistory(v2.id!)).toMatchObject({ actor: 'auto', to: 'production', reason: expect.stringContaining(`A/B test #${test.id}`) });
    expect(await getRunningTest(db, 'uci')).toBeUndefined();
    expect(await autoConclude(db, 'uci')).toBeNull();
  });

  it('concludes for the champion when the champion is significantly better', async () => {
    const { v1, v2 } = await twoVersions();
    const test = await startAbTest(db, newTest(v2.id!, { autoConclude: true, design: design(20) }));
    await decisiveBatch(test, false);
    const done = await autoConclude(db, 'uci');
    expect(done?.conclusion).toMatchObject({ by: 'auto', winner: 'champion' });
    expect(done?.conclusion?.status.outcomes.champion.accuracy).toBe(1);
    expect(await stageOf(v1.id!)).toBe('production');
    expect(await stageOf(v2.id!)).toBe('staging');
    expect(await lastHistory(v2.id!)).toMatchObject({ from: 'staging', to: 'staging', actor: 'auto' });
  });
});
