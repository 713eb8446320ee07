import { describe, expect, it } from 'vitest';
import { BUILTIN_SCHEMAS } from './builtinSchemas';
import { decodeUtf16, looksBinary, utf16Bom } from './csv';
import { analyzeCsv } from './importCsv';
import { readSample } from '$lib/testing/sharedData';

const sample = readSample('uci-synthetic.csv');

/** `text` as Excel's "Unicode text" writes it: a byte-order mark, then UTF-16 code units. */
function utf16(text: string, endian: 'le' | 'be'): Uint8Array<ArrayBuffer> {
  const le = Buffer.from('\uFEFF' + text, 'utf16le');
  if (endian === 'be') for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return new Uint8Array(le);
}

describe('UTF-16 files', () => {
  it('look binary by their NUL bytes, which is why their byte-order mark is read first', () => {
    const bytes = utf16(sample.slice(0, 2000), 'le');
    expect(looksBinary(bytes.subarray(0, 4096))).toBe(true);
    expect(utf16Bom(bytes)).toBe('utf-16le');
    expect(utf16Bom(utf16('a,b', 'be'))).toBe('utf-16be');
    expect(utf16Bom(new TextEncoder().encode('\uFEFFclass,odor'))).toBeNull(); // UTF-8 BOM: read as it always was
  });

  it('decode, little- and big-endian, to the same text and the same content hash as the UTF-8 file', async () => {
    const plain = await analyzeCsv(sample, { sourceName: 'uci.csv', schemas: [...BUILTIN_SCHEMAS] });
    for (const endian of ['le', 'be'] as const) {
      const decoded = await decodeUtf16(new Blob([utf16(sample, endian)]));
      expect(decoded?.encoding).toBe(`utf-16${endian}`);
      expect(decoded?.text).toBe(sample); // the mark dropped, nothing else changed
      const a = await analyzeCsv(decoded!.text, { sourceName: 'uci.csv', schemas: [...BUILTIN_SCHEMAS] });
      expect(a.report.rowsAccepted).toBe(400);
      expect(a.report.sha256).toBe(plain.report.sha256);
    }
  });

  it('leave any other file alone', async () => {
    expect(await decodeUtf16(new Blob(['\uFEFFclass,odor\ne,n\n']))).toBeNull();
    expect(await decodeUtf16(new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 0, 0])]))).toBeNull();
    expect(await decodeUtf16(new Blob([]))).toBeNull();
  });
});
