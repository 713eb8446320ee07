import { getDb, type AbTestRow, type AbTestStatus } from '$lib/db/db';
import { listAbTests } from '$lib/db/abtests';
import type { NewAbTest } from '$lib/worker/api';
import { productionSignature } from '$lib/db/predictions';
import type { Objection } from '$lib/engine/abtest/conclusion';
import type { Arm } from '$lib/engine/abtest/routing';
import { trainer } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';
import { WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

/**
 * The A/B tests page: the workspace's tests (live), and the numbers of the running one, recomputed
 * in the background worker whenever predictions or feedback change while the page is open (`attach`).
 */
export class AbTestsState {
  readonly #tests: WorkspaceQuery<AbTestRow[]>;
  readonly #signature: WorkspaceQuery<string>;
  #status = $state.raw<{ testId: number; status: AbTestStatus } | null>(null);
  #error = $state<ActionError | null>(null);
  #busy = $state(false);
  /** How many A/B tests pages are open: the running test's numbers are computed only while one is. */
  #attached = $state(0);

  constructor(private readonly workspace: WorkspaceState) {
    this.#tests = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listAbTests(getDb(), id),
      [],
    );
    this.#signature = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => productionSignature(getDb(), id),
      '',
    );
    // A running test's numbers follow every prediction and feedback.
    $effect.root(() => {
      $effect(() => {
        if (!this.#attached) return;
        const id = this.running?.id;
        void this.signature;
        if (id !== undefined) void this.refresh(id);
      });
    });
  }

  /** The A/B tests page opened: the running test's numbers follow until the returned detach is called. */
  attach(): () => void {
    this.#attached++;
    return () => {
      this.#attached--;
    };
  }

  get tests(): AbTestRow[] {
    return this.#tests.current;
  }
  get running(): AbTestRow | null {
    return this.tests.find((t) => t.status === 'running') ?? null;
  }
  get signature(): string {
    return this.#signature.current;
  }
  get error() {
    return this.#error;
  }
  get busy() {
    return this.#busy;
  }
  statusOf(testId: number): AbTestStatus | null {
    const t = this.tests.find((x) => x.id === testId);
    return t?.conclusion?.status ?? (this.#status?.testId === testId ? this.#status.status : null);
  }

  async refresh(testId: number): Promise<void> {
    try {
      this.#status = { testId, status: await trainer().abTestStatus(testId) };
    } catch (e) {
      this.#error = asActionError(e);
    }
  }

  async start(options: Omit<NewAbTest, 'workspaceId'>): Promise<void> {
    await this.#act(() => trainer().startAbTest({ ...options, workspaceId: this.workspace.currentId }));
  }

  /** `acknowledged`: what the user confirmed concluding against (nothing when the statistics support it). */
  async conclude(testId: number, winner: Arm, acknowledged: Objection[] = []): Promise<void> {
    // The serving worker swaps to a winning challenger; the trainer concluded it in the database.
    await this.#act(async () => {
      await trainer().concludeAbTest(testId, winner, acknowledged);
    });
  }

  async #act(fn: () => Promise<unknown>): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      await fn();
    } catch (e) {
      this.#error = asActionError(e);
    } finally {
      this.#busy = false;
    }
  }
}
