import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type PredictionBatchRow, type PredictionRow } from '$lib/db/db';
import { MISSING_CODE } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { NO_FEEDBACK } from '$lib/engine/data/dataset';
import { loadProductionRows } from './monitor';

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

describe('loadProductionRows', () => {
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
