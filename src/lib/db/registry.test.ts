// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb, type ModelStage } from './db';
import {
  exportBundle,
  getProduction,
  importBundle,
  installShippedBundle,
  listModelVersions,
  loadBundle,
  noteStage,
  registerModelVersion,
  rollback,
  setStage,
  type RegisterModelVersion,
} from './registry';
import { endRun, startRun } from './runs';
import { EngineError } from '$lib/engine/errors';
import type { MetricSet, ModelBundle, VerifiedBundle } from '$lib/engine/ml/bundle';
import { MODEL_KINDS, type ModelKind } from '$lib/engine/ml/model';

let db: SporeprintDb;
let dbCount = 0;

beforeEach(async () => {
  db = new SporeprintDb(`sporeprint-registry-test-${++dbCount}`);
  await db.open();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

const FP = { uci: 'fp-uci-22', secondary: 'fp-secondary-20' } as Record<string, string>;

function metrics(threshold: number, accuracy: number): MetricSet {
  return {
    threshold,
    confusion: { tp: 40, fp: 3, tn: 50, fn: 7 },
    falseEdible: 7,
    accuracy,
    precision: 0.93,
    recall: 0.85,
    f1: 0.89,
    balancedAccuracy: 0.9,
    mcc: 0.8,
    rocAuc: 0.97,
    logLoss: 0.2,
    brier: 0.05,
    averagePrecision: 0.95,
  };
}

/**
 * A small bundle; its content is opaque to storage, so any JSON that has the read fields will do. Whether a
 * bundle loads and answers is checked before the registry (engine/ml/verify.test.ts), so it passes as verified.
 */
function fakeBundle(over: Partial<ModelBundle> = {}): VerifiedBundle {
  const workspaceId = over.workspaceId ?? 'uci';
  const kind: ModelKind = over.kind ?? 'logistic';
  return {
    format: 'sporeprint-model',
    formatVersion: 1,
    workspaceId,
    schemaFingerprint: FP[workspaceId] ?? `fp-${workspaceId}`,
    kind,
    params: { l2: 0.01 },
    seed: 7,
    createdAt: 1_700_000_000_000,
    appVersion: '0.1.0',
    data: { sha256: 'sha-abc', rows: 100, split: { train: 60, validation: 20, test: 20 } },
    trainingMs: 1234,
    model: { kind, schemaVersion: 1, params: { l2: 0.01 }, state: { weights: 'AAAAAAAA8D8=', bias: [0.5, -0.25] } },
    preprocessor: { columns: [{ name: 'odor', codes: ['a', 'n'] }] },
    pca: {
      components: [
        [1, 0],
        [0, 1],
      ],
    },
    threshold: { edibleAbove: 0.97, maxFalseEdibleRate: 0, validation: { poisonous: 10, edible: 10, falseEdible: 0, edibleCalledEdible: 8 } },
    evaluation: {
      atHalf: metrics(0.5, 0.9),
      atSafety: metrics(0.97, 0.8),
      rows: 20,
      curves: { roc: { fpr: [0, 1], tpr: [0, 1] }, pr: { recall: [0, 1], precision: [1, 0.5] }, calibration: { predicted: [0.5], observed: [0.5], count: [20] } },
    },
    referenceProfile: { rows: 60 },
    ...over,
  } as VerifiedBundle;
}

const register = (over: Partial<RegisterModelVersion> = {}) =>
  registerModelVersion(db, {
    workspaceId: over.bundle?.workspaceId ?? over.workspaceId ?? 'uci',
    runId: null,
    bundle: fakeBundle({ workspaceId: over.workspaceId ?? 'uci' }),
    source: 'trained',
    reason: 'trained',
    actor: 'user',
    ...over,
  });

async function finishedRun(workspaceId = 'uci'): Promise<number> {
  const id = await startRun(db, { workspaceId, datasetVersionId: 1, dataSha256: 'sha-abc', appVersion: '0.1.0', kind: 'logistic', params: {}, seed: 7 });
  await endRun(db, id, { status: 'finished' });
  return id;
}

async function stages(workspaceId = 'uci'): Promise<Record<number, ModelStage>> {
  return Object.fromEntries((await listModelVersions(db, workspaceId)).map((v) => [v.version, v.stage]));
}

async function counts() {
  return { versions: await db.modelVersions.count(), bundles: await db.modelBundles.count() };
}

const caught = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as EngineError,
  );

describe('database version 2', () => {
  it('opens a version-1 database, keeps its data and adds the run and registry tables', async () => {
    const name = `sporeprint-upgrade-test-${dbCount}`;
    const old = new Dexie(name);
    old.version(1).stores({
      workspaces: 'id',
      datasetVersions: '++id, workspaceId, [workspaceId+sha256], createdAt',
      datasetChunks: '[versionId+index], versionId',
      settings: 'key',
    });
    await old.table('settings').put({ key: 'workspace', value: 'secondary' });
    old.close();

    const upgraded = new SporeprintDb(name);
    try {
      await upgraded.open();
      expect(upgraded.verno).toBe(9); // the latest version; the point is that v1 data survives
      expect((await upgraded.settings.get('workspace'))?.value).toBe('secondary');
      expect(upgraded.tables.map((t) => t.name).sort()).toEqual([
        'abTests',
        'alerts',
        'batchFeedback',
        'datasetChunks',
        'datasetVersions',
        'modelBundles',
        'modelVersions',
        'monitorReferences',
        'monitorSnapshots',
        'predictionBatches',
        'predictions',
        'runs',
        'settings',
        'workspaces',
      ]);
      expect(await upgraded.runs.count()).toBe(0);
    } finally {
      await upgraded.delete();
    }
  });
});

describe('registerModelVersion', () => {
  it('numbers versions 1, 2, … per workspace', async () => {
    const got: [string, number][] = [];
    for (const ws of ['uci', 'secondary', 'uci', 'uci', 'secondary']) got.push([ws, (await register({ workspaceId: ws })).version]);
    expect(got).toEqual([
      ['uci', 1],
      ['secondary', 1],
      ['uci', 2],
      ['uci', 3],
      ['secondary', 2],
    ]);
    expect((await listModelVersions(db, 'uci')).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('stores a light row with the model card, and the bundle separately', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(42_000);
    const bundle = fakeBundle({ kind: 'forest' });
    const v = await register({ bundle, source: 'trained', reason: 'first try', actor: 'user' });
    expect(v).toEqual({
      id: expect.any(Number),
      workspaceId: 'uci',
      version: 1,
      runId: null,
      kind: 'forest',
      stage: 'staging',
      createdAt: 42_000,
      source: 'trained',
      card: {
        datasetSha256: 'sha-abc',
        datasetRows: 100,
        params: { l2: 0.01 },
        seed: 7,
        trainingMs: 1234,
        threshold: bundle.threshold,
        metrics: bundle.evaluation.atHalf,
        metricsAtSafety: bundle.evaluation.atSafety,
      },
      history: [{ at: 42_000, from: null, to: 'staging', reason: 'first try', actor: 'user' }],
    });
    expect(await db.modelVersions.get(v.id!)).toEqual(v);
    expect(JSON.stringify(await listModelVersions(db, 'uci'))).not.toContain('AAAAAAAA8D8='); // no weights in the list
    expect(await loadBundle(db, v.id!)).toEqual(bundle);
  });

  it('links the run to its version, and refuses a second registration of the same run or a run of another workspace', async () => {
    const runId = await finishedRun();
    const v = await register({ runId });
    expect(v.runId).toBe(runId);
    expect((await db.runs.get(runId))!.modelVersionId).toBe(v.id);

    const again = await caught(register({ runId }));
    expect(again?.code).toBe('invalid-argument');
    expect(again?.message).toContain('already registered as model v1');

    const secRun = await finishedRun('secondary');
    expect((await caught(register({ runId: secRun })))?.code).toBe('invalid-argument');
    expect((await caught(register({ runId: 9999 })))?.code).toBe('not-found');
    const mismatch = await caught(register({ workspaceId: 'uci', bundle: fakeBundle({ workspaceId: 'secondary' }) }));
    expect(mismatch?.code).toBe('invalid-argument');
    expect(await counts()).toEqual({ versions: 1, bundles: 1 });
  });

  it('registering as production archives the previous production in the same step', async () => {
    const v1 = await register({ stage: 'production', reason: 'first', actor: 'auto' });
    const v2 = await register({ stage: 'production', reason: 'better recall', actor: 'user' });
    expect(await stages()).toEqual({ 2: 'production', 1: 'archived' });
    const old = (await db.modelVersions.get(v1.id!))!;
    expect(old.history.at(-1)).toMatchObject({ from: 'production', to: 'archived', actor: 'user' });
    expect(old.history.at(-1)!.reason).toContain('Replaced by v2');
    expect(old.history.at(-1)!.reason).toContain('better recall');
    expect((await getProduction(db, 'uci'))?.id).toBe(v2.id);
  });
});

describe('registration is atomic', () => {
  it('a failing bundle write leaves no version row, no run link, no production change and no used number', async () => {
    const prod = await register({ stage: 'production' });
    const runId = await finishedRun();
    let seenInside: unknown = null;
    vi.spyOn(db.modelBundles, 'add').mockImplementation((async () => {
      // Inside the transaction the row, the run link and the archiving have happened…
      seenInside = { versions: await db.modelVersions.count(), link: (await db.runs.get(runId))!.modelVersionId, prod: (await db.modelVersions.get(prod.id!))!.stage };
      throw new Error('disk on fire');
    }) as never);

    const err = await caught(register({ runId, stage: 'production' }));
    expect(seenInside).toEqual({ versions: 2, link: expect.any(Number), prod: 'archived' });
    expect(err).toBeInstanceOf(EngineError);
    expect(err?.code).toBe('storage-failed');
    expect(err?.message).toContain('disk on fire');
    // …and were all rolled back.
    expect(await counts()).toEqual({ versions: 1, bundles: 1 });
    expect((await db.runs.get(runId))!.modelVersionId).toBeUndefined();
    expect(await db.modelVersions.get(prod.id!)).toEqual(prod);

    vi.restoreAllMocks();
    expect((await register({ runId })).version).toBe(2);
  });

  it('a QuotaExceededError becomes EngineError quota-exceeded', async () => {
    vi.spyOn(db.modelBundles, 'add').mockRejectedValue(new DOMException('Storage full.', 'QuotaExceededError'));
    const err = await caught(register());
    expect(err?.code).toBe('quota-exceeded');
    expect(err?.message).toContain('Nothing was saved');
    expect(await counts()).toEqual({ versions: 0, bundles: 0 });
  });
});

describe('stages', () => {
  it('promoting archives the old production, with history entries on both', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1000);
    const v1 = await register({ stage: 'production' });
    const v2 = await register();
    vi.spyOn(Date, 'now').mockReturnValue(2000);
    const promoted = await setStage(db, v2.id!, 'production', 'passes the safety check', 'user');
    expect(promoted.stage).toBe('production');
    expect(promoted.history).toEqual([
      { at: 1000, from: null, to: 'staging', reason: 'trained', actor: 'user' },
      { at: 2000, from: 'staging', to: 'production', reason: 'passes the safety check', actor: 'user' },
    ]);
    expect((await db.modelVersions.get(v1.id!))!.history.at(-1)).toEqual({
      at: 2000,
      from: 'production',
      to: 'archived',
      reason: 'Replaced by v2: passes the safety check',
      actor: 'user',
    });
    expect(await stages()).toEqual({ 1: 'archived', 2: 'production' });
  });

  it('refuses to demote the production version, changing nothing', async () => {
    const v1 = await register({ stage: 'production' });
    await register();
    for (const to of ['staging', 'archived'] as const) {
      const err = await caught(setStage(db, v1.id!, to, 'oops', 'user'));
      expect(err).toBeInstanceOf(EngineError);
      expect(err?.code).toBe('invalid-argument');
      expect(err?.message).toContain('promote another version first');
    }
    expect(await db.modelVersions.get(v1.id!)).toEqual(v1);
    expect(await stages()).toEqual({ 1: 'production', 2: 'staging' });
  });

  it('moves between staging and archived, ignores a move to the same stage, and reports a missing version', async () => {
    const v = await register();
    expect((await setStage(db, v.id!, 'archived', 'stale', 'auto')).history.at(-1)).toMatchObject({ from: 'staging', to: 'archived', reason: 'stale', actor: 'auto' });
    expect((await setStage(db, v.id!, 'archived', 'again', 'user')).history).toHaveLength(2);
    expect((await setStage(db, v.id!, 'staging', 'revive', 'user')).stage).toBe('staging');
    expect((await caught(setStage(db, 999, 'production', 'x', 'user')))?.code).toBe('not-found');
  });

  it('notes a decision that kept a version where it was (a gate that held it) in its history', async () => {
    const v = await register();
    await noteStage(db, v.id!, '10 new feedbacks: held in staging: less accurate', 'auto');
    const after = await db.modelVersions.get(v.id!);
    expect(after?.stage).toBe('staging');
    expect(after?.history.at(-1)).toMatchObject({ from: 'staging', to: 'staging', reason: '10 new feedbacks: held in staging: less accurate', actor: 'auto' });
    expect((await caught(noteStage(db, 999, 'x', 'auto')))?.code).toBe('not-found');
  });

  it('keeps exactly one production version per workspace through any sequence of operations', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n); // high bits: an LCG's low bits just alternate
    };
    const allStages: ModelStage[] = ['staging', 'production', 'archived'];
    const everProduction = new Set<string>();
    let refusals = 0;
    for (let step = 0; step < 150; step++) {
      const ws = ['uci', 'secondary'][rand(2)];
      const versions = await listModelVersions(db, ws);
      const pick = versions[rand(Math.max(1, versions.length))];
      const op = versions.length ? rand(3) : 0;
      const result = await caught(
        op === 0
          ? register({ workspaceId: ws, stage: allStages[rand(3)] })
          : op === 1
            ? setStage(db, pick.id!, allStages[rand(3)], `step ${step}`, rand(2) ? 'user' : 'auto')
            : rollback(db, ws, pick.id!, `step ${step}`),
      );
      if (result) {
        expect(result.code).toBe('invalid-argument');
        refusals++;
      }
      for (const w of ['uci', 'secondary']) {
        const prod = (await listModelVersions(db, w)).filter((v) => v.stage === 'production');
        if (prod.length) everProduction.add(w);
        expect(prod.length, `${w} after step ${step}`).toBe(everProduction.has(w) ? 1 : 0);
      }
    }
    expect(everProduction.size).toBe(2);
    expect(refusals).toBeGreaterThan(0);
    // Every version's current stage is where its history ends, and each step is a real change.
    for (const w of ['uci', 'secondary']) {
      for (const v of await listModelVersions(db, w)) {
        expect(v.history.at(-1)!.to).toBe(v.stage);
        v.history.slice(1).forEach((h, i) => expect(h.from).toBe(v.history[i].to));
      }
    }
  });
});

describe('rollback', () => {
  it('puts an earlier version back into production and records why and by whom', async () => {
    const v1 = await register({ stage: 'production', reason: 'initial', actor: 'auto' });
    const v2 = await register();
    await setStage(db, v2.id!, 'production', 'newer data', 'user');
    expect(await stages()).toEqual({ 1: 'archived', 2: 'production' });

    const back = await rollback(db, 'uci', v1.id!, 'v2 calls death caps edible');
    expect(back.stage).toBe('production');
    expect(await stages()).toEqual({ 1: 'production', 2: 'archived' });
    expect((await getProduction(db, 'uci'))?.id).toBe(v1.id);

    const h1 = (await db.modelVersions.get(v1.id!))!.history;
    expect(h1.map((h) => [h.from, h.to, h.actor])).toEqual([
      [null, 'production', 'auto'],
      ['production', 'archived', 'user'],
      ['archived', 'production', 'user'],
    ]);
    expect(h1[2].reason).toBe('Rollback from v2: v2 calls death caps edible');
    const h2 = (await db.modelVersions.get(v2.id!))!.history.at(-1)!;
    expect(h2).toMatchObject({ from: 'production', to: 'archived', actor: 'user', reason: 'Rolled back to v1: v2 calls death caps edible' });
  });

  it('refuses a version newer than production or of another workspace; the production version itself is a no-op', async () => {
    const v1 = await register({ stage: 'production' });
    const v2 = await register();
    const newer = await caught(rollback(db, 'uci', v2.id!, 'x'));
    expect(newer?.code).toBe('invalid-argument');
    expect(newer?.message).toContain('promote it instead');
    expect((await caught(rollback(db, 'secondary', v1.id!, 'x')))?.code).toBe('not-found');
    expect((await rollback(db, 'uci', v1.id!, 'x')).history).toHaveLength(1);
    expect(await stages()).toEqual({ 1: 'production', 2: 'staging' });
  });
});

describe('export / import', () => {
  const uciTarget = { id: 'uci', schemaFingerprint: FP.uci };
  /** The check that a bundle loads and answers is the worker's (engine/ml/verify.ts); here every fake one passes. */
  const asIs = async (b: ModelBundle) => b as VerifiedBundle;

  it('refuses a bundle that fails the check that it loads and answers, and stores nothing', async () => {
    const broken = new EngineError('unusable-model', 'This model file cannot be used: it does not load (weights cut short).');
    const err = await caught(importBundle(db, fakeBundle(), uciTarget, async () => Promise.reject(broken)));
    expect(err).toBe(broken);
    expect(await counts()).toEqual({ versions: 0, bundles: 0 });
  });

  it('round-trips through JSON text into a new staging version with the same bundle and card', async () => {
    const runId = await finishedRun();
    const original = await register({ runId, bundle: fakeBundle({ kind: 'mlp' }) });
    await setStage(db, original.id!, 'production', 'good', 'user');

    const exported = await exportBundle(db, original.id!);
    expect(exported).toMatchObject({ format: 'sporeprint-model-export', formatVersion: 1, workspaceName: 'UCI Mushroom' });
    expect(exported.version).toMatchObject({ version: 1, stage: 'production', kind: 'mlp', runId });
    expect(exported.version.history).toHaveLength(2);
    const text = JSON.stringify(exported);
    expect(JSON.parse(text)).toEqual(exported); // JSON-serialisable without loss

    const imported = await importBundle(db, text, uciTarget, asIs);
    expect(imported).toMatchObject({ workspaceId: 'uci', version: 2, runId: null, kind: 'mlp', stage: 'staging', source: 'imported' });
    expect(imported.card).toEqual(original.card);
    expect(imported.history).toEqual([{ at: expect.any(Number), from: null, to: 'staging', reason: 'Imported from a file (exported as v1)', actor: 'user' }]);
    expect(await loadBundle(db, imported.id!)).toEqual(await loadBundle(db, original.id!));
    expect((await getProduction(db, 'uci'))?.id).toBe(original.id); // import never touches production
  });

  it('accepts the parsed object, a Blob of the file, and a bare bundle', async () => {
    const exported = await exportBundle(db, (await register()).id!);
    expect((await importBundle(db, exported, uciTarget, asIs)).version).toBe(2);
    expect((await importBundle(db, new Blob([JSON.stringify(exported)]), uciTarget, asIs)).version).toBe(3);
    const bare = await importBundle(db, fakeBundle({ kind: 'tree' }), uciTarget, asIs);
    expect(bare).toMatchObject({ version: 4, kind: 'tree', source: 'imported' });
    expect(bare.history[0].reason).toBe('Imported from a file');
  });

  it('refuses a model of another workspace, naming both workspaces', async () => {
    const exported = await exportBundle(db, (await register({ workspaceId: 'secondary' })).id!);
    const err = await caught(importBundle(db, exported, uciTarget, asIs));
    expect(err).toBeInstanceOf(EngineError);
    expect(err?.code).toBe('invalid-argument');
    expect(err?.message).toContain('This model was trained for the Secondary Mushroom workspace, not UCI Mushroom');

    // A custom workspace unknown here: the name comes from the file.
    const custom = { ...exported, workspaceName: 'Forest walk', version: { ...exported.version, workspaceId: 'custom-1' }, bundle: fakeBundle({ workspaceId: 'custom-1' }) };
    expect((await caught(importBundle(db, custom, { ...uciTarget, name: 'My UCI' }, asIs)))?.message).toContain('trained for the Forest walk workspace, not My UCI');
    expect(await listModelVersions(db, 'uci')).toEqual([]);
  });

  it('refuses a model for another column layout of the same workspace', async () => {
    const err = await caught(importBundle(db, fakeBundle({ schemaFingerprint: 'fp-uci-21' }), uciTarget, asIs));
    expect(err?.code).toBe('invalid-argument');
    expect(err?.message).toContain('different column layout');
    expect(err?.message).toContain('fp-uci-21');
    expect(await counts()).toEqual({ versions: 0, bundles: 0 });
  });

  it('refuses an unknown model kind, listing the known ones', async () => {
    expect(MODEL_KINDS).toEqual(['logistic', 'mlp', 'tree', 'forest', 'baseline']);
    const err = await caught(importBundle(db, fakeBundle({ kind: 'xgboost' as ModelKind }), uciTarget, asIs));
    expect(err?.code).toBe('invalid-argument');
    expect(err?.message).toBe('Unknown model kind "xgboost": this app knows logistic, mlp, tree, forest, baseline.');
  });

  it('refuses garbage with a message saying what is wrong, and stores nothing', async () => {
    const exported = await exportBundle(db, (await register()).id!);
    const cases: [unknown, string][] = [
      ['not json {', 'not valid JSON'],
      [null, 'not a Sporeprint model export'],
      [42, 'not a Sporeprint model export'],
      [[1, 2], 'not a Sporeprint model export'],
      [{}, 'no "format" field'],
      [{ format: 'tfjs-layers' }, 'its format is "tfjs-layers"'],
      [{ ...exported, formatVersion: 2 }, 'format version 2'],
      [{ ...exported, bundle: undefined }, 'holds no model bundle'],
      [{ ...exported, bundle: { ...exported.bundle, format: 'other' } }, 'bundle format is "other"'],
      [{ ...exported, bundle: { ...exported.bundle, formatVersion: 3 } }, 'bundle format version 3'],
      [{ ...exported, bundle: { ...exported.bundle, evaluation: undefined } }, 'its evaluation is missing'],
      [{ ...exported, bundle: { ...exported.bundle, importance: [{ feature: 'odor', label: 'Odor', score: 'high' }] } }, 'its feature importance is malformed'],
      [{ ...exported, bundle: { ...exported.bundle, threshold: { edibleAbove: 'high' } } }, 'safety threshold is missing'],
      [{ ...exported, bundle: { ...exported.bundle, model: undefined } }, 'trained model itself is missing'],
      [{ ...exported, bundle: { ...exported.bundle, workspaceId: undefined } }, 'which workspace'],
    ];
    for (const [input, message] of cases) {
      const err = await caught(importBundle(db, input, uciTarget, asIs));
      expect(err, message).toBeInstanceOf(EngineError);
      expect(err?.code, message).toBe('invalid-argument');
      expect(err?.message, message).toContain(message);
    }
    expect(await counts()).toEqual({ versions: 1, bundles: 1 });
  });

  it('exporting a missing version throws not-found', async () => {
    expect((await caught(exportBundle(db, 77)))?.code).toBe('not-found');
  });
});

describe('installShippedBundle', () => {
  it('installs the shipped model as v1 production once, and never again', async () => {
    const shipped = fakeBundle({ kind: 'baseline' });
    const v = await installShippedBundle(db, shipped);
    expect(v).toMatchObject({ version: 1, stage: 'production', source: 'shipped', runId: null, kind: 'baseline' });
    expect(v!.history).toEqual([{ at: expect.any(Number), from: null, to: 'production', reason: 'shipped with the app', actor: 'auto' }]);
    expect(await loadBundle(db, v!.id!)).toEqual(shipped);

    expect(await installShippedBundle(db, shipped)).toBeNull();
    // Still not after the user trained and promoted their own model.
    const own = await register();
    await setStage(db, own.id!, 'production', 'mine', 'user');
    expect(await installShippedBundle(db, shipped)).toBeNull();
    expect(await counts()).toEqual({ versions: 2, bundles: 2 });
    // Another workspace gets its own.
    expect((await installShippedBundle(db, fakeBundle({ workspaceId: 'secondary' })))?.version).toBe(1);
  });

  it('does nothing when the workspace already has a model version', async () => {
    await register();
    expect(await installShippedBundle(db, fakeBundle())).toBeNull();
    expect(await stages()).toEqual({ 1: 'staging' });
  });

  it('installs once when called concurrently on one connection and from two connections (two tabs)', async () => {
    const results = await Promise.all([installShippedBundle(db, fakeBundle()), installShippedBundle(db, fakeBundle())]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await counts()).toEqual({ versions: 1, bundles: 1 });

    const tab2 = new SporeprintDb(db.name);
    try {
      const racing = await Promise.all([installShippedBundle(db, fakeBundle({ workspaceId: 'secondary' })), installShippedBundle(tab2, fakeBundle({ workspaceId: 'secondary' }))]);
      expect(racing.filter((r) => r !== null)).toHaveLength(1);
    } finally {
      tab2.close();
    }
    expect(await listModelVersions(db, 'secondary')).toHaveLength(1);
    expect((await getProduction(db, 'secondary'))?.source).toBe('shipped');
  });

  it('refuses an invalid shipped bundle', async () => {
    expect((await caught(installShippedBundle(db, { ...fakeBundle(), kind: 'svm' as ModelKind })))?.code).toBe('invalid-argument');
    expect(await counts()).toEqual({ versions: 0, bundles: 0 });
  });
});
