/** Persistent-storage status and space used, from the Storage API. */
export class StorageState {
  #persisted = $state<boolean | null>(null);
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #message = $state<string | null>(null);

  get persisted() { return this.#persisted; }
  get usage() { return this.#usage; }
  get quota() { return this.#quota; }
  get message() { return this.#message; }

  async refresh(): Promise<void> {
    if (!navigator.storage) return;
    this.#persisted = (await navigator.storage.persisted?.()) ?? null;
    const est = await navigator.storage.estimate?.();
    this.#usage = est?.usage ?? null;
    this.#quota = est?.quota ?? null;
  }

  /** Asks the browser not to evict our data under storage pressure; the browser may say no. */
  async requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) {
      this.#message = 'This browser cannot make storage persistent.';
      return;
    }
    const granted = await navigator.storage.persist();
    this.#message = granted
      ? 'Storage is persistent: the browser will not evict your data to free space.'
      : 'The browser declined for now (it decides from how you use the site; installing the app usually helps). Your data is still stored, but may be evicted if the device runs out of space.';
    await this.refresh();
  }
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
