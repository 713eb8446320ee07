import Papa from 'papaparse';
import { EngineError, throwIfCancelled } from '../errors';
import { CsvByteStream } from './csvByteStream';

/** A file (in the worker), a string (in Node and tests) or a download read as it arrives. */
export type CsvInput = Blob | string | CsvByteStream;

export interface CsvFormat {
  delimiter: string;
  linebreak: string;
  hadBom: boolean;
  /** Set when the file was UTF-16 (said by its byte-order mark) and decoded; absent for UTF-8. */
  encoding?: Utf16;
}

export type Utf16 = 'utf-16le' | 'utf-16be';

/** The UTF-16 byte-order mark at the start of `head` (FF FE little-endian, FE FF big-endian), if any. */
export function utf16Bom(head: Uint8Array): Utf16 | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * Excel's "Unicode text" and many Windows tools write UTF-16 with a byte-order mark: its NUL bytes
 * would look binary. Such a file is decoded whole (the mark dropped) and parsed as the text it is;
 * any other input comes back as it was.
 */
export async function decodeUtf16(input: Blob): Promise<{ text: string; encoding: Utf16 } | null> {
  const encoding = utf16Bom(new Uint8Array(await input.slice(0, 2).arrayBuffer()));
  if (!encoding) return null;
  return { text: new TextDecoder(encoding).decode(await input.arrayBuffer()), encoding };
}

export interface CsvHandlers {
  /** Called once per chunk with its rows; `firstRowNumber` is the 1-based line of `rows[0]`. */
  onRows(rows: string[][], firstRowNumber: number, format: CsvFormat): void;
  /** Bytes (or characters, for strings) consumed so far; `total` is 0 for a download of unknown size. */
  onProgress?(consumed: number, total: number): void;
  signal?: AbortSignal;
}

const CHUNK_BYTES = 512 * 1024;

/** A byte-order mark left at the start of the first cell is taken off; says whether there was one. */
function dropBom(rows: string[][]): boolean {
  if (!rows.length || !rows[0].length || rows[0][0].charCodeAt(0) !== 0xfeff) return false;
  rows[0][0] = rows[0][0].slice(1);
  return true;
}

/**
 * Streams a CSV through PapaParse chunk by chunk (from a File in the worker, from a download as its
 * bytes arrive, from a string in Node). The delimiter (comma, semicolon, tab, pipe), line endings
 * and quoting are detected; a BOM is reported and stripped. Between chunks the parser yields to the
 * event loop, so progress messages and a cancel request get through.
 */
export function parseCsvStream(input: CsvInput, h: CsvHandlers): Promise<CsvFormat> {
  const download = input instanceof CsvByteStream ? input : null;
  const fixedTotal = typeof input === 'string' ? input.length : input instanceof CsvByteStream ? 0 : input.size;
  // A download counts bytes against the size the server announced, else against 0 (unknown); a
  // compressed body outgrows its announced size.
  const total = () => (!download ? fixedTotal : download.totalBytes === null ? 0 : Math.max(download.totalBytes, download.bytesRead));
  const consumed = (cursor: number) => (download ? download.bytesRead : Math.min(fixedTotal, cursor));
  let hadBom = false;
  let nextRow = 1;
  let format: CsvFormat | null = null;
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown, parser?: Papa.Parser) => {
      if (failed) return;
      failed = true;
      parser?.abort();
      reject(e);
    };
    const config = {
      header: false,
      skipEmptyLines: 'greedy',
      delimitersToGuess: [',', ';', '\t', '|'],
      chunkSize: CHUNK_BYTES,
      chunk(results: Papa.ParseResult<string[]>, parser: Papa.Parser) {
        try {
          throwIfCancelled(h.signal);
          const rows = results.data;
          if (nextRow === 1) hadBom = dropBom(rows);
          format ??= { delimiter: results.meta.delimiter, linebreak: results.meta.linebreak, hadBom };
          h.onRows(rows, nextRow, format);
          nextRow += rows.length;
          h.onProgress?.(consumed(results.meta.cursor), total());
          if (input instanceof Blob) {
            // Yield so that a cancel message or a progress post can be processed.
            parser.pause();
            setTimeout(() => (h.signal?.aborted ? fail(new EngineError('cancelled', 'Cancelled.'), parser) : parser.resume()), 0);
          }
        } catch (e) {
          fail(e, parser);
        }
      },
      complete() {
        if (failed) return;
        try {
          throwIfCancelled(h.signal);
        } catch (e) {
          return fail(e);
        }
        const all = download ? download.bytesRead : fixedTotal;
        h.onProgress?.(all, all);
        resolve(format ?? { delimiter: ',', linebreak: '\n', hadBom });
      },
      error(err: Error) {
        fail(new EngineError('internal', `Could not read the file: ${err.message}`));
      },
    } as Papa.ParseConfig<string[]>;
    if (!download) return void Papa.parse<string[]>(input as never, config);
    void feedDownload(download, config, h.signal, () => failed, fail);
  });
}

/** Hands a download's text to PapaParse as it arrives, yielding between chunks so that a cancel message or a progress post gets through. */
async function feedDownload(download: CsvByteStream, config: Papa.ParseConfig<string[]>, signal: AbortSignal | undefined, failed: () => boolean, fail: (e: unknown) => void) {
  const feed = new PapaFeed();
  Papa.parse<string[]>(feed as never, config);
  try {
    for await (const text of download.text(signal)) {
      if (failed()) return; // leaving the loop closes the download
      feed.emit('data', text); // parsed (and handed to chunk()) before emit returns
      await new Promise((r) => setTimeout(r, 0));
    }
    if (!failed()) feed.emit('end');
  } catch (e) {
    fail(e);
  }
}

/**
 * What PapaParse reads a stream from: the Node readable shape it documents ('data' chunks of text,
 * then 'end'). Papa parses each chunk as it comes and carries a row cut by the chunk's end (even
 * inside quotes) over to the next one. The chunks are pushed by parseCsvStream, one at a time.
 */
class PapaFeed {
  readonly readable = true;
  readonly #listeners = new Map<string, (chunk?: string) => void>();
  on(event: string, listener: (chunk?: string) => void): void {
    this.#listeners.set(event, listener);
  }
  removeListener(event: string): void {
    this.#listeners.delete(event);
  }
  emit(event: 'data' | 'end', chunk?: string): void {
    this.#listeners.get(event)?.(chunk);
  }
  // Papa calls these on a Node stream; the feed is already pushed one chunk at a time.
  read(): void {}
  pause(): void {}
  resume(): void {}
}

/**
 * A file whose first bytes hold NUL or many control characters is not text (a spreadsheet saved
 * as .xlsx, an image…): refuse it before parsing instead of reporting thousands of bad rows.
 */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / head.length > 0.1;
}
