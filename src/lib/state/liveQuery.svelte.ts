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

/**
 * A live query that follows the current workspace (and optional parameters such as filters):
 * re-subscribed when either changes, and empty (`initial`) until the new workspace's first answer,
 * so one workspace's rows never show in another. Made in an effect of its own: a query created while a page derives from it would be
 * invisible to that derivation (Svelte ignores state created in the reaction that reads it).
 */
export class WorkspaceQuery<T, P = undefined> {
  #current = $state.raw<{ workspaceId: string; query: LiveQuery<T> } | null>(null);

  constructor(
    private readonly workspaceId: () => string,
    query: (workspaceId: string, params: P) => Promise<T>,
    private readonly initial: T,
    params: () => P = () => undefined as P,
  ) {
    $effect.root(() => {
      $effect(() => {
        const id = this.workspaceId();
        const p = params();
        const q = new LiveQuery(() => query(id, p), initial);
        this.#current = { workspaceId: id, query: q };
        return () => q.stop();
      });
    });
  }

  get current(): T {
    const c = this.#current;
    return c && c.workspaceId === this.workspaceId() ? c.query.current : this.initial;
  }
  /** The current workspace's first answer has arrived. */
  get loaded(): boolean {
    const c = this.#current;
    return !!c && c.workspaceId === this.workspaceId() && c.query.loaded;
  }
}
