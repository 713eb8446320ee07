import type { WorkspaceSchema } from './schema';

/** Category index meaning "missing" in a categorical column (codes are 0…254). */
export const MISSING_CODE = 255;

/** In a column of expert labels (0 = edible, 1 = poisonous): this row has no label. */
export const NO_FEEDBACK = 255;

export interface CategoricalData {
  name: string;
  kind: 'categorical';
  /** Index into the schema column's `codes`, or MISSING_CODE. */
  values: Uint8Array;
}

export interface NumericData {
  name: string;
  kind: 'numeric';
  /** NaN = missing. */
  values: Float64Array;
}

export type ColumnData = CategoricalData | NumericData;

/**
 * A data set held as typed columns, never one object per row: 61k rows × 21 columns is ~2 MB,
 * crosses the worker boundary by transfer and is stored in IndexedDB in a few chunks.
 */
export interface Dataset {
  rows: number;
  /** 0 = edible, 1 = poisonous. */
  label: Uint8Array;
  /** In schema feature order. */
  columns: ColumnData[];
}

export interface DatasetChunk {
  index: number;
  rows: number;
  label: Uint8Array;
  columns: ColumnData[];
}

export const CHUNK_ROWS = 16384;

/** Rows start … end − 1 of `ds` as views on its columns (nothing copied). */
export function rowsView(ds: Dataset, start: number, end: number): Dataset {
  return { rows: end - start, label: ds.label.subarray(start, end), columns: ds.columns.map((c) => ({ ...c, values: c.values.subarray(start, end) }) as ColumnData) };
}

export function splitIntoChunks(ds: Dataset, chunkRows = CHUNK_ROWS): DatasetChunk[] {
  const chunks: DatasetChunk[] = [];
  for (let start = 0, index = 0; start < ds.rows || (ds.rows === 0 && index === 0); start += chunkRows, index++) {
    const end = Math.min(ds.rows, start + chunkRows);
    chunks.push({
      index,
      rows: end - start,
      label: ds.label.slice(start, end),
      columns: ds.columns.map((c) => ({ ...c, values: c.values.slice(start, end) }) as ColumnData),
    });
    if (ds.rows === 0) break;
  }
  return chunks;
}

export function joinChunks(chunks: DatasetChunk[]): Dataset {
  const sorted = [...chunks].sort((a, b) => a.index - b.index);
  const filler = datasetFiller(sorted.reduce((n, c) => n + c.rows, 0));
  for (const chunk of sorted) filler.add(chunk);
  return filler.done();
}

/**
 * Builds a data set of a known size from its chunks, one chunk at a time and in order: the columns are
 * allocated once, so rows read from storage in chunks are never held twice (as chunks and joined).
 */
export function datasetFiller(rows: number): { add(chunk: DatasetChunk): void; done(): Dataset } {
  const label = new Uint8Array(rows);
  let columns: ColumnData[] | null = null;
  let offset = 0;
  return {
    add(chunk) {
      if (offset + chunk.rows > rows) throw new RangeError(`chunk ${chunk.index} goes past the ${rows} rows expected`);
      columns ??= chunk.columns.map((c) =>
        c.kind === 'numeric' ? { name: c.name, kind: 'numeric', values: new Float64Array(rows) } : { name: c.name, kind: 'categorical', values: new Uint8Array(rows) },
      );
      label.set(chunk.label, offset);
      chunk.columns.forEach((c, i) => (columns![i].values as Uint8Array | Float64Array).set(c.values as never, offset));
      offset += chunk.rows;
    },
    done() {
      if (offset !== rows) throw new RangeError(`${offset} rows in the chunks, ${rows} expected`);
      return { rows, label, columns: columns ?? [] };
    },
  };
}

/** The human text of one cell: the code's label, the number, or '' when missing. */
export function cellText(schema: WorkspaceSchema, ds: Dataset, col: number, row: number): string {
  const c = ds.columns[col];
  const f = schema.features[col];
  if (c.kind === 'numeric') {
    const v = c.values[row];
    return Number.isNaN(v) ? '' : String(v);
  }
  const code = c.values[row];
  if (code === MISSING_CODE || f.kind !== 'categorical') return '';
  return f.codes[code]?.code ?? '';
}
