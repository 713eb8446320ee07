import { EngineError, throwIfCancelled } from '$lib/engine/errors';
import type { ImportSource } from './api';

/** The bytes and name of a CSV to read: a dropped file as is, a URL downloaded (http(s) only, no credentials). */
export async function readSource(source: ImportSource, signal: AbortSignal): Promise<{ blob: Blob; name: string }> {
  if (source.kind === 'file') return { blob: source.file, name: source.file.name };
  let url: URL;
  try {
    url = new URL(source.url, self.location.href);
  } catch {
    throw new EngineError('invalid-argument', `"${source.url}" is not a URL.`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new EngineError('invalid-argument', 'Only http(s) URLs can be imported.');
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    throwIfCancelled(signal);
    throw new EngineError('fetch-failed', `Could not download ${url.href}: ${(e as Error).message}. Are you offline, or does the server refuse cross-origin requests?`);
  }
  if (!res.ok) throw new EngineError('fetch-failed', `Could not download ${url.href}: the server answered ${res.status}.`, { status: res.status });
  const name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
  return { blob: await res.blob(), name };
}
