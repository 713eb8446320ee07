import type { Dataset } from './dataset';
import { MISSING_CODE } from './dataset';
import type { WorkspaceSchema } from './schema';
import { EngineError } from '../errors';

/**
 * The canonical text of a data set: schema column order, class as e/p, codes as codes, numbers in
 * JavaScript's shortest round-trip form, missing as empty, comma-separated, LF, after a header line.
 * Two files with the same rows get the same text whatever their delimiter, line endings, BOM or
 * column order. It is written straight into UTF-8 bytes, with where each row starts: a string per
 * row, joined and then encoded, was a fifth of a Secondary import.
 */
export interface CanonicalBytes {
  bytes: Uint8Array<ArrayBuffer>;
  /** rowStart[r] is where row r begins in `bytes`; rowStart[rows] is the end. Each row ends with LF. */
  rowStart: Uint32Array;
}

const COMMA = 0x2c;
const LF = 0x0a;
/**
 * The longest text String() gives for a double: "-0.0000012345678901234567" (sign, "0.", five zeros
 * and 17 digits; fixed notation down to 1e-6). Exponent forms are at most 24, integers 22.
 */
const NUMBER_BYTES = 25;

export function canonicalBytes(schema: WorkspaceSchema, ds: Dataset): CanonicalBytes {
  const utf8 = new TextEncoder();
  const codeBytes = schema.features.map((f) => (f.kind === 'categorical' ? f.codes.map((c) => utf8.encode(c.code)) : []));
  const label = [utf8.encode('e'), utf8.encode('p')];
  // Measured values repeat (a few thousand distinct per column in 61k rows): each is written once.
  // String() of a number is ASCII, so its characters are its bytes.
  const numberText = ds.columns.map(() => new Map<number, string>());
  const written = (c: number, v: number) => {
    let t = numberText[c].get(v);
    if (t === undefined) numberText[c].set(v, (t = String(v)));
    return t;
  };
  // Room for the longest row possible, made before each row: the cells are then copied byte by byte.
  const longestRow = 2 + ds.columns.reduce((n, c, j) => n + 1 + (c.kind === 'numeric' ? NUMBER_BYTES : codeBytes[j].reduce((m, b) => Math.max(m, b.length), 0)), 0);
  const header = utf8.encode(canonicalHeader(schema) + '\n');
  let bytes = new Uint8Array(header.length + ds.rows * Math.min(longestRow, 2 * ds.columns.length + 8) + longestRow);
  bytes.set(header);
  let n = header.length;
  const put = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) bytes[n++] = b[i];
  };
  const rowStart = new Uint32Array(ds.rows + 1);
  for (let r = 0; r < ds.rows; r++) {
    if (n + longestRow > bytes.length) {
      const grown = new Uint8Array(Math.max(2 * bytes.length, n + longestRow));
      grown.set(bytes.subarray(0, n));
      bytes = grown;
    }
    rowStart[r] = n;
    put(label[ds.label[r] === 1 ? 1 : 0]);
    for (let c = 0; c < ds.columns.length; c++) {
      bytes[n++] = COMMA;
      const col = ds.columns[c];
      const v = col.values[r];
      if (col.kind === 'numeric') {
        if (Number.isNaN(v)) continue;
        const t = written(c, v);
        for (let i = 0; i < t.length; i++) bytes[n++] = t.charCodeAt(i);
      } else if (v !== MISSING_CODE) put(codeBytes[c][v]);
    }
    bytes[n++] = LF;
    // A typed array drops writes past its end without a word: a wrong identity must not pass for one.
    if (n > bytes.length) throw new EngineError('internal', `Row ${r + 1} outgrew the room made for the longest row (${longestRow} bytes).`);
  }
  rowStart[ds.rows] = n;
  return { bytes: bytes.subarray(0, n), rowStart };
}

export function canonicalHeader(schema: WorkspaceSchema): string {
  return [schema.classColumn, ...schema.features.map((f) => f.name)].join(',');
}

/** SHA-256 (hex) of the canonical content: the data version's identity. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Rows that repeat an earlier row exactly (every column and the class): rows hashed, then compared byte for byte. */
export function countDuplicates({ bytes, rowStart }: CanonicalBytes): number {
  const rows = rowStart.length - 1;
  const hashes = new Uint32Array(rows);
  let size = 16;
  while (size < rows * 2) size *= 2;
  const table = new Int32Array(size).fill(-1);
  let duplicates = 0;
  for (let r = 0; r < rows; r++) {
    // FNV-1a over the row's bytes
    let h = 0x811c9dc5;
    for (let i = rowStart[r]; i < rowStart[r + 1]; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    hashes[r] = h >>> 0;
    let slot = hashes[r] & (size - 1);
    for (;;) {
      const other = table[slot];
      if (other < 0) {
        table[slot] = r;
        break;
      }
      if (hashes[other] === hashes[r] && sameRow(bytes, rowStart, other, r)) {
        duplicates++;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
  }
  return duplicates;
}

function sameRow(bytes: Uint8Array, rowStart: Uint32Array, a: number, b: number): boolean {
  const length = rowStart[a + 1] - rowStart[a];
  if (length !== rowStart[b + 1] - rowStart[b]) return false;
  for (let i = 0; i < length; i++) if (bytes[rowStart[a] + i] !== bytes[rowStart[b] + i]) return false;
  return true;
}
