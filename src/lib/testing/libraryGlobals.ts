/**
 * What dexie-export-import expects of a browser, for Node tests: `self`, and an asynchronous
 * FileReader (without FileReaderSync the library reads files asynchronously, as on a page).
 * Import before anything that imports the library.
 */
const g = globalThis as Record<string, unknown>;
g.self ??= globalThis;
g.FileReader ??= class {
  onload: ((e: { target: { result: ArrayBuffer } }) => void) | null = null;
  onerror: ((e: { target: { error: unknown } }) => void) | null = null;
  onabort: (() => void) | null = null;
  readAsArrayBuffer(blob: Blob): void {
    blob.arrayBuffer().then(
      (result) => this.onload?.({ target: { result } }),
      (error) => this.onerror?.({ target: { error } }),
    );
  }
};
export {};
