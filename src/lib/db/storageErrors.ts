import { EngineError } from '$lib/engine/errors';

/** Maps IndexedDB failures to typed errors; a full disk gets its own code and a message saying nothing was lost. */
export function storageError(e: unknown, what: string): EngineError {
  const err = e as { name?: string; inner?: { name?: string }; message?: string };
  const name = err?.inner?.name ?? err?.name ?? '';
  if (name === 'QuotaExceededError' || /quota/i.test(err?.message ?? '')) {
    return new EngineError(
      'quota-exceeded',
      `Not enough storage space to save ${what}. Nothing was saved and nothing already stored was lost. Free space (delete old data versions) or allow persistent storage, then try again.`,
    );
  }
  return new EngineError('storage-failed', `Could not save ${what}: ${err?.message ?? String(e)}. Nothing was saved.`);
}
