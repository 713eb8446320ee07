import * as Comlink from 'comlink';
import type { ServingApi, TrainingApi } from './api';
import { registerErrorTransfer } from './transfer';

let serving: Comlink.Remote<ServingApi> | null = null;
let training: Comlink.Remote<TrainingApi> | null = null;

// Each `new Worker(new URL('./x.worker.ts', import.meta.url), …)` stays literal: that is how Vite
// finds the worker and builds its chunk.

/** The page's serving worker: imports, predictions, the registry; created on first use (browser only). */
export function engine(): Comlink.Remote<ServingApi> {
  if (!serving) {
    registerErrorTransfer();
    serving = Comlink.wrap<ServingApi>(new Worker(new URL('./serving.worker.ts', import.meta.url), { type: 'module', name: 'sporeprint-engine' }));
  }
  return serving;
}

/**
 * A second worker for training and retraining, so that predictions never queue behind an epoch:
 * the serving worker swaps to a new production version by reading it from IndexedDB.
 */
export function trainer(): Comlink.Remote<TrainingApi> {
  if (!training) {
    registerErrorTransfer();
    training = Comlink.wrap<TrainingApi>(new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'sporeprint-trainer' }));
  }
  return training;
}

export { Comlink };
