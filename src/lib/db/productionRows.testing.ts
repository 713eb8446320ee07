import type { SporeprintDb } from '$lib/db/db';
import { MISSING_CODE, NO_FEEDBACK, type ColumnData } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { ProductionRows, WindowRequest } from '$lib/engine/monitor/report';

/*
 * Test-only: how the Monitor read production rows before the time and batch indexes were used —
 * every row of the workspace, then the window picked out of them. Kept word for word as the oracle
 * that the indexed reads (productionRows.ts) must agree with.
 */
/**
 * Every production row of a workspace, oldest first, as typed columns: single predictions (their
 * form input) and batch files (their stored columns), with answer, version and expert label.
 * `batchOf` says which batch a row came from (0 = the form).
 */
export async function loadProductionRows(db: SporeprintDb, schema: WorkspaceSchema): Promise<ProductionRows & { batchOf: Int32Array }> {
  const ws = schema.id;
  const singles = await db.predictions.where('[workspaceId+createdAt]').between([ws, -Infinity], [ws, Infinity]).toArray();
  const batches = await db.predictionBatches.where('[workspaceId+createdAt]').between([ws, -Infinity], [ws, Infinity]).toArray();
  const labels = new Map((await db.batchFeedback.where('workspaceId').equals(ws).toArray()).map((f) => [f.batchId, f.label]));
  type Part = { at: number; single?: (typeof singles)[number]; batch?: (typeof batches)[number] };
  const parts: Part[] = [...singles.map((single) => ({ at: single.createdAt, single })), ...batches.map((batch) => ({ at: batch.createdAt, batch }))].sort((a, b) => a.at - b.at);
  const n = parts.reduce((sum, p) => sum + (p.batch ? p.batch.rows : 1), 0);

  const columns: ColumnData[] = schema.features.map((f) =>
    f.kind === 'numeric' ? { name: f.name, kind: 'numeric', values: new Float64Array(n) } : { name: f.name, kind: 'categorical', values: new Uint8Array(n) },
  );
  const codeIndex = schema.features.map((f) =>
    f.kind === 'categorical'
      ? new Map(
          f.codes.flatMap(
            (c, i) =>
              [
                [c.code, i],
                [c.label, i],
              ] as [string, number][],
          ),
        )
      : null,
  );
  const out = {
    rows: n,
    columns,
    pPoisonous: new Float32Array(n),
    calledEdible: new Uint8Array(n),
    feedback: new Uint8Array(n).fill(NO_FEEDBACK),
    versionId: new Int32Array(n),
    version: new Int32Array(n),
    createdAt: new Float64Array(n),
    batchOf: new Int32Array(n),
  };
  let r = 0;
  for (const p of parts) {
    if (p.single) {
      const s = p.single;
      schema.features.forEach((f, j) => {
        const raw = s.input[f.name];
        const empty = raw === null || raw === undefined || raw === '';
        if (f.kind === 'numeric') (columns[j].values as Float64Array)[r] = empty ? NaN : Number(raw);
        else (columns[j].values as Uint8Array)[r] = empty ? MISSING_CODE : (codeIndex[j]!.get(String(raw)) ?? MISSING_CODE);
      });
      out.pPoisonous[r] = s.pPoisonous;
      out.calledEdible[r] = s.decision === 'edible' ? 1 : 0;
      if (s.feedback) out.feedback[r] = s.feedback.label;
      out.versionId[r] = s.versionId;
      out.version[r] = s.version;
      out.createdAt[r] = s.createdAt;
      r++;
    } else {
      const b = p.batch!;
      b.columns.forEach((c, j) => (columns[j].values as Uint8Array | Float64Array).set(c.values as never, r));
      out.pPoisonous.set(b.pPoisonous, r);
      for (let i = 0; i < b.rows; i++) out.calledEdible[r + i] = b.decision[i] === 0 ? 1 : 0;
      const fb = labels.get(b.id!);
      if (fb) out.feedback.set(fb, r);
      out.versionId.fill(b.versionId, r, r + b.rows);
      out.version.fill(b.version, r, r + b.rows);
      // Split A/B rows the challenger answered are the challenger's (shadow answers were never shown: not counted).
      const ab = b.ab;
      if (ab) {
        for (let i = 0; i < b.rows; i++) {
          if (!ab.arm[i]) continue;
          out.versionId[r + i] = ab.challengerVersionId;
          out.version[r + i] = ab.challengerVersion;
        }
      }
      out.createdAt.fill(b.createdAt, r, r + b.rows);
      out.batchOf.fill(b.id!, r, r + b.rows);
      r += b.rows;
    }
  }
  return out;
}

/** The rows of a window, in order. */
export function selectWindow(all: ProductionRows & { batchOf: Int32Array }, req: WindowRequest): ProductionRows {
  const inWindow =
    req.kind === 'last'
      ? (i: number) => i >= all.rows - req.n
      : req.kind === 'range'
        ? (i: number) => all.createdAt[i] >= req.from && all.createdAt[i] <= req.to
        : (i: number) => all.batchOf[i] === req.batchId;
  const keep: number[] = [];
  for (let i = 0; i < all.rows; i++) if (inWindow(i)) keep.push(i);
  const idx = Uint32Array.from(keep);
  const pick = <T extends Uint8Array | Float32Array | Float64Array | Int32Array>(a: T): T => {
    const o = new (a.constructor as new (n: number) => T)(idx.length);
    for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]];
    return o;
  };
  return {
    rows: idx.length,
    columns: all.columns.map((c) => ({ ...c, values: pick(c.values) }) as ColumnData),
    pPoisonous: pick(all.pPoisonous),
    calledEdible: pick(all.calledEdible),
    feedback: pick(all.feedback),
    versionId: pick(all.versionId),
    version: pick(all.version),
    createdAt: pick(all.createdAt),
  };
}
