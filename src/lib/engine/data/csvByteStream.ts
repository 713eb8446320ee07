import { EngineError, throwIfCancelled } from '../errors';

/**
 * The largest CSV read, from a file or a URL: 16× the Secondary data set (6 MB for 61k rows) and
 * twice the 45 MB the import tests parse. A file is held as text chunks and typed columns while it is
 * checked; far beyond this a browser tab runs out of memory before the report is ready.
 */
export const MAX_CSV_BYTES = 100_000_000;

/** Text handed to the parser at a time: large enough that the first chunk shows the delimiter and line endings. */
const TEXT_CHUNK_CHARS = 512 * 1024;

/** A size as people read it: 5 kB, 3.4 MB, 100 MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

export function tooLargeError(name: string, bytes: number | null, maxBytes = MAX_CSV_BYTES): EngineError {
  const size = bytes === null ? `larger than ${sizeText(maxBytes)} (reading stopped there)` : sizeText(bytes);
  return new EngineError(
    'too-large',
    `${name} is ${size}: CSV files over ${sizeText(maxBytes)} are not imported, as checking them would exhaust the browser's memory. Split the file, or leave out columns you do not need.`,
    { bytes, maxBytes },
  );
}

/**
 * A CSV arriving as bytes (a download): read once, as it comes, and never held whole. `head()` reads
 * ahead the first bytes (to refuse a binary or empty file before parsing) and `text()` yields them
 * again, then the rest, as decoded text. Past `maxBytes` reading stops with a clear error, whatever
 * the server said the size was; a cancelled job stops with 'cancelled', however the download noticed it.
 */
export class CsvByteStream {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Bytes read by head(), not yet handed to text(). */
  readonly #ahead: Uint8Array[] = [];
  #bytesRead = 0;

  constructor(
    body: ReadableStream<Uint8Array>,
    readonly name: string,
    /** The size the server announced (Content-Length), or null; on a compressed response it is the compressed size. */
    readonly totalBytes: number | null,
    readonly maxBytes = MAX_CSV_BYTES,
  ) {
    this.#reader = body.getReader();
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** The first `n` bytes (all of them when the stream is shorter); text() still yields them. */
  async head(signal?: AbortSignal, n = 4096): Promise<Uint8Array> {
    let length = this.#ahead.reduce((sum, b) => sum + b.byteLength, 0);
    while (length < n) {
      const bytes = await this.#read(signal);
      if (!bytes) break;
      this.#ahead.push(bytes);
      length += bytes.byteLength;
    }
    const head = new Uint8Array(Math.min(n, length));
    let at = 0;
    for (const b of this.#ahead) {
      if (at >= head.length) break;
      head.set(b.subarray(0, head.length - at), at);
      at += Math.min(b.byteLength, head.length - at);
    }
    return head;
  }

  /** The whole stream as UTF-8 text (a BOM dropped), in chunks of about 512 K characters. */
  async *text(signal?: AbortSignal): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    let pending = '';
    let finished = false;
    try {
      for (;;) {
        const bytes = this.#ahead.shift() ?? (await this.#read(signal));
        if (!bytes) break;
        pending += decoder.decode(bytes, { stream: true });
        if (pending.length >= TEXT_CHUNK_CHARS) {
          yield pending;
          pending = '';
        }
      }
      pending += decoder.decode();
      finished = true;
      if (pending) yield pending;
    } finally {
      // Stopped early (an error, a cancel, a refused file): close the download instead of letting it run on.
      if (!finished) await this.cancel();
    }
  }

  /** Stops the download; nothing more is read. */
  async cancel(): Promise<void> {
    this.#ahead.length = 0;
    await this.#reader.cancel().catch(() => {});
  }

  async #read(signal?: AbortSignal): Promise<Uint8Array | null> {
    throwIfCancelled(signal);
    let chunk: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;
    try {
      chunk = await this.#reader.read();
    } catch (e) {
      // An aborted fetch rejects its body with the browser's own words ("The user aborted a request").
      throwIfCancelled(signal);
      throw new EngineError('fetch-failed', `The download of ${this.name} broke off after ${sizeText(this.#bytesRead)}: ${(e as Error).message}`);
    }
    throwIfCancelled(signal);
    if (chunk.done) return null;
    this.#bytesRead += chunk.value.byteLength;
    if (this.#bytesRead > this.maxBytes) {
      await this.cancel();
      throw tooLargeError(this.name, null, this.maxBytes);
    }
    return chunk.value;
  }
}
