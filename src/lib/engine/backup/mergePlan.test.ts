import { describe, expect, it } from 'vitest';
import { conflictSignature, planMerge, type HereSide, type MergeSide } from './mergePlan';
import { remapRow } from './remap';
import { AUTO_ID_TABLES } from './tables';

const maxIds = (n: number) => Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, n])) as HereSide['maxIds'];

function side(over: Partial<MergeSide> = {}): MergeSide {
  return { dataVersions: [], models: [], runs: [], abTests: [], predictions: [], batches: [], alerts: [], snapshots: [], ...over };
}

const shipped = { identity: 'mlp|abc|42|1000', kind: 'mlp' };

/** The teacher's device: the shipped v1 (production), 3 predictions, one labelled. */
const teacher = (): HereSide => ({
  ...side({
    dataVersions: [{ id: 1, sha256: 'aaa', rows: 8124, createdAt: 100 }],
    models: [{ id: 1, version: 1, stage: 'production', ...shipped }],
    predictions: [
      { id: 1, uid: 't1', createdAt: 10 },
      { id: 2, uid: 't2', createdAt: 11, feedback: { label: 1, at: 20 } },
      { id: 3, uid: 'shared', createdAt: 12, feedback: { label: 0, at: 30, usedByRun: 4 } },
    ],
  }),
  maxIds: maxIds(10),
  nextVersion: 2,
  pendingFeedback: 1,
});

/** A phone: same shipped model and data; its own retrained v2 (production there) and predictions. */
const phone = (): MergeSide =>
  side({
    dataVersions: [{ id: 1, sha256: 'aaa', rows: 8124, createdAt: 90 }],
    models: [
      { id: 1, version: 1, stage: 'archived', ...shipped },
      { id: 2, version: 2, stage: 'production', identity: 'mlp|abc|42|2222', kind: 'mlp' },
    ],
    runs: [{ id: 1, identity: 'run-on-phone' }],
    predictions: [
      { id: 1, uid: 'p1', createdAt: 50, feedback: { label: 1, at: 60, usedByRun: 1 } },
      { id: 2, uid: 'p2', createdAt: 51 },
      { id: 3, uid: 'shared', createdAt: 12, feedback: { label: 1, at: 70 } },
    ],
  });

describe('planMerge', () => {
  it('joins what both have (same data, same shipped model, same prediction id) and adds the rest above every id in use', () => {
    const plan = planMerge(phone(), teacher(), 'newer', 'backup “phone.jsonl” of 1 Dec');
    expect(plan.maps.ids.datasetVersions.get(1)).toBe(1);
    expect(plan.insert.datasetVersions).toEqual([]);
    expect(plan.maps.ids.modelVersions.get(1)).toBe(1); // the shipped model is the same bundle
    expect(plan.insert.modelVersions).toEqual([2]);
    expect(plan.maps.ids.modelVersions.get(2)).toBe(11);
    expect(plan.insert.predictions).toEqual([1, 2]);
    expect(plan.maps.ids.predictions.get(1)).toBe(11);
    expect(plan.maps.ids.predictions.get(3)).toBe(3); // joined by its uid: no duplicate
    expect(plan.summary.added.predictions).toBe(2);
    expect(plan.summary.joined.predictions).toBe(1);
  });

  it('renumbers the added version after the ones here, keeps its origin in a note, and never lets it take over serving', () => {
    const plan = planMerge(phone(), teacher(), 'newer', 'backup “phone.jsonl” of 1 Dec');
    expect(plan.versions).toEqual([{ fileId: 2, version: 2, stage: 'staging', note: 'Merged from backup “phone.jsonl” of 1 Dec: was v2 (production) there.' }]);
    expect(plan.conflicts).toContainEqual({ kind: 'version', fileVersion: 2, version: 2, modelKind: 'mlp', fileStage: 'production', stage: 'staging' });
    expect(plan.versionCounter).toBe(2);
    // Rows answered by the phone's v2 point at the version as numbered here.
    const row = remapRow('predictions', { id: 1, workspaceId: 'uci', versionId: 2, version: 2, feedback: { label: 1, at: 60, usedByRun: 1 } }, plan.maps);
    expect(row).toMatchObject({ id: 11, versionId: 11, version: 2 });
    const here = { ...teacher(), models: [...teacher().models, { id: 5, version: 2, stage: 'staging' as const, identity: 'x', kind: 'tree' }], nextVersion: 4 };
    const later = planMerge(phone(), here, 'newer', 'X');
    expect(later.versions[0].version).toBe(4);
    expect(later.maps.versionNumber.get(2)).toBe(4);
    expect(later.maps.versionNumber.get(1)).toBe(1);
  });

  it('counts merged feedback towards k: new labels arrive waiting, whatever the other device did with them', () => {
    const plan = planMerge(phone(), teacher(), 'newer', 'X');
    // p1 (labelled, used by the phone's retraining) is new here; 'shared' gets a conflict, resolved to the newer (file) label.
    expect(plan.summary.feedbackAdded).toBe(1);
    expect(plan.feedback).toEqual([{ id: 3, label: 1, at: 70 }]);
    // 1 waiting here + p1 + the changed label of a row a retraining here had used.
    expect(plan.summary.pendingAfter).toBe(3);
  });

  it('lists every label both sides gave differently, resolved by the chosen rule', () => {
    const conflict = { kind: 'feedback', uid: 'shared', createdAt: 12, here: { label: 0, at: 30 }, file: { label: 1, at: 70 } };
    expect(planMerge(phone(), teacher(), 'newer', 'X').conflicts).toContainEqual({ ...conflict, keeps: 'file' });
    const mine = planMerge(phone(), teacher(), 'here', 'X');
    expect(mine.conflicts).toContainEqual({ ...conflict, keeps: 'here' });
    expect(mine.feedback).toEqual([]);
    expect(mine.summary.pendingAfter).toBe(2);
    expect(conflictSignature(mine)).not.toBe(conflictSignature(planMerge(phone(), teacher(), 'newer', 'X')));
  });

  it('merging the same file twice adds nothing the second time', () => {
    const plan = planMerge(phone(), teacher(), 'newer', 'X');
    // The teacher after the first merge: the phone's rows under their new ids.
    const after: HereSide = {
      ...teacher(),
      models: [...teacher().models, { id: 11, version: 2, stage: 'staging', identity: 'mlp|abc|42|2222', kind: 'mlp' }],
      runs: [{ id: 11, identity: 'run-on-phone' }],
      predictions: [
        ...teacher().predictions.map((p) => (p.uid === 'shared' ? { ...p, feedback: { label: 1 as const, at: 70 } } : p)),
        { id: 11, uid: 'p1', createdAt: 50, feedback: { label: 1, at: 60 } },
        { id: 12, uid: 'p2', createdAt: 51 },
      ],
      maxIds: maxIds(12),
      nextVersion: plan.versionCounter + 1,
    };
    const again = planMerge(phone(), after, 'newer', 'X');
    for (const t of AUTO_ID_TABLES) expect(again.insert[t]).toEqual([]);
    expect(again.feedback).toEqual([]);
    expect(again.conflicts).toEqual([]);
    expect(again.summary.feedbackSame).toBe(2);
  });

  it('leaves out an A/B test still running on the other device, and says how many of its rows lose their arm', () => {
    const file = phone();
    file.abTests = [
      { id: 1, identity: 'old', status: 'concluded' },
      { id: 2, identity: 'live', status: 'running' },
    ];
    file.predictions[1].abTestId = 2;
    const plan = planMerge(file, teacher(), 'newer', 'X');
    expect(plan.insert.abTests).toEqual([1]);
    expect(plan.conflicts).toContainEqual({ kind: 'running-ab-test', predictions: 1, batches: 0 });
    const row = remapRow('predictions', { id: 2, workspaceId: 'uci', versionId: 1, version: 1, ab: { testId: 2, arm: 'challenger' } }, plan.maps);
    expect(row).not.toHaveProperty('ab.testId');
  });

  it('says when the file brings data newer than any here (retraining will learn from it)', () => {
    const file = phone();
    file.dataVersions.push({ id: 2, sha256: 'bbb', rows: 9000, createdAt: 500 });
    const plan = planMerge(file, teacher(), 'newer', 'X');
    expect(plan.insert.datasetVersions).toEqual([2]);
    expect(plan.conflicts).toContainEqual({ kind: 'newest-data', sha256: 'bbb', rows: 9000, createdAt: 500 });
  });

  it('adds the labels of a batch only where the batch here has none', () => {
    const file = phone();
    file.batches = [
      { id: 1, uid: 'b-shared', labelled: true, labelRows: 100 },
      { id: 2, uid: 'b-new', labelled: true, labelRows: 7 },
    ];
    const here = { ...teacher(), batches: [{ id: 4, uid: 'b-shared', labelled: false, labelRows: 0 }] };
    const plan = planMerge(file, here, 'newer', 'X');
    expect(plan.insert.predictionBatches).toEqual([2]);
    expect(plan.batchLabels).toEqual([1, 2]);
    expect(plan.summary.batchLabelRowsAdded).toBe(107);
    const labelledHere = { ...teacher(), batches: [{ id: 4, uid: 'b-shared', labelled: true, labelRows: 100 }] };
    expect(planMerge(file, labelledHere, 'newer', 'X').batchLabels).toEqual([2]);
  });
});
