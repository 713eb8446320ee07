import type { BatchFilter } from '$lib/engine/ml/batchTable';
import type { BatchPage } from '$lib/worker/api';
import { engine } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';

/** Rows on one page: enough to read, few enough that a page costs the same at 60k or a million rows. */
export const BATCH_PAGE_ROWS = 50;

/**
 * The rows of a predicted batch, one page at a time, read from the serving worker that keeps them:
 * the page never holds the batch, only the page on screen.
 */
export class BatchRows {
  #batchId: number | null = null;
  #filter = $state<BatchFilter>('all');
  #page = $state.raw<BatchPage | null>(null);
  #loading = $state(false);
  #error = $state<ActionError | null>(null);
  /** The newest request: an older answer arriving late is dropped. */
  #asked = 0;

  get filter() {
    return this.#filter;
  }
  get page() {
    return this.#page;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }
  get offset() {
    return this.#page?.offset ?? 0;
  }
  get total() {
    return this.#page?.total ?? 0;
  }
  get hasPrevious() {
    return this.offset > 0;
  }
  get hasNext() {
    return this.offset + BATCH_PAGE_ROWS < this.total;
  }

  /** Shows a batch's first page, all rows. */
  open(batchId: number): Promise<void> {
    this.#batchId = batchId;
    this.#filter = 'all';
    this.#page = null;
    return this.#read(0);
  }

  close(): void {
    this.#batchId = null;
    this.#page = null;
    this.#error = null;
    this.#asked++;
  }

  setFilter(filter: BatchFilter): Promise<void> {
    this.#filter = filter;
    return this.#read(0);
  }

  first = () => this.#read(0);
  previous = () => this.#read(Math.max(0, this.offset - BATCH_PAGE_ROWS));
  next = () => this.#read(this.offset + BATCH_PAGE_ROWS);
  // The worker moves an offset past the end back to the start of the last page.
  last = () => this.#read(Number.MAX_SAFE_INTEGER);

  async #read(offset: number): Promise<void> {
    const batchId = this.#batchId;
    if (batchId === null) return;
    const asked = ++this.#asked;
    this.#loading = true;
    try {
      const page = await engine().readBatchPage(batchId, this.#filter, offset, BATCH_PAGE_ROWS);
      if (asked !== this.#asked) return;
      this.#page = page;
      this.#error = null;
    } catch (e) {
      if (asked === this.#asked) this.#error = asActionError(e);
    } finally {
      if (asked === this.#asked) this.#loading = false;
    }
  }
}
