import type { WorkspaceSchema } from '../data/schema';
import { cellText, type ColumnData, type Dataset } from '../data/dataset';
import { toCsvParts } from '../data/csvExport';
import { HELD_BY_REFERENCE, HELD_NONE } from './answerRule';
import { DECISION_WORDS, DECISIONS } from './threshold';

/** What a batch's results table reads: the batch as logged, or as the worker answered it. */
export interface BatchTable {
  rows: number;
  columns: ColumnData[];
  label: Uint8Array | null;
  pPoisonous: Float32Array;
  /** 0 = edible, 1 = uncertain (treat as poisonous), 2 = poisonous. */
  decision: Uint8Array;
  /** Absent in batches logged before the answer rule. */
  held?: Uint16Array;
  version: number;
  ab?: { challengerVersion: number; arm: Uint8Array };
  shadow?: { version: number; decision: Uint8Array };
}

export type BatchFilter = 'all' | 'edible' | 'uncertain' | 'poisonous' | 'disagree';

/** A batch's answers counted: by decision, against the file's class (zero without one). */
export interface BatchCounts {
  edible: number;
  uncertain: number;
  poisonous: number;
  /** Rows whose answer (uncertain counting as poisonous) is not the file's class. */
  disagree: number;
  /** Poisonous in the file's class, called edible. */
  falseEdible: number;
}

/** A logged batch without its columns: what a list of batches shows, worked out once per batch. */
export interface BatchDigest {
  id: number;
  source: string;
  createdAt: number;
  version: number;
  kind: string;
  rows: number;
  hasClass: boolean;
  counts: BatchCounts;
}

/** Called edible = decision 0; anything else is treated as poisonous, so that is what "disagrees" compares. */
function disagrees(b: Pick<BatchTable, 'decision' | 'label'>, i: number): boolean {
  return !!b.label && (b.decision[i] === 0 ? 0 : 1) !== b.label[i];
}

/** Every row of a batch counted once: by decision, and against the file's class when it has one. */
export function countBatch(b: Pick<BatchTable, 'rows' | 'decision' | 'label'>): BatchCounts {
  const c: BatchCounts = { edible: 0, uncertain: 0, poisonous: 0, disagree: 0, falseEdible: 0 };
  for (let i = 0; i < b.rows; i++) {
    c[DECISIONS[b.decision[i]]]++;
    if (disagrees(b, i)) c.disagree++;
    if (b.label && b.label[i] === 1 && b.decision[i] === 0) c.falseEdible++;
  }
  return c;
}

/** Rows `offset` to `offset + limit` of the rows a filter keeps, as the table shows them. */
export interface BatchRowsPage {
  /** Rows the filter keeps in all. */
  total: number;
  /** The first row's place among them (0-based), moved back to the last page when past the end. */
  offset: number;
  /** Each row's place in the batch (0-based, file order of the predicted rows). */
  rowIndex: number[];
  /** Each row's decision code (0 edible, 1 uncertain, 2 poisonous). */
  decision: number[];
  /** Each row's cells, one per column. */
  cells: string[][];
}

/** A decision code's words (threshold.ts). */
const word = (code: number) => DECISION_WORDS[DECISIONS[code]];

/**
 * A batch's results as rows of text, the same on the page (its table) and in the downloaded file
 * (written in the worker): decision, why not edible (when any row was held back), P(edible), the
 * A/B column, the file's class, then every feature.
 */
export class BatchTableView {
  readonly columns: string[];
  readonly #anyHeld: boolean;
  readonly #abColumn: string | null;
  readonly #ds: Dataset;

  constructor(
    readonly schema: WorkspaceSchema,
    readonly batch: BatchTable,
  ) {
    const held = batch.held;
    let anyHeld = false;
    for (let i = 0; held && i < held.length && !anyHeld; i++) anyHeld = held[i] !== HELD_NONE;
    this.#anyHeld = anyHeld;
    // During an A/B test each row says which version answered it (split) or what the shadow said.
    this.#abColumn = batch.ab ? 'answered by' : batch.shadow ? `v${batch.shadow.version} (shadow)` : null;
    this.columns = [
      'decision',
      ...(anyHeld ? ['why not edible'] : []),
      'P(edible)',
      ...(this.#abColumn ? [this.#abColumn] : []),
      ...(batch.label ? ['class'] : []),
      ...schema.features.map((f) => f.name),
    ];
    this.#ds = { rows: batch.rows, label: batch.label ?? new Uint8Array(batch.rows), columns: batch.columns };
  }

  /** The rows a filter keeps, in file order. */
  shown(filter: BatchFilter): Uint32Array {
    const b = this.batch;
    const keep = filter === 'all' ? () => true : filter === 'disagree' ? (i: number) => disagrees(b, i) : (i: number) => word(b.decision[i]).startsWith(filter);
    let n = 0;
    const out = new Uint32Array(b.rows);
    for (let i = 0; i < b.rows; i++) if (keep(i)) out[n++] = i;
    return out.slice(0, n);
  }

  /** One page of the rows `shown` (a filter's rows): an offset past the end gives the last page. */
  page(shown: Uint32Array, offset: number, limit: number): BatchRowsPage {
    const size = Math.max(1, Math.floor(limit));
    const last = shown.length ? Math.floor((shown.length - 1) / size) * size : 0;
    const from = Math.min(Math.max(0, Math.floor(offset) || 0), last);
    const to = Math.min(shown.length, from + size);
    const page: BatchRowsPage = { total: shown.length, offset: from, rowIndex: [], decision: [], cells: [] };
    for (let k = from; k < to; k++) {
      const i = shown[k];
      page.rowIndex.push(i);
      page.decision.push(this.batch.decision[i]);
      page.cells.push(this.columns.map((_, c) => this.cell(i, c)));
    }
    return page;
  }

  /** The text of row `i` (in file order), column `col`. */
  cell(i: number, col: number): string {
    const b = this.batch;
    if (col === 0) return word(b.decision[i]);
    let c = col - 1;
    if (this.#anyHeld && c-- === 0) return this.#heldWords(b.held![i]);
    if (c-- === 0) return (1 - b.pPoisonous[i]).toFixed(3);
    if (this.#abColumn && c-- === 0) return b.ab ? (b.ab.arm[i] ? `v${b.ab.challengerVersion} (challenger)` : `v${b.version} (champion)`) : word(b.shadow!.decision[i]);
    if (b.label && c-- === 0) return b.label[i] ? 'p' : 'e';
    return cellText(this.schema, this.#ds, c, i);
  }

  /** The rows `shown` as a CSV file (csvExport's writer), in parts of `rowsPerPart` rows. */
  csvParts(shown: Uint32Array, rowsPerPart: number): Generator<string> {
    return toCsvParts(this.columns, this.#rowsOf(shown), rowsPerPart);
  }

  *#rowsOf(shown: Uint32Array): Generator<string[]> {
    for (let k = 0; k < shown.length; k++) yield this.columns.map((_, c) => this.cell(shown[k], c));
  }

  // The model said edible; the answer rule held it back. Empty for every other row.
  #heldWords(h: number): string {
    if (h === HELD_NONE) return '';
    if (h === HELD_BY_REFERENCE) return 'no reference mushroom with these answers is known to be edible';
    return `a blank field could make it poisonous, e.g. ${this.schema.features[h - 1]?.label.toLowerCase() ?? 'one of them'}`;
  }
}
