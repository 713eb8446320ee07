import { EngineError, throwIfCancelled } from '$lib/engine/errors';
import type { CsvInput } from '$lib/engine/data/csv';
import { CsvByteStream, MAX_CSV_BYTES, tooLargeError } from '$lib/engine/data/csvByteStream';
import type { ImportSource } from './api';

/**
 * Runs `use` on the CSV a source names: a dropped file as it is, a URL as a download parsed while it
 * arrives (http(s) only, no credentials). Either is refused over MAX_CSV_BYTES — a download from its
 * Content-Length before its body is read, or as soon as more than that has arrived. A download still
 * open when `use` ends (refused, failed, cancelled) is closed.
 */
export async function withSource<T>(source: ImportSource, signal: AbortSignal, use: (input: CsvInput, name: string) => Promise<T>): Promise<T> {
  if (source.kind === 'file') {
    if (source.file.size > MAX_CSV_BYTES) throw tooLargeError(source.file.name, source.file.size);
    return use(source.file, source.file.name);
  }
  const download = await openDownload(source.url, signal);
  try {
    return await use(download, download.name);
  } finally {
    await download.cancel();
  }
}

async function openDownload(address: string, signal: AbortSignal): Promise<CsvByteStream> {
  let url: URL;
  try {
    url = new URL(address, self.location.href);
  } catch {
    throw new EngineError('invalid-argument', `"${address}" is not a URL.`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new EngineError('invalid-argument', 'Only http(s) URLs can be imported.');
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    throwIfCancelled(signal);
    throw new EngineError('fetch-failed', `Could not download ${url.href}: ${(e as Error).message}. Are you offline, or does the server refuse cross-origin requests?`);
  }
  const name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new EngineError('fetch-failed', `Could not download ${url.href}: the server answered ${res.status}.`, { status: res.status });
  }
  const length = res.headers.get('content-length');
  const announced = length !== null && /^\d+$/.test(length.trim()) ? Number(length) : null;
  if (announced !== null && announced > MAX_CSV_BYTES) {
    await res.body.cancel().catch(() => {});
    throw tooLargeError(name, announced);
  }
  return new CsvByteStream(res.body, name, announced);
}
