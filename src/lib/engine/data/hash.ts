import type { Dataset } from './dataset';
import { MISSING_CODE } from './dataset';
import type { WorkspaceSchema } from './schema';

/**
 * The canonical text of a data set: schema column order, class as e/p, codes as codes, numbers in
 * JavaScript's shortest round-trip form, missing as empty, comma-separated, LF. Two files with the
 * same rows get the same text whatever their delimiter, line endings, BOM or column order.
 */
export function canonicalRows(schema: WorkspaceSchema, ds: Dataset): string[] {
  const codeText = schema.features.map((f) => (f.kind === 'categorical' ? f.codes.map((c) => c.code) : []));
  const out = new Array<string>(ds.rows);
  const cells = new Array<string>(ds.columns.length + 1);
  // Measured values repeat (a few thousand distinct per column in 61k rows): each is written once.
  const numberText = ds.columns.map(() => new Map<number, string>());
  const written = (c: number, v: number) => {
    let t = numberText[c].get(v);
    if (t === undefined) numberText[c].set(v, (t = String(v)));
    return t;
  };
  for (let r = 0; r < ds.rows; r++) {
    cells[0] = ds.label[r] === 1 ? 'p' : 'e';
    for (let c = 0; c < ds.columns.length; c++) {
      const col = ds.columns[c];
      const v = col.values[r];
      if (col.kind === 'numeric') cells[c + 1] = Number.isNaN(v) ? '' : written(c, v);
      else cells[c + 1] = v === MISSING_CODE ? '' : codeText[c][v];
    }
    out[r] = cells.join(',');
  }
  return out;
}

export function canonicalHeader(schema: WorkspaceSchema): string {
  return [schema.classColumn, ...schema.features.map((f) => f.name)].join(',');
}

/** SHA-256 (hex) of the canonical content: the data version's identity. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function datasetSha256(schema: WorkspaceSchema, ds: Dataset, rows = canonicalRows(schema, ds)): Promise<string> {
  return sha256Hex(canonicalHeader(schema) + '\n' + rows.join('\n') + (rows.length ? '\n' : ''));
}

/** Rows that repeat an earlier row exactly (every column and the class). */
export function countDuplicates(rows: string[]): number {
  return rows.length - new Set(rows).size;
}
