import * as Comlink from 'comlink';
import { EngineError, isEngineError, type EngineErrorCode, type ErrorDetails } from '$lib/engine/errors';

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: EngineErrorCode;
  details?: ErrorDetails;
}

/**
 * Comlink's default 'throw' handler keeps only name/message/stack; this one also carries an
 * EngineError's `code` and `details`, so the page can match on the code. Both sides import this.
 * It reuses Comlink's own `canHandle`: the marker that tells a thrown value from a returned one is
 * internal to Comlink, not exported.
 */
export function registerErrorTransfer(): void {
  const comlinkThrow = Comlink.transferHandlers.get('throw');
  if (!comlinkThrow) throw new Error('Comlink has no "throw" transfer handler to extend');
  Comlink.transferHandlers.set('throw', {
    canHandle: comlinkThrow.canHandle,
    serialize(obj: unknown) {
      const { value } = obj as { value: unknown };
      let serialized: SerializedError;
      if (isEngineError(value)) {
        serialized = { name: value.name, message: value.message, stack: value.stack, code: value.code, details: value.details };
      } else if (value instanceof Error) {
        // A DOMException's numeric legacy `code` must not pass for an EngineError code.
        serialized = { name: value.name, message: value.message, stack: value.stack };
      } else {
        serialized = { name: 'Error', message: String(value) };
      }
      return [serialized, []];
    },
    deserialize(s: SerializedError) {
      if (s.code) throw Object.assign(new EngineError(s.code, s.message, s.details ?? {}), { stack: s.stack });
      throw Object.assign(new Error(s.message), { name: s.name, stack: s.stack });
    },
  } as Comlink.TransferHandler<unknown, SerializedError>);
}
