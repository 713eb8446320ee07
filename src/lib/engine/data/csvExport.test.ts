import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { escapeCsvCell, toCsv } from './csvExport';

describe('CSV export', () => {
  it('defuses formula injection: cells starting with = + - @ tab or CR get a leading quote', () => {
    expect(escapeCsvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(escapeCsvCell('+1')).toBe("'+1");
    expect(escapeCsvCell('-2')).toBe("'-2");
    expect(escapeCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCsvCell('\tcmd')).toBe("'\tcmd");
    expect(escapeCsvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(escapeCsvCell('edible')).toBe('edible');
    expect(escapeCsvCell(0.25)).toBe('0.25');
    expect(escapeCsvCell(null)).toBe('');
  });

  it('quotes delimiters, quotes and line breaks so the file parses back to the same cells', () => {
    const rows = [['a,b', 'say "hi"', 'two\nlines', 'plain']];
    const text = toCsv(['x', 'y', 'z', 'w'], rows);
    expect(Papa.parse<string[]>(text.trim()).data).toEqual([['x', 'y', 'z', 'w'], rows[0]]);
    expect(toCsv(['a;b'], [['c']], ';')).toBe('"a;b"\r\nc\r\n');
  });
});
