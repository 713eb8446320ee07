import type { SporeprintDb } from '$lib/db/db';
import { countBatch, type BatchDigest } from '$lib/engine/ml/batchTable';

/**
 * Each logged batch's digest (counts, class present), worked out once per batch in this worker. The
 * list of batches used to read every listed batch whole on the page, on every change: a stored batch
 * is one IndexedDB row holding all its columns, so twenty big batches meant seconds of main-thread
 * work each time a new batch was logged. Batches never change once logged, so a digest is computed
 * when the batch is predicted here, or read once, and kept. Keyed by id and time: ids start again at
 * 1 after "erase everything".
 */
const digests = new Map<string, BatchDigest>();
const key = (id: number, createdAt: number) => `${id}@${createdAt}`;

/** Keeps the digest of a batch just logged (its arrays are in hand). */
export function rememberDigest(digest: BatchDigest): void {
  digests.set(key(digest.id, digest.createdAt), digest);
}

/** The digests of these logged batches, in the order given; a batch no longer stored is left out. */
export async function batchDigests(db: SporeprintDb, refs: { id: number; createdAt: number }[]): Promise<BatchDigest[]> {
  const out: BatchDigest[] = [];
  for (const { id, createdAt } of refs) {
    let digest = digests.get(key(id, createdAt));
    if (!digest) {
      // One batch at a time: never two big batches in memory at once.
      const b = await db.predictionBatches.get(id);
      if (!b || b.createdAt !== createdAt) continue;
      digest = { id, source: b.source, createdAt, version: b.version, kind: b.kind, rows: b.rows, hasClass: !!b.label, counts: countBatch(b) };
      rememberDigest(digest);
    }
    out.push(digest);
  }
  return out;
}
