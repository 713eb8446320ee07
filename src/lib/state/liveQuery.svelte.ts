import { liveQuery } from 'dexie';

/**
 * A Dexie live query as a rune: `current` updates whenever the tables it read change — in this
 * tab, in the worker, or in another tab. Call `stop()` when its owner goes away.
 */
export class LiveQuery<T> {
  #value = $state.raw<T>() as T;
  #loaded = $state(false);
  #error = $state<Error | null>(null);
  #sub: { unsubscribe(): void };

  constructor(query: () => Promise<T>, initial: T) {
    this.#value = initial;
    this.#sub = liveQuery(query).subscribe({
      next: (v) => {
        this.#value = v;
        this.#loaded = true;
      },
      error: (e) => (this.#error = e as Error),
    });
  }

  get current(): T {
    return this.#value;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): Error | null {
    return this.#error;
  }
  stop(): void {
    this.#sub.unsubscribe();
  }
}
