import type { EngineInfo } from '$lib/worker/api';
import { engine } from '$lib/worker/client';

/** What the engine worker reports about itself: which tfjs backend runs there. */
export class EngineState {
  #info = $state<EngineInfo | null>(null);
  #error = $state<string | null>(null);

  get info(): EngineInfo | null {
    return this.#info;
  }
  get error(): string | null {
    return this.#error;
  }

  async load(): Promise<void> {
    if (this.#info) return;
    try {
      this.#info = await engine().getEngineInfo();
    } catch (e) {
      this.#error = (e as Error).message;
    }
  }
}
