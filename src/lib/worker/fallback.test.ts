import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SporeprintDb, type ModelVersionRow, type StageChange } from '$lib/db/db';
import { installShippedBundle, listModelVersions, registerModelVersion, setStage } from '$lib/db/registry';
import type { VerifiedBundle } from '$lib/engine/ml/bundle';
import { builtinSchema } from '$lib/engine/data/builtinSchemas';
import { customWorkspace } from '$lib/db/workspaces';
import { assertProbabilities } from '$lib/engine/ml/verify';
import { fallBack } from './fallback';
import { EngineError } from '$lib/engine/errors';
import { installShippedModels } from './install';
import { liveModel, servePrediction } from './serving';
import { predictOne } from './predict';
import { startAbTest } from '$lib/db/abtests';

let db: SporeprintDb;
let n = 0;
/**
 * serving.ts holds this worker's live models by workspace: each test gets a workspace of its own (a
 * copy of the UCI layout, as an import of a custom file makes), like a fresh worker would see.
 */
let ws: string;
beforeEach(async () => {
  db = new SporeprintDb(`fallback-test-${++n}`);
  ws = `custom-fallback-${n}`;
  await db.workspaces.put(customWorkspace({ ...builtinSchema('uci')!, id: ws }, `Copy ${n}`));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

const shipped = (): VerifiedBundle => ({ ...JSON.parse(readFileSync(new URL('../../../artifacts/uci.model.json', import.meta.url), 'utf8')), workspaceId: ws });

/** v1 (shipped) then v2 (the same bundle, imported and promoted): production v2, v1 archived after serving. */
async function twoServed(): Promise<{ v1: ModelVersionRow; v2: ModelVersionRow }> {
  const v1 = (await installShippedBundle(db, shipped()))!;
  const v2 = await registerModelVersion(db, { workspaceId: ws, runId: null, bundle: shipped(), source: 'imported', reason: 'imported', actor: 'user' });
  await setStage(db, v2.id!, 'production', 'better', 'user');
  return { v1, v2 };
}

const stages = async () => Object.fromEntries((await listModelVersions(db, ws)).map((v) => [`v${v.version}`, v.stage]));
const lastEntry = async (id: number): Promise<StageChange> => (await db.modelVersions.get(id))!.history.at(-1)!;

/** Damage to the stored production version, as the e2e tests do it through IndexedDB in the page. */
const damages: [string, (versionId: number) => Promise<unknown>, RegExp][] = [
  [
    'weights cut short',
    async (id) => {
      const row = (await db.modelBundles.get(id))!;
      const state = row.bundle.model.state as { weightData: string };
      state.weightData = state.weightData.slice(0, 4000);
      await db.modelBundles.put(row);
    },
    /it does not load/,
  ],
  [
    'state missing',
    async (id) => {
      const row = (await db.modelBundles.get(id))!;
      delete (row.bundle.model as { state?: unknown }).state;
      await db.modelBundles.put(row);
    },
    /no usable weights/,
  ],
  ['bundle row deleted', (id) => db.modelBundles.delete(id), /stored weights and preprocessing are missing/],
  [
    'all weights NaN',
    async (id) => {
      const row = (await db.modelBundles.get(id))!;
      const state = row.bundle.model.state as { weightData: string };
      const bytes = Buffer.from(state.weightData, 'base64');
      for (let i = 0; i + 3 < bytes.length; i += 4) bytes.writeFloatLE(NaN, i);
      state.weightData = bytes.toString('base64');
      await db.modelBundles.put(row);
    },
    /P\(poisonous\) = NaN/,
  ],
];

describe('serving a production version that cannot be loaded', () => {
  for (const [name, damage, why] of damages) {
    it(`${name}: falls back to the version that served before, and the registry says so (actor auto, with the reason)`, async () => {
      const { v1, v2 } = await twoServed();
      await damage(v2.id!);
      const m = await liveModel(db, ws);
      expect(m?.versionId).toBe(v1.id);
      expect(await stages()).toEqual({ v1: 'production', v2: 'archived' });
      const archived = await lastEntry(v2.id!);
      expect(archived).toMatchObject({ from: 'production', to: 'archived', actor: 'auto', reason: expect.stringMatching(/^Could not be loaded: .* v1 serves instead\.$/) });
      expect(archived.unloadable).toMatch(why);
      const promoted = await lastEntry(v1.id!);
      expect(promoted).toMatchObject({ from: 'archived', to: 'production', actor: 'auto', fallbackFor: { versionId: v2.id, version: 2 } });
      expect(promoted.reason).toMatch(/^Fallback: v2 could not be loaded/);
    });
  }

  it('predictions naming the broken version (a snapshot not yet updated) are answered by the fallback, without loading it again', async () => {
    const { v1, v2 } = await twoServed();
    await damages[0][1](v2.id!);
    const stale = (await db.modelVersions.get(v2.id!))!;
    await liveModel(db, ws);
    const get = vi.spyOn(db.modelBundles, 'get');
    const answered = await servePrediction(db, ws, stale, async (m) => m.versionId);
    expect(answered).toBe(v1.id);
    expect(get).not.toHaveBeenCalled();
  });

  it('an answer that is not a probability, found while answering, is a load failure: the prediction is answered again by the fallback', async () => {
    const { v1, v2 } = await twoServed();
    const answeredBy: number[] = [];
    const answer = await servePrediction(db, ws, await db.modelVersions.get(v2.id!), async (m) => {
      answeredBy.push(m.versionId);
      if (m.versionId === v2.id) assertProbabilities([NaN], `v${m.version}`, { versionId: m.versionId }); // as predict.ts checks every answer
      return 'answered';
    });
    expect(answer).toBe('answered');
    expect(answeredBy).toEqual([v2.id, v1.id]);
    expect(await stages()).toEqual({ v1: 'production', v2: 'archived' });
    expect((await lastEntry(v2.id!)).unloadable).toContain('P(poisonous) = NaN');
  });

  it('when only the shipped version was there, the bundle shipped with the app is registered again and serves', async () => {
    const served = JSON.stringify(shipped());
    const fetched: string[] = [];
    const fakeFetch = (async (url: string) => (fetched.push(url), new Response(served))) as unknown as typeof fetch;
    await installShippedModels(db, { [ws]: '/uci.model.json' }, fakeFetch);
    const [v1] = await listModelVersions(db, ws);
    await damages[0][1](v1.id!);
    const m = await liveModel(db, ws);
    const versions = await listModelVersions(db, ws);
    expect(versions.map((v) => [v.version, v.stage, v.source])).toEqual([
      [2, 'production', 'shipped'],
      [1, 'archived', 'shipped'],
    ]);
    expect(m?.versionId).toBe(versions[0].id);
    expect(versions[0].history.map((h) => [h.from, h.to, h.actor, h.reason.split(':')[0]])).toEqual([
      [null, 'staging', 'auto', 'Reinstalled'],
      ['staging', 'production', 'auto', 'Fallback'],
    ]);
    expect(versions[1].history.at(-1)).toMatchObject({ to: 'archived', actor: 'auto', reason: expect.stringContaining('v2 serves instead') });
    expect(fetched).toEqual(['/uci.model.json', '/uci.model.json']);
  });

  it('promoting the broken version again is a new attempt: it fails the same way and the registry says so again', async () => {
    const { v1, v2 } = await twoServed();
    await damages[0][1](v2.id!);
    await liveModel(db, ws);
    await setStage(db, v2.id!, 'production', 'try again', 'user');
    expect((await liveModel(db, ws))?.versionId).toBe(v1.id);
    expect(await stages()).toEqual({ v1: 'production', v2: 'archived' });
    expect((await db.modelVersions.get(v2.id!))!.history.filter((h) => h.unloadable)).toHaveLength(2);
  });

  it('when no other version loads, the registry is left as it was and the error says what to do', async () => {
    const { v1, v2 } = await twoServed();
    await damages[2][1](v2.id!);
    await damages[0][1](v1.id!);
    await expect(liveModel(db, ws)).rejects.toMatchObject({
      code: 'unusable-model',
      message: expect.stringMatching(/^The production model v2 cannot be used: .* No other version of this workspace loads either: import or train a model/),
    });
    expect(await stages()).toEqual({ v1: 'archived', v2: 'production' });
  });

  it('a storage failure is not a broken model: nothing is archived', async () => {
    const { v2 } = await twoServed();
    vi.spyOn(db.modelBundles, 'get').mockRejectedValue(Object.assign(new Error('The database connection is closing.'), { name: 'InvalidStateError' }));
    await expect(liveModel(db, ws)).rejects.toThrow('closing');
    expect((await db.modelVersions.get(v2.id!))!.stage).toBe('production');
  });
});

describe('an A/B test whose challenger cannot be loaded', () => {
  it('does not take serving down: production answers alone, outside the test', async () => {
    const v1 = (await installShippedBundle(db, shipped()))!;
    const v2 = await registerModelVersion(db, { workspaceId: ws, runId: null, bundle: shipped(), source: 'imported', reason: 'imported', actor: 'user' });
    await startAbTest(db, {
      workspaceId: ws,
      mode: 'shadow',
      challengerShare: 0,
      design: { baselineAccuracy: 0.9, mde: 0.05, alpha: 0.05, power: 0.8, minimumPerArm: 10 },
      autoConclude: false,
      challengerVersionId: v2.id!,
    });
    await damages[2][1](v2.id!);
    const answer = await predictOne(db, ws, { odor: 'f' });
    expect(answer).toMatchObject({ versionId: v1.id, decision: 'poisonous' });
    expect(answer.ab).toBeUndefined();
    expect((await db.predictions.get(answer.predictionId))?.ab).toBeUndefined();
    expect(await stages()).toEqual({ v1: 'production', v2: 'staging' }); // the registry is the A/B page's to change
  });
});

describe('the order fallbacks are tried in', () => {
  const row = (id: number, stage: ModelVersionRow['stage'], history: Partial<StageChange>[]): ModelVersionRow =>
    ({
      id,
      workspaceId: ws,
      version: id,
      stage,
      createdAt: id,
      history: history.map((h) => ({ from: null, to: stage, reason: '', actor: 'user', at: 0, ...h })),
    }) as ModelVersionRow;

  it('tries the versions that served, most recently first, then the shipped bundle, then the others newest first; never one found unloadable', async () => {
    const versions = [
      row(1, 'archived', [
        { to: 'production', at: 1 },
        { from: 'production', to: 'archived', at: 5 },
      ]),
      row(2, 'archived', [
        { to: 'production', at: 5 },
        { from: 'production', to: 'archived', at: 9 },
      ]),
      row(3, 'staging', [{ to: 'staging', at: 6 }]),
      row(4, 'archived', [
        { to: 'production', at: 9 },
        { from: 'production', to: 'archived', at: 10, actor: 'auto', unloadable: 'it does not load.' },
      ]),
      row(5, 'staging', [{ to: 'staging', at: 11 }]),
      row(6, 'production', [{ from: 'archived', to: 'production', at: 10 }]),
    ];
    await db.modelVersions.bulkPut(versions);
    // Nothing loads, so every candidate is tried in turn and the registry is left as it was.
    const tried: (number | 'shipped')[] = [];
    const why = new EngineError('unusable-model', 'v6 does not load.', { reason: 'it does not load.' });
    const attempt = fallBack(db, ws, versions[5], why, {
      load: async (v) => {
        tried.push(v.version);
        throw new EngineError('unusable-model', `v${v.version} does not load.`);
      },
      shipped: async () => {
        tried.push('shipped');
        return null;
      },
    });
    await expect(attempt).rejects.toThrow(/No other version of this workspace loads either/);
    expect(tried).toEqual([2, 1, 'shipped', 5, 3]);
    expect(await stages()).toEqual({ v1: 'archived', v2: 'archived', v3: 'staging', v4: 'archived', v5: 'staging', v6: 'production' });
  });
});
