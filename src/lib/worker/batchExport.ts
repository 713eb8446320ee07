import type { SporeprintDb } from '$lib/db/db';
import { throwIfCancelled } from '$lib/engine/errors';
import type { BatchFilter } from '$lib/engine/ml/batchTable';
import { heldBatch, shownRows } from './batchRows';
import type { ProgressCallback } from '$lib/engine/progress';
import { throttleProgress } from '$lib/engine/progress';

/** Rows written between two yields: a few tens of milliseconds, so predictions queued on this worker get through. */
const ROWS_PER_PART = 5000;

/**
 * A logged batch's results as a CSV file (the rows the page pages through, from the same held
 * batch), written here rather than on the page: a million rows take seconds to write, which on the
 * page froze it. Each part becomes a Blob at once (the browser keeps
 * it, not this worker's heap), and the file is a Blob of those parts, which crosses to the page
 * without a copy of its bytes.
 */
export async function exportBatchCsv(
  db: SporeprintDb,
  batchId: number,
  filter: BatchFilter,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ fileName: string; blob: Blob }> {
  const batch = await heldBatch(db, batchId);
  const view = batch.view;
  const shown = shownRows(batch, filter);
  const progress = throttleProgress(onProgress);
  const parts: Blob[] = [];
  let written = 0;
  progress({ phase: 'Writing the CSV', done: 0, total: shown.length });
  for (const part of view.csvParts(shown, ROWS_PER_PART)) {
    parts.push(new Blob([part]));
    written = Math.min(shown.length, written + ROWS_PER_PART);
    progress({ phase: 'Writing the CSV', done: written, total: shown.length });
    await new Promise((r) => setTimeout(r, 0));
    throwIfCancelled(signal);
  }
  const fileName = `${batch.source.replace(/\.[^.]+$/, '')}-predictions-v${view.batch.version}.csv`;
  return { fileName, blob: new Blob(parts, { type: 'text/csv' }) };
}
