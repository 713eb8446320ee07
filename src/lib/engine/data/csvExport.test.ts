import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { toCsv, toCsvParts } from './csvExport';

const cell = (v: unknown) => toCsv(['x'], [[v]]).split('\r\n')[1];

describe('CSV export', () => {
  it('defuses formula injection: text cells starting with = + - @ tab or CR get a leading quote', () => {
    expect(cell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(cell('+1')).toBe(`"'+1"`);
    expect(cell('-2')).toBe(`"'-2"`);
    expect(cell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(cell('\tcmd')).toBe(`"'\tcmd"`);
    expect(toCsv(['x'], [['\rcmd']])).toBe(`x\r\n"'\rcmd"\r\n`);
    expect(cell('edible')).toBe('edible');
    expect(toCsv(['=evil'], [])).toBe(`"'=evil"\r\n`); // the header too
  });

  it('leaves numbers as numbers, writes empty cells for null and objects as JSON', () => {
    expect(cell(0.25)).toBe('0.25');
    expect(cell(-0.12)).toBe('-0.12'); // a negative MCC is not a formula
    expect(cell(null)).toBe('');
    expect(cell(undefined)).toBe('');
    expect(Papa.parse<string[]>(toCsv(['params'], [[{ epochs: 10, hidden: [64, 32] }]]).trim()).data[1][0]).toBe('{"epochs":10,"hidden":[64,32]}');
  });

  it('quotes delimiters, quotes and line breaks so the file parses back to the same cells', () => {
    const rows = [['a,b', 'say "hi"', 'two\nlines', 'plain']];
    const text = toCsv(['x', 'y', 'z', 'w'], rows);
    expect(Papa.parse<string[]>(text.trim()).data).toEqual([['x', 'y', 'z', 'w'], rows[0]]);
    expect(toCsv(['a;b'], [['c']], ';')).toBe('"a;b"\r\nc\r\n');
  });

  it('writes a big file in parts that join to exactly the same text, the header in the first part only', () => {
    const header = ['decision', 'P(edible)', 'note'];
    const row = (i: number) => [i % 3 ? 'edible' : 'poisonous', i / 1000, i % 7 ? `n${i}` : '=1+1'];
    for (const n of [0, 1, 4999, 5000, 12_001]) {
      const rows = Array.from({ length: n }, (_, i) => row(i));
      const parts = [...toCsvParts(header, rows, 5000)];
      expect(parts.join(''), `${n} rows`).toBe(toCsv(header, rows));
      expect(parts).toHaveLength(Math.max(1, Math.ceil(n / 5000)));
      expect(parts.filter((p) => p.startsWith('decision,P(edible),note\r\n'))).toHaveLength(1);
      expect(parts.every((p) => p.endsWith('\r\n'))).toBe(true);
    }
  });
});
