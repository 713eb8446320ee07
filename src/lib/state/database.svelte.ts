import { getDb } from '$lib/db/db';

const STORAGE_STUCK =
  'This browser’s storage is not answering, so nothing can be read or saved. In Safari and other WebKit browsers this happens after a page was closed or reloaded while it was saving. Quit the browser completely and open Sporeprint again: what was saved before is kept.';

/** Other tabs hear on it that their data was replaced (a restore or an erase in this tab). */
const REPLACED = 'sporeprint-data-replaced';

/** Tells every other open tab that the data was restored or erased here: their workers still hold the old models. */
export function announceDataReplaced(what: 'restored' | 'erased'): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(REPLACED);
  channel.postMessage(what);
  channel.close();
}

/**
 * The page's own connection to IndexedDB: opened once at start, watched for the two ways it can
 * stop serving without an error of its own, and a message for the layout's banner when it does.
 */
export class DatabaseState {
  #message = $state<string | null>(null);

  /** What the banner says, or null while storage works. */
  get message(): string | null {
    return this.#message;
  }

  /** Opens the database, then runs `whenOpen` (installing the shipped models). */
  open(whenOpen: () => Promise<unknown>): void {
    const db = getDb();
    // Another tab opened a newer database version: Dexie closes ours; say so instead of failing silently.
    db.on('versionchange', () => {
      this.#message = 'Sporeprint was updated in another tab. Reload this tab to keep working.';
    });
    if (typeof BroadcastChannel !== 'undefined') {
      new BroadcastChannel(REPLACED).onmessage = (e) => {
        this.#message = `The data was ${e.data === 'erased' ? 'erased' : 'restored from a backup'} in another tab. Reload this tab to work on it.`;
      };
    }
    db.open()
      .then(() => {
        // WebKit (Safari, every iPhone browser) can leave a database unable to run transactions once
        // a worker was ended mid-write, e.g. by a reload while saving (bugs.webkit.org/show_bug.cgi?id=324094):
        // every read of the tables it held then waits forever, with no error. A read of every table
        // tells; the message goes again if the read completes after all (a long write in another tab).
        const stuck = setTimeout(() => (this.#message = STORAGE_STUCK), 10_000);
        const answered = () => {
          clearTimeout(stuck);
          if (this.#message === STORAGE_STUCK) this.#message = null;
        };
        db.transaction('r', db.tables, () => db.settings.count()).then(answered, answered);
        return whenOpen();
      })
      .catch((e: Error) => (this.#message = `Local storage is unavailable: ${e.message}. Private browsing can block IndexedDB.`));
  }
}
