import { EngineError, isEngineError } from '$lib/engine/errors';

/** Maps IndexedDB failures to typed errors; a full disk gets its own code and a message saying nothing was lost. */
export function storageError(e: unknown, what: string): EngineError {
  const err = e as { name?: string; inner?: { name?: string; message?: string }; message?: string };
  const name = err?.inner?.name ?? err?.name ?? '';
  if (name === 'QuotaExceededError' || /quota/i.test(err?.message ?? '')) {
    return new EngineError(
      'quota-exceeded',
      `Not enough storage space to save ${what}. Nothing was saved and nothing already stored was lost. Free space (delete old data versions) or allow persistent storage, then try again.`,
    );
  }
  // Dexie appends the inner error's text after a line break; show each cause once, on one line.
  const firstLine = (m: string) => m.split('\n')[0].trim();
  const outer = firstLine(err?.message ?? String(e));
  const reason = err?.inner?.message ? `${outer} (${firstLine(err.inner.message)})` : outer;
  return new EngineError('storage-failed', `Could not save ${what}: ${reason}. Nothing was saved.`);
}

/** Our own typed errors pass through; IndexedDB failures become quota-exceeded / storage-failed. */
export function asEngineError(e: unknown, what: string): EngineError {
  return isEngineError(e) ? e : storageError(e, what);
}
