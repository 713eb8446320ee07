import * as Comlink from 'comlink';
import { EngineError, type EngineErrorCode, type ErrorDetails } from '$lib/engine/errors';

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
 */
export function registerErrorTransfer(): void {
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is { value: unknown } =>
      typeof value === 'object' && value !== null && Comlink.throwMarker in value,
    serialize(obj: unknown) {
      const { value } = obj as { value: unknown };
      const e = value as Partial<EngineError>;
      const serialized: SerializedError =
        value instanceof Error
          ? { name: value.name, message: value.message, stack: value.stack, code: e.code, details: e.details }
          : { name: 'Error', message: String(value) };
      return [serialized, []];
    },
    deserialize(s: SerializedError) {
      if (s.code) throw Object.assign(new EngineError(s.code, s.message, s.details ?? {}), { stack: s.stack });
      throw Object.assign(new Error(s.message), { name: s.name, stack: s.stack });
    },
  } as Comlink.TransferHandler<unknown, SerializedError>);
}
