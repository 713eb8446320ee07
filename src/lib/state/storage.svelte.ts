import { getDb } from '$lib/db/db';
import { getSetting, setSetting } from '$lib/db/settings';

/** Why the app asks for persistent storage on its own: the first thing stored that a user would miss. */
export type KeepReason = 'import' | 'feedback';

const ASKED_KEY = 'persistenceAsked';
/** Sent by the stores when something worth keeping was just stored (see `dataWorthKeeping`). */
const WORTH_KEEPING = 'sporeprint:worth-keeping';

/** Tells the app something worth keeping was just stored; the first time, it asks for persistent storage. */
export function dataWorthKeeping(why: KeepReason): void {
  if (typeof window !== 'undefined') window.dispatchEvent(new CustomEvent(WORTH_KEEPING, { detail: why }));
}

const WHY: Record<KeepReason, string> = {
  import: 'The data you just imported is stored only in this browser.',
  feedback: 'The feedback you just gave is stored only in this browser.',
};

/**
 * Persistent-storage status and space used, from the Storage API. Some engines have no Storage API
 * at all (WebKitGTK), and Firefox answers `persist()` only when the user answers its prompt, which
 * may be never: nothing here is awaited by anything else, and a pending question says so.
 */
export class StorageState {
  /** False where the browser has no `navigator.storage` (WebKitGTK, older Safari). */
  readonly supported = typeof navigator !== 'undefined' && !!navigator.storage;
  #persisted = $state<boolean | null>(null);
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #asking = $state(false);
  #message = $state<string | null>(null);
  #why = $state<string | null>(null);

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener(WORTH_KEEPING, (e) => void this.askOnce((e as CustomEvent<KeepReason>).detail));
  }

  /** Set when the app asked on its own (first import or feedback): why, shown with the browser's answer. */
  get why() {
    return this.#why;
  }
  dismissWhy(): void {
    this.#why = null;
  }

  /**
   * At the first import or the first feedback, asks the browser once (ever) to keep the data, saying
   * why; later the header and Settings say whether it is kept, and Settings can ask again.
   */
  async askOnce(why: KeepReason): Promise<void> {
    if (!this.supported || !navigator.storage.persist) return;
    await this.refresh();
    if (this.#persisted) return;
    const db = getDb();
    if (await getSetting(db, ASKED_KEY, null)) return;
    await setSetting(db, ASKED_KEY, { at: Date.now(), why });
    this.#why = `${WHY[why]} Sporeprint has asked the browser to keep it even when the device runs short of space.`;
    await this.requestPersistence();
  }

  get persisted() {
    return this.#persisted;
  }
  get usage() {
    return this.#usage;
  }
  get quota() {
    return this.#quota;
  }
  /** A `persist()` question is waiting for the browser (or the user in its prompt). */
  get asking() {
    return this.#asking;
  }
  get message() {
    return this.#message;
  }

  async refresh(): Promise<void> {
    if (!this.supported) return;
    this.#persisted = (await navigator.storage.persisted?.()) ?? null;
    const est = await navigator.storage.estimate?.();
    this.#usage = est?.usage ?? null;
    this.#quota = est?.quota ?? null;
  }

  /** Asks the browser not to evict our data under storage pressure; the browser may say no, or ask the user. */
  async requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) {
      this.#message = 'This browser cannot make storage persistent.';
      return;
    }
    if (this.#asking) return;
    this.#asking = true;
    this.#message = 'Waiting for the browser’s answer. Some browsers (Firefox) ask you in a prompt by the address bar; the rest of the app keeps working meanwhile.';
    try {
      const granted = await navigator.storage.persist();
      this.#message = granted
        ? 'Storage is persistent: the browser will not evict your data to free space.'
        : 'The browser declined for now (it decides from how you use the site; installing the app usually helps). Your data is still stored, but may be evicted if the device runs out of space.';
    } catch (e) {
      this.#message = `The browser could not answer: ${(e as Error).message}`;
    } finally {
      this.#asking = false;
    }
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
