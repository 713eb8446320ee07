import * as Comlink from 'comlink';
import type { WorkerApi } from './api';
import { registerErrorTransfer } from './transfer';

let remote: Comlink.Remote<WorkerApi> | null = null;

/** The page's one engine worker, created on first use (in the browser only). */
export function engine(): Comlink.Remote<WorkerApi> {
  if (!remote) {
    registerErrorTransfer();
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'sporeprint-engine' });
    remote = Comlink.wrap<WorkerApi>(worker);
  }
  return remote;
}

export { Comlink };
