import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalHeader, countDuplicates, sha256Hex } from './hash';
import { MISSING_CODE, type Dataset } from './dataset';
import type { WorkspaceSchema } from './schema';
import { colourWidth } from '$lib/testing/colourWidth';

const schema: WorkspaceSchema = {
  id: 't',
  name: 'T',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    { name: 'colour', label: 'Colour', kind: 'categorical', codes: [{ code: 'n', label: 'brown' }, { code: 'é', label: 'écru' }, { code: 'w', label: 'white' }] },
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};

const dataset = (label: number[], colour: number[], width: number[]) => colourWidth(colour, width, label);

/** The canonical text the obvious way: a string per row, joined. */
function canonicalText(ds: Dataset): string[] {
  const codes = ['n', 'é', 'w'];
  return Array.from({ length: ds.rows }, (_, r) => {
    const c = ds.columns[0].values[r];
    const w = ds.columns[1].values[r];
    return [ds.label[r] ? 'p' : 'e', c === MISSING_CODE ? '' : codes[c], Number.isNaN(w) ? '' : String(w)].join(',');
  });
}

describe('canonical bytes', () => {
  const ds = dataset([0, 1, 0, 1, 0, 0], [0, 1, MISSING_CODE, 2, 0, 0], [1.5, NaN, -0, 1e21, 1.5, 0.1 + 0.2]);

  it('are the UTF-8 of the header and one LF-ended line per row (codes beyond ASCII, missing, -0, 1e21)', async () => {
    const text = canonicalHeader(schema) + '\n' + canonicalText(ds).join('\n') + '\n';
    const { bytes, rowStart } = canonicalBytes(schema, ds);
    expect(new TextDecoder().decode(bytes)).toBe(text);
    expect(new TextDecoder().decode(bytes.subarray(rowStart[1], rowStart[2]))).toBe('p,é,\n');
    expect(rowStart[ds.rows]).toBe(bytes.length);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('hold rows whose every cell is as long as a cell can be (a 25-character number, a two-byte code)', async () => {
    const longest = -0.0000012345678901234567;
    expect(String(longest)).toHaveLength(25);
    // 31 such rows: the buffer's first size runs out exactly where a row one byte longer than
    // allowed for would lose its last byte.
    const tight = dataset(new Array(31).fill(1), new Array(31).fill(1), new Array(31).fill(longest));
    const text = canonicalHeader(schema) + '\n' + canonicalText(tight).join('\n') + '\n';
    expect(new TextDecoder().decode(canonicalBytes(schema, tight).bytes)).toBe(text);
  });

  it('an empty data set is its header line', () => {
    const { bytes } = canonicalBytes(schema, dataset([], [], []));
    expect(new TextDecoder().decode(bytes)).toBe('class,colour,width\n');
  });

  it('count the rows that repeat an earlier row exactly, as a set of the row texts does', () => {
    expect(countDuplicates(canonicalBytes(schema, ds))).toBe(1); // row 4 repeats row 0; -0 and 0.1 + 0.2 do not
    // 300k rows over 3 × 2 × 50 distinct values: most repeat, and the table's probes collide
    const n = 300_000;
    const big = dataset(
      Array.from({ length: n }, (_, i) => i % 2),
      Array.from({ length: n }, (_, i) => (i * 7) % 3),
      Array.from({ length: n }, (_, i) => ((i * 13) % 50) / 10),
    );
    const distinct = new Set(canonicalText(big)).size;
    expect(countDuplicates(canonicalBytes(schema, big))).toBe(n - distinct);
    expect(distinct).toBeLessThan(301);
  });
});
