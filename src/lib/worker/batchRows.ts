import type { SporeprintDb } from '$lib/db/db';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import { BatchTableView, type BatchFilter, type BatchTable } from '$lib/engine/ml/batchTable';
import type { BatchPage } from './api';

/** The most rows one page may ask for: a page is for reading, the whole batch is the download. */
const MAX_PAGE_ROWS = 500;

/** A batch's rows held in this worker, with each filter's rows worked out once. */
export interface HeldBatch {
  batchId: number;
  /** The file it came from (the download is named after it). */
  source: string;
  view: BatchTableView;
  shown: Map<BatchFilter, Uint32Array>;
}

/**
 * The last batch this worker predicted or read, kept here so that each page of its rows costs a
 * page, not the batch. The stored batch is one IndexedDB row holding every column: reading it back
 * for each page would deserialise the whole batch (seconds and hundreds of MB at a million rows)
 * for fifty rows. It is read from IndexedDB only when this worker no longer has it (after a restart,
 * or when an older batch is asked for). One batch at a time, so a worker never holds two big ones.
 */
let held: Promise<HeldBatch> | null = null;
let heldId: number | null = null;

/** Keeps a batch just predicted (its arrays are the ones just stored). */
export function holdBatch(batchId: number, source: string, view: BatchTableView): HeldBatch {
  const batch: HeldBatch = { batchId, source, view, shown: new Map() };
  heldId = batchId;
  held = Promise.resolve(batch);
  return batch;
}

/** Lets the held batch go (tests; a cleared page need not keep it either). */
export function releaseBatch(batchId?: number): void {
  if (batchId !== undefined && batchId !== heldId) return;
  held = heldId = null;
}

/** A logged batch's rows: the one held here, or read once from IndexedDB and held from then on. */
export function heldBatch(db: SporeprintDb, batchId: number): Promise<HeldBatch> {
  if (held && heldId === batchId) return held;
  const reading = readStoredBatch(db, batchId);
  heldId = batchId;
  held = reading;
  // A failed read is not kept: the next request tries again.
  reading.catch(() => {
    if (held === reading) releaseBatch();
  });
  return reading;
}

async function readStoredBatch(db: SporeprintDb, batchId: number): Promise<HeldBatch> {
  const batch = await db.predictionBatches.get(batchId);
  const schema = batch && (await workspaceSchema(db, batch.workspaceId));
  if (!batch || !schema) throw new EngineError('not-found', `Batch #${batchId} is no longer stored on this device.`);
  return { batchId, source: batch.source, view: new BatchTableView(schema, batch as BatchTable), shown: new Map() };
}

/** The rows a filter keeps, worked out once per held batch. */
export function shownRows(batch: HeldBatch, filter: BatchFilter): Uint32Array {
  let rows = batch.shown.get(filter);
  if (!rows) batch.shown.set(filter, (rows = batch.view.shown(filter)));
  return rows;
}

/** One page of a logged batch's rows under a filter, as the table shows them and the download writes them. */
export async function readBatchPage(db: SporeprintDb, batchId: number, filter: BatchFilter, offset: number, limit: number): Promise<BatchPage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_ROWS) {
    throw new EngineError('invalid-argument', `A page holds 1 to ${MAX_PAGE_ROWS} rows, not ${limit}.`, { limit });
  }
  if (!Number.isFinite(offset)) throw new EngineError('invalid-argument', `A page starts at a row number, not ${offset}.`, { offset });
  const batch = await heldBatch(db, batchId);
  return { batchId, filter, ...batch.view.page(shownRows(batch, filter), offset, limit) };
}
