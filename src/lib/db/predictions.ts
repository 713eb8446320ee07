import type { PredictionBatchRow, PredictionRow, SporeprintDb } from './db';
import { storageError } from './storageErrors';
import type { BatchDigest } from '$lib/engine/ml/batchTable';

/** Logs one served prediction; a full disk must not lose the answer, so the caller shows it either way. */
export async function logPrediction(db: SporeprintDb, row: Omit<PredictionRow, 'id'>): Promise<number> {
  try {
    return (await db.predictions.add(row)) as number;
  } catch (e) {
    throw storageError(e, 'the prediction log');
  }
}

/** Logs a predicted file as one row of typed columns; a full disk is said (quota-exceeded: what is full, what to do), and nothing stored is lost. */
export async function logBatch(db: SporeprintDb, row: Omit<PredictionBatchRow, 'id'>): Promise<number> {
  try {
    return (await db.predictionBatches.add(row)) as number;
  } catch (e) {
    throw storageError(e, `the predictions for ${row.source} (${row.rows.toLocaleString('en-US')} rows)`);
  }
}

/** The newest predictions of a workspace first. */
export async function listPredictions(db: SporeprintDb, workspaceId: string, limit = 200): Promise<PredictionRow[]> {
  return db.predictions.where('[workspaceId+createdAt]').between([workspaceId, -Infinity], [workspaceId, Infinity]).reverse().limit(limit).toArray();
}

export interface PredictionFilter {
  decision?: PredictionRow['decision'];
  /** none: no feedback yet; given: any feedback; pending: not yet used by a retraining; disagree: the expert contradicts the answer. */
  feedback?: 'none' | 'given' | 'pending' | 'disagree';
  versionId?: number;
}

/** Called edible is the only answer that claims "safe"; uncertain counts as called poisonous. */
const disagreesWithExpert = (p: PredictionRow) => !!p.feedback && (p.decision === 'edible' ? 0 : 1) !== p.feedback.label;

function matches(p: PredictionRow, f: PredictionFilter): boolean {
  if (f.decision && p.decision !== f.decision) return false;
  if (f.versionId !== undefined && p.versionId !== f.versionId) return false;
  switch (f.feedback) {
    case 'none':
      return !p.feedback;
    case 'given':
      return !!p.feedback;
    case 'pending':
      return !!p.feedback && p.feedback.usedByRun === undefined;
    case 'disagree':
      return disagreesWithExpert(p);
    default:
      return true;
  }
}

/** One page of a workspace's single predictions, newest first, and how many match the filter. */
export async function queryPredictions(
  db: SporeprintDb,
  workspaceId: string,
  filter: PredictionFilter,
  offset: number,
  limit: number,
): Promise<{ rows: PredictionRow[]; total: number }> {
  const all = () =>
    db.predictions
      .where('[workspaceId+createdAt]')
      .between([workspaceId, -Infinity], [workspaceId, Infinity])
      .reverse()
      .filter((p) => matches(p, filter));
  const [rows, total] = await Promise.all([all().offset(offset).limit(limit).toArray(), all().count()]);
  return { rows, total };
}

/** A logged batch without its columns: what a list of batches shows. */
export interface BatchSummary {
  id: number;
  source: string;
  createdAt: number;
  version: number;
  kind: PredictionBatchRow['kind'];
  rows: number;
  counts: { edible: number; uncertain: number; poisonous: number };
  hasClass: boolean;
  /** Only when the file had a class column: called edible but poisonous by that class. */
  poisonousCalledEdible: number | null;
  feedback: { at: number; usedByRun?: number } | null;
}

/**
 * The newest batches of a workspace, summarised. Only their keys and feedback are read here; the
 * counts come from `digest` (the serving worker's batchDigests), which reads each batch once.
 */
export async function listBatchSummaries(
  db: SporeprintDb,
  workspaceId: string,
  digest: (refs: { id: number; createdAt: number }[]) => Promise<BatchDigest[]>,
  limit = 20,
): Promise<BatchSummary[]> {
  const newest = () => db.predictionBatches.where('[workspaceId+createdAt]').between([workspaceId, -Infinity], [workspaceId, Infinity]).reverse().limit(limit);
  // The [workspaceId+createdAt] keys beside the ids: each batch's time, without reading the batch.
  const [ids, keys] = (await Promise.all([newest().primaryKeys(), newest().keys()])) as unknown as [number[], [string, number][]];
  const feedback = await db.batchFeedback.bulkGet(ids);
  const refs = ids.map((id, i) => ({ id, createdAt: keys[i][1] }));
  const byId = new Map((await digest(refs)).map((d) => [d.id, d]));
  return refs.flatMap(({ id }, i) => {
    const d = byId.get(id);
    if (!d) return [];
    const fb = feedback[i];
    return [
      {
        id,
        source: d.source,
        createdAt: d.createdAt,
        version: d.version,
        kind: d.kind as PredictionBatchRow['kind'],
        rows: d.rows,
        counts: { edible: d.counts.edible, uncertain: d.counts.uncertain, poisonous: d.counts.poisonous },
        hasClass: d.hasClass,
        poisonousCalledEdible: d.hasClass ? d.counts.falseEdible : null,
        feedback: fb ? { at: fb.at, ...(fb.usedByRun !== undefined ? { usedByRun: fb.usedByRun } : {}) } : null,
      },
    ];
  });
}

/** A signature of everything a report depends on: rows served, feedback given, the production version. */
export async function productionSignature(db: SporeprintDb, workspaceId: string): Promise<string> {
  // One pass over the single predictions: feedback changes a row in place, so its labels count too.
  let p = 0,
    fb = 0,
    fbPoisonous = 0;
  await db.predictions
    .where('workspaceId')
    .equals(workspaceId)
    .each((r) => {
      p++;
      if (r.feedback) fb++;
      if (r.feedback?.label === 1) fbPoisonous++;
    });
  const [b, f, v] = await Promise.all([
    db.predictionBatches.where('workspaceId').equals(workspaceId).count(),
    db.batchFeedback.where('workspaceId').equals(workspaceId).count(),
    db.modelVersions
      .where('workspaceId')
      .equals(workspaceId)
      .filter((m) => m.stage === 'production')
      .first(),
  ]);
  return `${p}:${fb}:${fbPoisonous}:${b}:${f}:${v?.id ?? 0}`;
}
