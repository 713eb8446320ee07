/**
 * Every failure the engine reports has a typed `code`: the UI matches on it, never on message text.
 * `details` carries what a message needs (row, column, value…) as plain data so it survives
 * structured cloning across the worker boundary.
 */
export type EngineErrorCode =
  | 'empty-file'
  | 'header-only'
  | 'binary-file'
  | 'no-class-column'
  | 'no-valid-rows'
  | 'too-many-categories'
  | 'unusable-model'
  | 'cancelled'
  | 'quota-exceeded'
  | 'storage-failed'
  | 'fetch-failed'
  | 'not-found'
  | 'invalid-argument'
  /** Too big for this device: more rows than its memory holds (details: rows, maxRows), or a file over the size limit. */
  | 'too-large'
  /** A backup file that cannot be restored or merged (details.reason says why); nothing was written. */
  | 'backup-refused'
  | 'internal';

export type ErrorDetails = Record<string, string | number | boolean | null | string[]>;

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly details: ErrorDetails;

  constructor(code: EngineErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError || (e instanceof Error && e.name === 'EngineError' && 'code' in e);
}

/** Throws the standard cancellation error when the job's signal has fired; called between chunks. */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new EngineError('cancelled', 'Cancelled.');
}
