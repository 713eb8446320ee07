import { EngineError, throwIfCancelled } from '../../errors';
import type { Matrix } from '../matrix';

/** Refuses training data a family cannot use, with the same codes for every family. */
export function checkTrainingData(x: Matrix, y: Uint8Array, validation?: { x: Matrix; y: Uint8Array }): void {
  if (x.rows === 0) throw new EngineError('invalid-argument', 'No training rows.');
  if (y.length !== x.rows) throw new EngineError('invalid-argument', `${x.rows} training rows but ${y.length} labels.`, { rows: x.rows, labels: y.length });
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw new EngineError('invalid-argument', `Label ${y[i]} in row ${i}: labels must be 0 (edible) or 1 (poisonous).`, { row: i, value: y[i] });
  }
  if (validation) {
    if (validation.x.cols !== x.cols)
      throw new EngineError('invalid-argument', `Validation data has ${validation.x.cols} columns, training data ${x.cols}.`, { expected: x.cols, got: validation.x.cols });
    if (validation.y.length !== validation.x.rows)
      throw new EngineError('invalid-argument', 'Validation rows and labels differ in number.', { rows: validation.x.rows, labels: validation.y.length });
  }
}

export function checkColumns(x: Matrix, expected: number): void {
  if (x.cols !== expected) throw new EngineError('invalid-argument', `The model takes ${expected} columns, got ${x.cols}.`, { expected, got: x.cols });
}

export function notFitted(kind: string): EngineError {
  return new EngineError('invalid-argument', `The ${kind} model has not been trained yet.`);
}

/**
 * Between chunks of synchronous work: throws if cancelled, and about every `intervalMs` gives the
 * event loop a turn, so a worker can receive the "cancel" message at all. (A macrotask: awaiting a
 * resolved promise would not let messages in.)
 */
export function cancellationPoint(signal: AbortSignal | undefined, intervalMs = 100): () => Promise<void> {
  let last = performance.now();
  return async () => {
    throwIfCancelled(signal);
    if (performance.now() - last < intervalMs) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = performance.now();
    throwIfCancelled(signal);
  };
}
