import type { BatchFilter } from '$lib/engine/ml/batchTable';
import type { Progress } from '$lib/engine/progress';
import { downloadBlob } from '$lib/download';
import { engine, Comlink } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';

/**
 * Downloading a batch's results: the serving worker writes the file (a million rows take seconds
 * to write), the page only hands the finished Blob to the browser, so it never freezes.
 */
export class BatchCsvDownload {
  #progress = $state<Progress | null>(null);
  #error = $state<ActionError | null>(null);
  #jobId: string | null = null;

  get progress() {
    return this.#progress;
  }
  get error() {
    return this.#error;
  }

  async start(batchId: number, filter: BatchFilter): Promise<void> {
    if (this.#progress) return;
    const jobId = (this.#jobId = crypto.randomUUID());
    this.#error = null;
    this.#progress = { phase: 'Writing the CSV', done: 0, total: 1 };
    try {
      const { fileName, blob } = await engine().exportBatchCsv(
        jobId,
        batchId,
        filter,
        Comlink.proxy((p: Progress) => {
          if (this.#jobId === jobId) this.#progress = p;
        }),
      );
      if (this.#jobId === jobId) downloadBlob(fileName, blob);
    } catch (e) {
      if (this.#jobId === jobId) this.#error = asActionError(e);
    } finally {
      if (this.#jobId === jobId) {
        this.#progress = null;
        this.#jobId = null;
      }
    }
  }

  async cancel(): Promise<void> {
    if (this.#jobId) await engine().cancelJob(this.#jobId);
  }
}
