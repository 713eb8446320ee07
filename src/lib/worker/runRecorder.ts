import type { RunRow, SporeprintDb } from '$lib/db/db';
import { endRun, updateRun, type RunEnding } from '$lib/db/runs';
import { PIPELINE_STEPS, type StepId, type StepStatus } from '$lib/engine/ml/pipeline';

/**
 * A training run's progress as the Models page watches it: steps, epochs and log lines, written to
 * the run row in order (each write chained after the last) and at most about four times a second,
 * except step changes, which are written at once.
 */
export class RunRecorder {
  readonly steps: RunRow['steps'] = PIPELINE_STEPS.map((s) => ({ id: s.id, label: s.label, status: 'pending' }));
  readonly epochs: RunRow['epochs'] = [];
  readonly lines: string[] = [];
  runId = -1;
  #writes = Promise.resolve();
  #dirty = false;
  #lastWrite = 0;

  constructor(private readonly db: SporeprintDb) {}

  log(line: string): void {
    this.lines.push(line);
    this.#save();
  }

  epoch(epoch: number, loss: number, valLoss?: number): void {
    this.epochs.push({ epoch, loss, valLoss });
    this.#save();
  }

  step(id: StepId, status: StepStatus, ms?: number): void {
    const s = this.steps.find((x) => x.id === id)!;
    s.status = status;
    if (ms !== undefined) s.ms = ms;
    this.#save(true);
  }

  /** Waits until every write so far has landed. */
  settled(): Promise<void> {
    return this.#writes;
  }

  /** Ends the run (db/runs.ts endRun) with everything recorded, after the pending writes; `lastLine` closes the log. */
  async end(ending: Omit<RunEnding, 'steps' | 'epochs' | 'log'>, lastLine: string) {
    this.#dirty = false; // the write below has every line: a late throttled one must not drop the last line
    await this.#writes;
    return endRun(this.db, this.runId, { ...ending, steps: structuredClone(this.steps), epochs: structuredClone(this.epochs), log: [...this.lines, lastLine] });
  }

  /** Writes what a throttled save held back (a no-op once the run has ended). */
  flush(): void {
    if (this.#dirty) this.#save(true);
  }

  #save(force = false): void {
    this.#dirty = true;
    if (!force && Date.now() - this.#lastWrite < 250) return;
    this.#lastWrite = Date.now();
    this.#dirty = false;
    const patch = { steps: structuredClone(this.steps), epochs: structuredClone(this.epochs), log: [...this.lines] };
    const id = this.runId;
    this.#writes = this.#writes.then(() => updateRun(this.db, id, patch)).catch(() => {});
  }
}
