import { isEngineError, type ErrorDetails } from '$lib/engine/errors';

/** What a page shows when an action fails: the engine's typed code (matched on), its message and details (what it offers to do next). */
export interface ActionError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export function asActionError(e: unknown): ActionError {
  return isEngineError(e) ? { code: e.code, message: e.message, details: e.details } : { code: 'internal', message: (e as Error)?.message ?? String(e) };
}
