import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type PredictionBatchRow, type PredictionRow } from './db';
import { MISSING_CODE } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { NO_FEEDBACK } from '$lib/engine/data/dataset';
import { fitPca } from '$lib/engine/ml/pca';
import { Preprocessor } from '$lib/engine/ml/preprocess';
import { referenceFromData } from '$lib/engine/monitor/reference';
import { buildMonitorReport, type HistoryRows, type ProductionRows, type WindowRequest } from '$lib/engine/monitor/report';
import { readHistoryRows, readWindowRows } from './productionRows';
import * as oracle from './productionRows.testing';

/** Every production row: the window that spans all time. */
const loadProductionRows = (db: SporeprintDb, schema: WorkspaceSchema) => readWindowRows(db, schema, { kind: 'range', from: -Infinity, to: Infinity });

const schema: WorkspaceSchema = {
  id: 'custom-monitor',
  name: 'Monitor test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    {
      name: 'odor',
      label: 'Odour',
      kind: 'categorical',
      codes: [
        { code: 'f', label: 'foul' },
        { code: 'n', label: 'none' },
        { code: 's', label: 'spicy' },
      ],
    },
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`monitor-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

const single = (
  createdAt: number,
  input: PredictionRow['input'],
  pPoisonous: number,
  decision: PredictionRow['decision'],
  version: number,
  feedback?: 0 | 1,
  workspaceId = schema.id,
): Omit<PredictionRow, 'id'> => ({
  workspaceId,
  versionId: version + 10,
  version,
  kind: 'mlp',
  createdAt,
  source: 'form',
  input,
  pPoisonous,
  decision,
  latencyMs: 1,
  uid: crypto.randomUUID(),
  ...(feedback === undefined ? {} : { feedback: { label: feedback, at: createdAt + 1 } }),
});

const batch = (
  createdAt: number,
  odor: number[],
  width: number[],
  pPoisonous: number[],
  decision: number[],
  version: number,
  workspaceId = schema.id,
): Omit<PredictionBatchRow, 'id'> => ({
  workspaceId,
  versionId: version + 10,
  version,
  kind: 'mlp',
  createdAt,
  source: `batch-${createdAt}.csv`,
  rows: odor.length,
  columns: [
    { name: 'odor', kind: 'categorical', values: Uint8Array.from(odor) },
    { name: 'width', kind: 'numeric', values: Float64Array.from(width) },
  ],
  // The file's own class column: only feedback submitted through batchFeedback counts.
  label: Uint8Array.from(odor, () => 1),
  pPoisonous: Float32Array.from(pPoisonous),
  decision: Uint8Array.from(decision),
  edibleAbove: 0.9,
  predictMs: 1,
  uid: crypto.randomUUID(),
});

describe('production rows, read whole', () => {
  it('interleaves singles and batches by time into typed columns, with answers, feedback, versions and batch ids', async () => {
    // Added out of order: the load sorts by createdAt, not by insertion.
    await db.predictions.add(single(6000, { odor: 'x', width: '' }, 0.55, 'uncertain', 2, 0)); // unknown code → missing
    const late = (await db.predictionBatches.add(batch(5000, [2, 1, MISSING_CODE], [4.5, Number.NaN, 7], [0.6, 0.02, 0.3], [1, 0, 2], 2))) as number;
    await db.predictions.add(single(1000, { odor: 'f', width: 3 }, 0.97, 'poisonous', 1, 1));
    const early = (await db.predictionBatches.add(batch(2000, [0, 1], [5, 6.25], [0.9, 0.05], [2, 0], 1))) as number;
    await db.predictions.add(single(3000, { odor: 'none', width: null }, 0.04, 'edible', 2)); // by label, no feedback
    await db.batchFeedback.put({ batchId: early, workspaceId: schema.id, label: Uint8Array.of(1, 0), at: 2500 });
    // Another workspace's rows never appear.
    await db.predictions.add(single(1500, { odor: 'f', width: 1 }, 0.9, 'poisonous', 1, 1, 'other'));
    await db.predictionBatches.add(batch(1500, [0], [1], [0.9], [2], 1, 'other'));

    const rows = await loadProductionRows(db, schema);
    // S1000, early ×2, S3000, late ×3, S6000
    expect(rows.rows).toBe(8);
    expect(rows.columns.map((c) => [c.name, c.kind, c.values.constructor.name])).toEqual([
      ['odor', 'categorical', 'Uint8Array'],
      ['width', 'numeric', 'Float64Array'],
    ]);
    expect(Array.from(rows.columns[0].values)).toEqual([0, 0, 1, 1, 2, 1, MISSING_CODE, MISSING_CODE]);
    expect(Array.from(rows.columns[1].values)).toEqual([3, 5, 6.25, Number.NaN, 4.5, Number.NaN, 7, Number.NaN]);
    expect(Array.from(rows.pPoisonous)).toEqual([0.97, 0.9, 0.05, 0.04, 0.6, 0.02, 0.3, 0.55].map(Math.fround));
    // Only "edible" (single) or decision 0 (batch) counts as called edible; uncertain does not.
    expect(Array.from(rows.calledEdible)).toEqual([0, 0, 1, 1, 0, 1, 0, 0]);
    expect(Array.from(rows.feedback)).toEqual([1, 1, 0, NO_FEEDBACK, NO_FEEDBACK, NO_FEEDBACK, NO_FEEDBACK, 0]);
    expect(Array.from(rows.version)).toEqual([1, 1, 1, 2, 2, 2, 2, 2]);
    expect(Array.from(rows.versionId)).toEqual([11, 11, 11, 12, 12, 12, 12, 12]);
    expect(Array.from(rows.createdAt)).toEqual([1000, 2000, 2000, 3000, 5000, 5000, 5000, 6000]);
    expect(Array.from(rows.batchOf)).toEqual([0, early, early, 0, late, late, late, 0]);
    expect(early).not.toBe(late);
  });

  it("gives each row the version that answered it: a split A/B batch row the challenger's, a single row its logged version, never the shadow", async () => {
    await db.predictionBatches.add({
      ...batch(1000, [0, 1, 2, 0], [1, 2, 3, 4], [0.9, 0.1, 0.5, 0.9], [2, 0, 1, 2], 2),
      ab: { testId: 1, challengerVersionId: 13, challengerVersion: 3, challengerEdibleAbove: 0.95, arm: Uint8Array.of(0, 1, 1, 0) },
    });
    await db.predictionBatches.add({
      ...batch(2000, [0, 1], [1, 2], [0.9, 0.1], [2, 0], 2),
      shadow: { testId: 2, versionId: 14, version: 4, pPoisonous: Float32Array.of(0.8, 0.2), decision: Uint8Array.of(2, 0) },
    });
    // A single prediction routed to the challenger is logged with the challenger's version.
    await db.predictions.add({ ...single(3000, { odor: 'f', width: 3 }, 0.97, 'poisonous', 3), ab: { testId: 1, arm: 'challenger' } });
    const rows = await loadProductionRows(db, schema);
    expect(Array.from(rows.version)).toEqual([2, 3, 3, 2, 2, 2, 3]);
    expect(Array.from(rows.versionId)).toEqual([12, 13, 13, 12, 12, 12, 13]);
  });

  it('gives empty columns for a workspace without predictions', async () => {
    const rows = await loadProductionRows(db, schema);
    expect(rows.rows).toBe(0);
    expect(rows.columns.map((c) => c.values.length)).toEqual([0, 0]);
    expect(rows.feedback).toHaveLength(0);
  });

  it('reads numbers given as text and leaves unanswered categories missing', async () => {
    await db.predictions.add(single(10, { width: '2.5' }, 0.5, 'poisonous', 3));
    await db.predictions.add(single(20, { odor: 's', width: 0 }, 0.5, 'poisonous', 3));
    const rows = await loadProductionRows(db, schema);
    expect(Array.from(rows.columns[0].values)).toEqual([MISSING_CODE, 2]);
    expect(Array.from(rows.columns[1].values)).toEqual([2.5, 0]);
    expect(Array.from(rows.version)).toEqual([3, 3]);
  });
});

/** Counts the stored values (not index keys) each table hands out, however Dexie was asked. Call before the database opens. */
function countReads(db: SporeprintDb): { values: Record<string, number>; reset: () => void } {
  const values: Record<string, number> = {};
  const add = (table: string, n: number) => n > 0 && (values[table] = (values[table] ?? 0) + n);
  db.use({
    stack: 'dbcore',
    name: 'count-reads',
    create: (down) => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        return {
          ...t,
          get: async (req) => {
            const v = await t.get(req);
            if (v !== undefined) add(name, 1);
            return v;
          },
          getMany: async (req) => {
            const vs = await t.getMany(req);
            add(name, vs.filter((v) => v !== undefined).length);
            return vs;
          },
          query: async (req) => {
            const res = await t.query(req);
            if (req.values) add(name, res.result.length);
            return res;
          },
          openCursor: async (req) => {
            // A cursor over values walks rows one by one: count it as reading the whole range.
            if (req.values) add(`${name} (cursor)`, 1);
            return t.openCursor(req);
          },
        };
      },
    }),
  });
  return { values, reset: () => Object.keys(values).forEach((k) => delete values[k]) };
}

/**
 * Singles and batches interleaved, with ties between them and inside each table, an A/B split batch,
 * batch feedback, form feedback, and another workspace's rows.
 */
async function mixedProduction(db: SporeprintDb): Promise<void> {
  const sizes = [40, 7, 100, 3, 60, 25, 1, 12];
  for (const [k, rows] of sizes.entries()) {
    const at = 1000 * (k + 1) + (k === 3 ? -1000 : 0); // batch 3 shares its time with batch 2
    const odor = Array.from({ length: rows }, (_, i) => ((i * 7 + k) % 4 === 3 ? MISSING_CODE : (i * 7 + k) % 3));
    const width = Array.from({ length: rows }, (_, i) => ((i + k) % 5 === 0 ? Number.NaN : 3 + ((i * 13 + k) % 40) / 10));
    const p = Array.from({ length: rows }, (_, i) => ((i * 37 + k * 11) % 100) / 100);
    const id = (await db.predictionBatches.add({
      ...batch(
        at,
        odor,
        width,
        p,
        p.map((v) => (v < 0.1 ? 0 : v < 0.5 ? 1 : 2)),
        1 + (k % 3),
      ),
      ...(k === 4
        ? { ab: { testId: 1, challengerVersionId: 19, challengerVersion: 9, challengerEdibleAbove: 0.95, arm: Uint8Array.from({ length: rows }, (_, i) => i % 2) } }
        : {}),
    })) as number;
    if (k % 2 === 0) await db.batchFeedback.put({ batchId: id, workspaceId: schema.id, label: Uint8Array.from({ length: rows }, (_, i) => (i + k) % 2), at: at + 1 });
  }
  for (let j = 0; j < 30; j++) {
    // Every third single at a batch's exact time: a single comes first at a tie.
    const at = j % 3 === 0 ? 1000 * (1 + (j % 8)) : 500 + 300 * j;
    const decision = (['edible', 'uncertain', 'poisonous'] as const)[j % 3];
    await db.predictions.add(
      single(at, { odor: ['f', 'n', 's', ''][j % 4], width: j % 5 ? 2 + j / 10 : null }, (j % 10) / 10, decision, 1 + (j % 2), j % 4 === 0 ? (((j / 4) % 2) as 0 | 1) : undefined),
    );
  }
  await db.predictions.add(single(4000, { odor: 'f', width: 1 }, 0.9, 'poisonous', 1, 1, 'other'));
  await db.predictionBatches.add(batch(4000, [0], [1], [0.9], [2], 1, 'other'));
}

/** A window without `batchOf`, as the old read returned it. */
function plain(rows: Awaited<ReturnType<typeof readWindowRows>>) {
  const { batchOf: _batchOf, ...rest } = rows;
  return rest;
}

describe('reading one window through the indexes', () => {
  it('gives exactly the rows the old full read picked, for sliding, date-range and batch windows', async () => {
    await mixedProduction(db);
    const all = await oracle.loadProductionRows(db, schema);
    expect(all.rows).toBe(248 + 30);
    const batchIds = [...new Set(all.batchOf.filter((b) => b > 0))];
    const requests: WindowRequest[] = [
      ...[1, 5, 11, 12, 13, 25, 26, 37, 60, 100, 200, 277, 278, 279, 5000].map((n) => ({ kind: 'last', n }) as const),
      { kind: 'range', from: -Infinity, to: Infinity },
      { kind: 'range', from: 2000, to: 4000 },
      { kind: 'range', from: 2001, to: 3999 },
      { kind: 'range', from: 8000, to: 8000 },
      { kind: 'range', from: 9000, to: 10000 },
      ...batchIds.map((batchId) => ({ kind: 'batch', batchId }) as const),
      { kind: 'batch', batchId: 9999 },
    ];
    const otherWorkspaceBatch = (await db.predictionBatches.where('workspaceId').equals('other').primaryKeys())[0];
    requests.push({ kind: 'batch', batchId: otherWorkspaceBatch! });
    for (const req of requests) expect(plain(await readWindowRows(db, schema, req)), JSON.stringify(req)).toEqual(oracle.selectWindow(all, req));
  });

  it('reads only the parts that hold window rows: the newest batch for the last rows, none of the others', async () => {
    const reads = countReads(db);
    for (let k = 0; k < 10; k++) await db.predictionBatches.add(batch(10_000 * (k + 1), Array(1000).fill(0), Array(1000).fill(5), Array(1000).fill(0.9), Array(1000).fill(2), 1));
    for (let j = 0; j < 50; j++) await db.predictions.add(single(10_000 * (j % 10) + 5000 + j, { odor: 'f', width: 3 }, 0.9, 'poisonous', 1));
    const all = await oracle.loadProductionRows(db, schema);
    const cases: [WindowRequest, number, number][] = [
      // [window, batches holding its rows, singles in it]
      [{ kind: 'last', n: 500 }, 1, 0],
      [{ kind: 'last', n: 1000 }, 1, 0],
      [{ kind: 'last', n: 1001 }, 1, 1], // the newest batch and the single just before it
      [{ kind: 'last', n: 1006 }, 2, 5], // …the five singles before it, then the last row of the batch before them
      [{ kind: 'range', from: 30_000, to: 45_000 }, 2, 5],
      [{ kind: 'batch', batchId: 3 }, 1, 0],
    ];
    for (const [req, batches, singles] of cases) {
      const want = oracle.selectWindow(all, req);
      reads.reset();
      const got = await readWindowRows(db, schema, req);
      expect(plain(got), JSON.stringify(req)).toEqual(want);
      const partsInWindow = new Set(got.batchOf.filter((b) => b > 0)).size;
      expect(partsInWindow, JSON.stringify(req)).toBe(batches);
      expect(reads.values, JSON.stringify(req)).toEqual({ ...(batches ? { predictionBatches: batches } : {}), ...(singles ? { predictions: singles } : {}) });
    }
  });
});

describe('reading the history', () => {
  it('reads every row while there are few, and every k-th row of the whole history past the limit, singles only where sampled', async () => {
    const reads = countReads(db);
    await mixedProduction(db);
    const all = await oracle.loadProductionRows(db, schema);
    const whole = await readHistoryRows(db, schema);
    expect(whole).toEqual({ ...plain(await loadProductionRows(db, schema)), totalRows: all.rows });

    reads.reset();
    const sample = await readHistoryRows(db, schema, 50); // 278 rows: every 6th
    expect(sample.totalRows).toBe(278);
    expect(Array.from(sample.positions!)).toEqual(Array.from({ length: 47 }, (_, j) => j * 6));
    const at = Array.from(sample.positions!);
    const pick = <T extends ArrayLike<number>>(a: T) => at.map((i) => a[i]);
    expect(Array.from(sample.pPoisonous)).toEqual(pick(all.pPoisonous));
    expect(Array.from(sample.version)).toEqual(pick(all.version));
    expect(Array.from(sample.feedback)).toEqual(pick(all.feedback));
    expect(Array.from(sample.columns[1].values)).toEqual(pick(all.columns[1].values));
    expect(Array.from(sample.createdAt)).toEqual(pick(all.createdAt));
    const sampledSingles = at.filter((i) => all.batchOf[i] === 0).length;
    expect(reads.values.predictions).toBe(sampledSingles);
    expect(reads.values.predictionBatches).toBe(new Set(at.map((i) => all.batchOf[i]).filter((b) => b > 0)).size);
  });
});

describe('a Monitor report from the indexed reads', () => {
  it('equals the report built from the old full read, window by window', async () => {
    await mixedProduction(db);
    // A reference from rows like the production ones, and a stand-in model's scores.
    const train = await oracle.loadProductionRows(db, schema);
    const ds = { rows: train.rows, label: Uint8Array.from(train.pPoisonous, (p) => (p >= 0.5 ? 1 : 0)), columns: train.columns };
    const pre = Preprocessor.fit(schema, ds);
    const pca = fitPca(pre.transform(ds).x, 2);
    const reference = await referenceFromData(ds, pre, pca, async (x) => Float32Array.from({ length: x.rows }, (_, r) => (x.data[r * x.cols] === 1 ? 0.9 : 0.2)));
    const report = (current: ProductionRows, history: HistoryRows) => {
      const r = buildMonitorReport({
        schema,
        workspaceName: 'Monitor test',
        version: { id: 12, number: 2, edibleAbove: 0.9 },
        reference,
        pre,
        pca,
        window: { kind: 'last', key: 'k', label: 'w' },
        current,
        history,
        now: 1,
      });
      return { ...r, timings: null };
    };
    const all = await oracle.loadProductionRows(db, schema);
    const windows: WindowRequest[] = [
      { kind: 'last', n: 50 },
      { kind: 'last', n: 500 },
      { kind: 'range', from: 2000, to: 5000 },
      { kind: 'batch', batchId: 3 },
    ];
    for (const req of windows) {
      const old = report(oracle.selectWindow(all, req), { ...all, totalRows: all.rows });
      const now = report(await readWindowRows(db, schema, req), await readHistoryRows(db, schema));
      expect(now.drift.columns.length).toBe(2);
      expect(JSON.parse(JSON.stringify(now)), JSON.stringify(req)).toEqual(JSON.parse(JSON.stringify(old)));
    }
  });
});

describe('database version 9', () => {
  it('indexes the batches a version-7 database already holds, so their windows read as before', async () => {
    const name = `monitor-upgrade-test-${n}`;
    const old = new Dexie(name);
    // Version 7's stores, as shipped (only the tables this test writes need to exist here).
    old.version(7).stores({
      predictions: '++id, workspaceId, [workspaceId+createdAt], versionId',
      predictionBatches: '++id, workspaceId, [workspaceId+createdAt], versionId',
      batchFeedback: 'batchId, workspaceId',
    });
    await old.table('predictionBatches').add(batch(2000, [0, 1, 2], [1, 2, 3], [0.9, 0.05, 0.5], [2, 0, 1], 1));
    await old.table('predictionBatches').add(batch(3000, [1, 1], [4, 5], [0.02, 0.03], [0, 0], 2));
    await old.table('predictions').add(single(2500, { odor: 'f', width: 3 }, 0.97, 'poisonous', 1));
    old.close();
    const upgraded = new SporeprintDb(name);
    try {
      await upgraded.open();
      expect(upgraded.verno).toBe(9);
      const last = await readWindowRows(upgraded, schema, { kind: 'last', n: 4 });
      expect(Array.from(last.version)).toEqual([1, 1, 2, 2]);
      expect(Array.from(last.createdAt)).toEqual([2000, 2500, 3000, 3000]);
      expect((await readHistoryRows(upgraded, schema)).totalRows).toBe(6);
    } finally {
      await upgraded.delete();
    }
  });
});
