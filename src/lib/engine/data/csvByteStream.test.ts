import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvByteStream } from './csvByteStream';
import { parseCsvStream } from './csv';
import { analyzeCsv } from './importCsv';
import { BUILTIN_SCHEMAS } from './builtinSchemas';
import type { Progress } from '../progress';

const schemas = [...BUILTIN_SCHEMAS];

const uciCsv = readFileSync(new URL('../../../../data/samples/uci-synthetic.csv', import.meta.url), 'utf8');

/** A download as the network gives it: `bytes` in pieces of `piece` bytes, with a record of how far it was read and whether it was closed. */
function download(bytes: Uint8Array, piece: number, opts: { failAt?: number; error?: Error } = {}) {
  const seen = { pulled: 0, cancelled: false };
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (opts.failAt !== undefined && at >= opts.failAt) return controller.error(opts.error ?? new TypeError('network error'));
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
      seen.pulled = Math.min(at, bytes.length);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('CsvByteStream through the parser', () => {
  it('parses a download as it arrives: a quoted field with line breaks and a two-byte letter cut by the chunk ends, rows carried across', async () => {
    const note = `${'x'.repeat(40)}é\r\n${'y'.repeat(40)}`;
    const rows = 30_000;
    let text = 'id,note\r\n';
    for (let i = 0; i < rows; i++) text += `${i},"${note}"\r\n`;
    const bytes = utf8(text);
    // Pieces of 1000 bytes: the first text chunk is the text of the first pieces that reach 512 K
    // characters. Check that this test really cuts it inside a quoted field (an odd number of quotes before).
    const decoder = new TextDecoder();
    let first = '';
    for (let at = 0; first.length < 512 * 1024; at += 1000) first += decoder.decode(bytes.slice(at, at + 1000), { stream: true });
    expect(first.split('"').length % 2, 'the first chunk ends inside quotes').toBe(0);
    expect(bytes.some((b, i) => b === 0xc3 && i % 1000 === 999), 'some piece ends in the middle of an é').toBe(true);

    const { body } = download(bytes, 1000);
    const got: string[][] = [];
    const format = await parseCsvStream(new CsvByteStream(body, 'notes.csv', bytes.length), { onRows: (r) => got.push(...r.map((x) => x.slice())) });
    expect(format).toMatchObject({ delimiter: ',', linebreak: '\r\n' });
    expect(got).toHaveLength(rows + 1);
    expect(got[0]).toEqual(['id', 'note']);
    for (let i = 0; i < rows; i++) {
      if (got[i + 1][0] !== String(i) || got[i + 1][1] !== note) throw new Error(`row ${i + 1} came out as ${JSON.stringify(got[i + 1])}`);
    }
  });

  it('gives the same import report as the whole file, and reports bytes against the announced size', async () => {
    const whole = await analyzeCsv(uciCsv, { sourceName: 'uci.csv', schemas: schemas });
    const bytes = utf8('\ufeff' + uciCsv);
    const seen: Progress[] = [];
    const streamed = await analyzeCsv(new CsvByteStream(download(bytes, 777).body, 'uci.csv', bytes.length), {
      sourceName: 'uci.csv',
      schemas,
      onProgress: (p) => seen.push(p),
    });
    expect(streamed.report.sha256).toBe(whole.report.sha256);
    expect(streamed.report).toMatchObject({ rowsAccepted: whole.report.rowsAccepted, bytes: bytes.length, format: { hadBom: true } });
    const reading = seen.filter((p) => p.phase === 'Downloading and validating');
    expect(reading.at(-1)).toMatchObject({ done: bytes.length, total: bytes.length, detail: `${Math.round(bytes.length / 1e3)} kB of ${Math.round(bytes.length / 1e3)} kB` });
  });

  it('reports bytes read against 0 when the server did not say the size', async () => {
    const bytes = utf8(uciCsv);
    const seen: [number, number][] = [];
    await parseCsvStream(new CsvByteStream(download(bytes, 500).body, 'uci.csv', null), { onRows() {}, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.slice(0, -1).every(([, total]) => total === 0)).toBe(true);
    expect(seen.at(-1)).toEqual([bytes.length, bytes.length]);
  });

  it('stops reading past the size limit, with a message naming the limit, and closes the download', async () => {
    const bytes = utf8(uciCsv.repeat(20)); // ~370 kB
    const { body, seen } = download(bytes, 1000);
    const run = analyzeCsv(new CsvByteStream(body, 'big.csv', null, 100_000), { sourceName: 'big.csv', schemas: schemas });
    await expect(run).rejects.toMatchObject({ code: 'too-large', message: expect.stringMatching(/^big\.csv is larger than 100 kB .*over 100 kB are not imported/) });
    expect(seen.pulled).toBeLessThan(110_000);
    expect(seen.cancelled).toBe(true);
  });

  it('a cancel while downloading says cancelled and closes the download; a broken download says where it broke off', async () => {
    const bytes = utf8(uciCsv.repeat(40));
    const controller = new AbortController();
    const { body, seen } = download(bytes, 1000);
    const stream = new CsvByteStream(body, 'big.csv', bytes.length);
    const run = parseCsvStream(stream, { signal: controller.signal, onRows: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'cancelled', message: 'Cancelled.' });
    expect(seen.pulled).toBeLessThan(bytes.length);
    expect(seen.cancelled).toBe(true);

    // The browser rejects an aborted fetch's body with its own words: the job's signal decides what the user reads.
    const stillAborted = download(bytes, 1000, { failAt: 0, error: new DOMException('The user aborted a request.', 'AbortError') }).body;
    const reader = new CsvByteStream(stillAborted, 'big.csv', null);
    const signal = new AbortController();
    const reading = reader.head(signal.signal);
    signal.abort();
    await expect(reading).rejects.toMatchObject({ code: 'cancelled', message: 'Cancelled.' });

    const broken = download(bytes, 1000, { failAt: 5000 }).body;
    await expect(analyzeCsv(new CsvByteStream(broken, 'big.csv', null), { sourceName: 'big.csv', schemas: schemas })).rejects.toMatchObject({
      code: 'fetch-failed',
      message: 'The download of big.csv broke off after 5 kB: network error',
    });
  });

  it('refuses an empty or binary download from its first bytes, before parsing, and reads them only once otherwise', async () => {
    await expect(analyzeCsv(new CsvByteStream(download(new Uint8Array(), 10).body, 'e.csv', 0), { sourceName: 'e.csv', schemas: schemas })).rejects.toMatchObject({
      code: 'empty-file',
    });
    const binary = new Uint8Array(5000).fill(0);
    const { body, seen } = download(binary, 1000);
    await expect(analyzeCsv(new CsvByteStream(body, 'x.xlsx', binary.length), { sourceName: 'x.xlsx', schemas: schemas })).rejects.toMatchObject({ code: 'binary-file' });
    expect(seen.pulled).toBeLessThanOrEqual(5000);
  });
});
