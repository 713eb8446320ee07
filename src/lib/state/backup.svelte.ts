import { getDb } from '$lib/db/db';
import { feedbackSinceBackup, getLastBackup, type LastBackup } from '$lib/db/backupSettings';
import type { Progress } from '$lib/engine/progress';
import type { BackupApplied, BackupMade, BackupReview, BackupScope, FeedbackPolicy, TableCounts } from '$lib/worker/api';
import { trainer, Comlink } from '$lib/worker/client';
import { asActionError, type ActionError } from './actionError';
import { LiveQuery, WorkspaceQuery } from './liveQuery.svelte';
import { announceDataReplaced } from './database.svelte';
import type { WorkspaceState } from './workspace.svelte';
import type { StorageState } from './storage.svelte';

export type BackupPhase = 'idle' | 'backing-up' | 'backed-up' | 'checking' | 'review' | 'applying' | 'applied' | 'erasing';

/**
 * Settings' backup section: making a backup file (in the training worker, downloaded here), reading
 * one back for review, restoring or merging it, and erasing. One job at a time; each long one shows
 * its progress and can be cancelled.
 */
export class BackupState {
  #phase = $state<BackupPhase>('idle');
  #progress = $state<Progress | null>(null);
  #made = $state.raw<Omit<BackupMade, 'blob'> | null>(null);
  #review = $state.raw<BackupReview | null>(null);
  #applied = $state.raw<BackupApplied | null>(null);
  #error = $state<ActionError | null>(null);
  #policy = $state<FeedbackPolicy>('newer');
  #erase = $state.raw<{ scope: BackupScope; name: string; counts: TableCounts } | null>(null);
  #jobId: string | null = null;
  readonly #last = new LiveQuery<LastBackup | null>(() => getLastBackup(getDb()), null);
  readonly #since: WorkspaceQuery<{ count: number; lastBackupAt: number | null } | null>;
  #reminderDismissed = $state(false);

  constructor(
    private readonly workspace: WorkspaceState,
    storage: StorageState,
  ) {
    // Counting labels scans the workspace's predictions, again after each one: only while the
    // reminder can show at all (storage not persistent).
    this.#since = new WorkspaceQuery(
      () => workspace.currentId,
      (id, unkept) => (unkept ? feedbackSinceBackup(getDb(), id) : Promise.resolve(null)),
      null,
      () => storage.persisted === false,
    );
  }

  /** Labels given in the current workspace since its last backup, unless the user said "later" this session. */
  get reminder(): { count: number; lastBackupAt: number | null; workspaceId: string; name: string } | null {
    const s = this.#since.current;
    if (this.#reminderDismissed || !s || s.count === 0) return null;
    return { ...s, workspaceId: this.workspace.current.id, name: this.workspace.current.name };
  }
  dismissReminder(): void {
    this.#reminderDismissed = true;
  }

  get phase() {
    return this.#phase;
  }
  get progress() {
    return this.#progress;
  }
  get made() {
    return this.#made;
  }
  get review() {
    return this.#review;
  }
  get applied() {
    return this.#applied;
  }
  get error() {
    return this.#error;
  }
  get policy() {
    return this.#policy;
  }
  set policy(p: FeedbackPolicy) {
    this.#policy = p;
  }
  get lastBackup(): LastBackup | null {
    return this.#last.current;
  }
  /** What an erase waiting for confirmation would take away. */
  get erasing() {
    return this.#erase;
  }
  get busy(): boolean {
    return this.#phase === 'backing-up' || this.#phase === 'checking' || this.#phase === 'applying' || this.#phase === 'erasing';
  }

  #start(phase: BackupPhase): { jobId: string; onProgress: (p: Progress) => void } {
    this.#error = null;
    this.#phase = phase;
    this.#progress = { phase: 'Starting', done: 0, total: 1 };
    const jobId = (this.#jobId = crypto.randomUUID());
    return { jobId, onProgress: Comlink.proxy((p: Progress) => void (this.#jobId === jobId && (this.#progress = p))) };
  }

  #fail(e: unknown, back: BackupPhase): void {
    const error = asActionError(e);
    // A cancel undoes the job whole: say so rather than a bare "Cancelled."
    if (error.code === 'cancelled') error.message = this.#phase === 'backing-up' ? 'Cancelled: no file was made.' : 'Cancelled: nothing was written.';
    this.#error = error;
    this.#phase = back;
    this.#progress = null;
  }

  async backup(scope: BackupScope): Promise<void> {
    if (this.busy) return;
    const { jobId, onProgress } = this.#start('backing-up');
    try {
      const made = await trainer().backupData(jobId, scope, onProgress);
      if (this.#jobId !== jobId) return;
      // The file goes to the browser's downloads as a Blob made of the worker's parts (never one string).
      const url = URL.createObjectURL(made.blob);
      Object.assign(document.createElement('a'), { href: url, download: made.fileName }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const { blob: _blob, ...rest } = made;
      this.#made = rest;
      this.#phase = 'backed-up';
      this.#progress = null;
    } catch (e) {
      if (this.#jobId === jobId) this.#fail(e, 'idle');
    }
  }

  /** Stops the running job between two steps; what it had done is undone (nothing is half-written). */
  cancel(): void {
    if (this.#jobId) void trainer().cancelJob(this.#jobId);
  }

  /** Checks a chosen file and reads it aside for review; nothing is written. */
  async inspect(file: File): Promise<void> {
    if (this.busy) return;
    this.#review = null;
    this.#applied = null;
    const { jobId, onProgress } = this.#start('checking');
    try {
      const review = await trainer().inspectBackup(jobId, file, file.name, onProgress);
      if (this.#jobId !== jobId) return;
      this.#review = review;
      this.#policy = 'newer';
      this.#phase = 'review';
      this.#progress = null;
    } catch (e) {
      if (this.#jobId === jobId) this.#fail(e, 'idle');
    }
  }

  /** Restores or merges the reviewed file; the page reloads after a restore (every worker starts from the restored data). */
  async apply(mode: 'restore' | 'merge'): Promise<void> {
    const review = this.#review;
    if (!review || this.busy) return;
    const { jobId, onProgress } = this.#start('applying');
    try {
      this.#applied = await trainer().applyBackup(jobId, review.token, mode, this.#policy, onProgress);
      this.#review = null;
      this.#phase = 'applied';
      this.#progress = null;
      if (mode === 'restore') {
        announceDataReplaced('restored');
        setTimeout(() => location.reload(), 1500);
      }
    } catch (e) {
      // A refused merge (changed since review) or a cancel leaves the review open to try again.
      this.#fail(e, 'review');
    }
  }

  async discard(): Promise<void> {
    const review = this.#review;
    this.#review = null;
    this.#phase = 'idle';
    this.#error = null;
    if (review) await trainer().discardBackup(review.token);
  }

  /** Counts what an erase would take away, for the confirmation. */
  async askErase(scope: BackupScope, name: string): Promise<void> {
    if (this.busy) return;
    this.#error = null;
    try {
      this.#erase = { scope, name, counts: await trainer().countData(scope) };
    } catch (e) {
      this.#fail(e, 'idle');
    }
  }

  cancelErase(): void {
    this.#erase = null;
  }

  /** Erases what the confirmation named, then reloads (the shipped models are installed again at start). */
  async confirmErase(): Promise<void> {
    const pending = this.#erase;
    if (!pending || this.busy) return;
    this.#phase = 'erasing';
    this.#error = null;
    try {
      await trainer().eraseData(pending.scope);
      this.#erase = null;
      announceDataReplaced('erased');
      location.reload();
    } catch (e) {
      this.#erase = null;
      this.#fail(e, 'idle');
    }
  }
}
