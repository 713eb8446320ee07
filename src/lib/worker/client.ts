import * as Comlink from 'comlink';
import type { WorkerApi } from './api';
import { registerErrorTransfer } from './transfer';

const remotes = new Map<string, Comlink.Remote<WorkerApi>>();

function spawn(name: string): Comlink.Remote<WorkerApi> {
  let remote = remotes.get(name);
  if (!remote) {
    registerErrorTransfer();
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name });
    remote = Comlink.wrap<WorkerApi>(worker);
    remotes.set(name, remote);
  }
  return remote;
}

/** The page's serving worker: imports, predictions, the registry; created on first use (browser only). */
export function engine(): Comlink.Remote<WorkerApi> {
  return spawn('sporeprint-engine');
}

/**
 * A second worker for training and retraining, so that predictions never queue behind an epoch:
 * the serving worker swaps to a new production version by reading it from IndexedDB.
 */
export function trainer(): Comlink.Remote<WorkerApi> {
  return spawn('sporeprint-trainer');
}

export { Comlink };
