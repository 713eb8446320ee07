import { isEngineError } from '$lib/engine/errors';

/** What a page shows when an action fails: the engine's typed code (matched on) and its message. */
export interface ActionError {
  code: string;
  message: string;
}

export function asActionError(e: unknown): ActionError {
  return isEngineError(e) ? { code: e.code, message: e.message } : { code: 'internal', message: (e as Error)?.message ?? String(e) };
}
