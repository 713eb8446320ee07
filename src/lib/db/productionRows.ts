import { MISSING_CODE, NO_FEEDBACK, type ColumnData } from '$lib/engine/data/dataset';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { HISTORY_SAMPLE_ROWS, type HistoryRows, type ProductionRows, type WindowRequest } from '$lib/engine/monitor/report';
import type { PredictionBatchRow, PredictionRow, SporeprintDb } from './db';

/**
 * Production rows (single predictions and batch files of a workspace) read for the Monitor: the
 * window from the time index (or the batch by its id), and the over-time history as an even sample.
 * Serving order is by time, singles before batches at the same instant, each table in its index order
 * — what reading every row and sorting them gave. Which parts exist, when, and how many rows each
 * holds come from index keys alone ([workspaceId+createdAt+rows] for batches), so no row outside
 * what is asked for is read.
 */

/** A single prediction or a batch file, known by its index key before it is read. */
interface PartKey {
  at: number;
  id: number;
  /** 1 for a single prediction. */
  rows: number;
  batch: boolean;
}

export type WindowRows = ProductionRows & { batchOf: Int32Array };

async function singleKeys(db: SporeprintDb, ws: string, newestFirstLimit?: number): Promise<PartKey[]> {
  let range = db.predictions.where('[workspaceId+createdAt]').between([ws, -Infinity], [ws, Infinity]);
  if (newestFirstLimit !== undefined) range = range.reverse().limit(newestFirstLimit);
  const [keys, ids] = await Promise.all([range.keys(), range.primaryKeys()]);
  const out = keys.map((k, i) => ({ at: (k as unknown as [string, number])[1], id: ids[i] as number, rows: 1, batch: false }));
  return newestFirstLimit === undefined ? out : out.reverse();
}

async function batchKeys(db: SporeprintDb, ws: string): Promise<PartKey[]> {
  const range = db.predictionBatches.where('[workspaceId+createdAt+rows]').between([ws, -Infinity, -Infinity], [ws, Infinity, Infinity]);
  const [keys, ids] = await Promise.all([range.keys(), range.primaryKeys()]);
  const out = keys.map((k, i) => {
    const [, at, rows] = k as unknown as [string, number, number];
    return { at, id: ids[i] as number, rows, batch: true };
  });
  // The [workspaceId+createdAt] order: time, then id (this index would put fewer rows first at a tie).
  return out.sort((a, b) => a.at - b.at || a.id - b.id);
}

/** Both kinds in serving order: by time, singles first at a tie (a stable sort of singles then batches). */
function servingOrder(singles: PartKey[], batches: PartKey[]): PartKey[] {
  return [...singles, ...batches].sort((a, b) => a.at - b.at);
}

/** Fills typed columns from parts, row by row; `take` says which of a part's rows (by offset) go in. */
class RowWriter {
  readonly out: WindowRows;
  #r = 0;
  readonly #schema: WorkspaceSchema;
  readonly #codeIndex: (Map<string, number> | null)[];

  constructor(schema: WorkspaceSchema, n: number) {
    this.#schema = schema;
    this.#codeIndex = schema.features.map((f) =>
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
    this.out = {
      rows: n,
      columns: schema.features.map((f) =>
        f.kind === 'numeric' ? { name: f.name, kind: 'numeric', values: new Float64Array(n) } : { name: f.name, kind: 'categorical', values: new Uint8Array(n) },
      ) as ColumnData[],
      pPoisonous: new Float32Array(n),
      calledEdible: new Uint8Array(n),
      feedback: new Uint8Array(n).fill(NO_FEEDBACK),
      versionId: new Int32Array(n),
      version: new Int32Array(n),
      createdAt: new Float64Array(n),
      batchOf: new Int32Array(n),
    };
  }

  single(s: PredictionRow): void {
    const { out } = this;
    const r = this.#r++;
    this.#schema.features.forEach((f, j) => {
      const raw = s.input[f.name];
      const empty = raw === null || raw === undefined || raw === '';
      if (f.kind === 'numeric') (out.columns[j].values as Float64Array)[r] = empty ? NaN : Number(raw);
      else (out.columns[j].values as Uint8Array)[r] = empty ? MISSING_CODE : (this.#codeIndex[j]!.get(String(raw)) ?? MISSING_CODE);
    });
    out.pPoisonous[r] = s.pPoisonous;
    out.calledEdible[r] = s.decision === 'edible' ? 1 : 0;
    if (s.feedback) out.feedback[r] = s.feedback.label;
    out.versionId[r] = s.versionId;
    out.version[r] = s.version;
    out.createdAt[r] = s.createdAt;
  }

  /** The batch's rows from offset `first`, every `step`-th, while below `end`. */
  batch(b: PredictionBatchRow, label: Uint8Array | undefined, first: number, step: number, end = b.rows): void {
    const { out } = this;
    const cols = b.columns.map((c) => c.values);
    if (step === 1) return this.#batchRun(b, label, first, end);
    for (let i = first; i < end; i += step) {
      const r = this.#r++;
      for (let j = 0; j < cols.length; j++) out.columns[j].values[r] = cols[j][i];
      out.pPoisonous[r] = b.pPoisonous[i];
      out.calledEdible[r] = b.decision[i] === 0 ? 1 : 0;
      if (label) out.feedback[r] = label[i];
      // Split A/B rows the challenger answered are the challenger's (shadow answers were never shown: not counted).
      const challenger = b.ab?.arm[i] ? b.ab : null;
      out.versionId[r] = challenger ? challenger.challengerVersionId : b.versionId;
      out.version[r] = challenger ? challenger.challengerVersion : b.version;
      out.createdAt[r] = b.createdAt;
      out.batchOf[r] = b.id!;
    }
  }

  /** Rows [first, end) of a batch, copied a column at a time. */
  #batchRun(b: PredictionBatchRow, label: Uint8Array | undefined, first: number, end: number): void {
    const { out } = this;
    const r = this.#r;
    const len = end - first;
    b.columns.forEach((c, j) => (out.columns[j].values as Uint8Array | Float64Array).set(c.values.subarray(first, end) as never, r));
    out.pPoisonous.set(b.pPoisonous.subarray(first, end), r);
    for (let i = 0; i < len; i++) out.calledEdible[r + i] = b.decision[first + i] === 0 ? 1 : 0;
    if (label) out.feedback.set(label.subarray(first, end), r);
    out.versionId.fill(b.versionId, r, r + len);
    out.version.fill(b.version, r, r + len);
    // Split A/B rows the challenger answered are the challenger's (shadow answers were never shown: not counted).
    if (b.ab) {
      for (let i = 0; i < len; i++) {
        if (!b.ab.arm[first + i]) continue;
        out.versionId[r + i] = b.ab.challengerVersionId;
        out.version[r + i] = b.ab.challengerVersion;
      }
    }
    out.createdAt.fill(b.createdAt, r, r + len);
    out.batchOf.fill(b.id!, r, r + len);
    this.#r += len;
  }
}

/** Reads the parts (in order), the first one from row `skip`, into typed columns. */
async function readParts(db: SporeprintDb, schema: WorkspaceSchema, parts: PartKey[], skip = 0): Promise<WindowRows> {
  const n = parts.reduce((sum, p) => sum + p.rows, 0) - skip;
  const writer = new RowWriter(schema, Math.max(0, n));
  const singleIds = parts.filter((p) => !p.batch).map((p) => p.id);
  const singles = new Map((await db.predictions.bulkGet(singleIds)).map((s, i) => [singleIds[i], s]));
  for (const [k, p] of parts.entries()) {
    if (!p.batch) writer.single(singles.get(p.id)!);
    else {
      // One batch at a time: a window never holds more than one batch file beyond its own rows.
      const [b, fb] = await Promise.all([db.predictionBatches.get(p.id), db.batchFeedback.get(p.id)]);
      writer.batch(b!, fb?.label, k === 0 ? skip : 0, 1);
    }
  }
  return writer.out;
}

/** The rows of one window, oldest first, and nothing else from the database. */
export async function readWindowRows(db: SporeprintDb, schema: WorkspaceSchema, req: WindowRequest): Promise<WindowRows> {
  const ws = schema.id;
  if (req.kind === 'batch') return readBatchWindow(db, schema, req.batchId);
  if (req.kind === 'range') {
    const singles = (await singleKeys(db, ws)).filter((p) => p.at >= req.from && p.at <= req.to);
    const batches = (await batchKeys(db, ws)).filter((p) => p.at >= req.from && p.at <= req.to);
    return readParts(db, schema, servingOrder(singles, batches));
  }
  // The last n rows lie among the last n singles and the newest batches holding n rows between them.
  const n = Math.max(0, Math.floor(req.n));
  if (n === 0) return new RowWriter(schema, 0).out;
  const batches = await batchKeys(db, ws);
  let held = 0;
  let from = batches.length;
  while (from > 0 && held < n) held += batches[--from].rows;
  const candidates = servingOrder(await singleKeys(db, ws, n), batches.slice(from));
  // Walk back from the newest part until n rows are covered; the oldest part taken may be cut.
  let rows = 0;
  let first = candidates.length;
  while (first > 0 && rows < n) rows += candidates[--first].rows;
  return readParts(db, schema, candidates.slice(first), Math.max(0, rows - n));
}

async function readBatchWindow(db: SporeprintDb, schema: WorkspaceSchema, batchId: number): Promise<WindowRows> {
  const b = await db.predictionBatches.get(batchId);
  if (!b || b.workspaceId !== schema.id) return new RowWriter(schema, 0).out;
  const writer = new RowWriter(schema, b.rows);
  writer.batch(b, (await db.batchFeedback.get(batchId))?.label, 0, 1);
  return writer.out;
}

function withoutBatchOf(rows: WindowRows): ProductionRows {
  const { batchOf: _batchOf, ...rest } = rows;
  return rest;
}

/**
 * The history behind the over-time charts: every row while there are at most `maxRows`, else every
 * k-th row (k = ⌈rows / maxRows⌉) with its place in serving order. Singles are read only where
 * sampled; a batch file is read whole (its rows are stored together) when it holds a sampled row,
 * one at a time, and only its sampled rows are kept.
 */
export async function readHistoryRows(db: SporeprintDb, schema: WorkspaceSchema, maxRows = HISTORY_SAMPLE_ROWS): Promise<HistoryRows> {
  const parts = servingOrder(await singleKeys(db, schema.id), await batchKeys(db, schema.id));
  const total = parts.reduce((sum, p) => sum + p.rows, 0);
  const step = Math.max(1, Math.ceil(total / maxRows));
  if (step === 1) return { ...withoutBatchOf(await readParts(db, schema, parts)), totalRows: total };
  const writer = new RowWriter(schema, Math.ceil(total / step));
  const positions = new Float64Array(writer.out.rows);
  // Sampled rows: positions 0, step, 2·step…; a part starting at `start` holds those from its first multiple of step.
  const sampled: { part: PartKey; start: number; first: number }[] = [];
  let start = 0;
  for (const part of parts) {
    const first = (step - (start % step)) % step;
    if (first < part.rows) sampled.push({ part, start, first });
    start += part.rows;
  }
  const singleIds = sampled.filter((s) => !s.part.batch).map((s) => s.part.id);
  const singles = new Map((await db.predictions.bulkGet(singleIds)).map((s, i) => [singleIds[i], s]));
  let r = 0;
  for (const { part, start, first } of sampled) {
    if (!part.batch) writer.single(singles.get(part.id)!);
    else {
      const [b, fb] = await Promise.all([db.predictionBatches.get(part.id), db.batchFeedback.get(part.id)]);
      writer.batch(b!, fb?.label, first, step);
    }
    for (let i = first; i < part.rows; i += step) positions[r++] = start + i;
  }
  return { ...withoutBatchOf(writer.out), totalRows: total, positions };
}
