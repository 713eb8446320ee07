import type { RunRow } from '$lib/db/db';
import { isRetrainDue, type RetrainHold } from '$lib/db/feedback';

export interface RetrainStatus {
  state: 'idle' | 'running' | 'held';
  /** The retraining running now, or the failed one that holds the feedback. */
  runId: number | null;
  text: string;
  /** What happens next. */
  next: string;
}

/**
 * Where continuous training stands in a workspace, from what is stored: the runs (newest first),
 * the waiting feedback (which still includes a running retraining's own), k, and any hold.
 */
export function retrainStatus(runs: RunRow[], pending: number, k: number, hold: RetrainHold | null): RetrainStatus {
  const running = runs.find((r) => r.status === 'running' && r.feedbackCount !== undefined);
  if (running) {
    const since = Math.max(0, pending - running.feedbackCount!);
    return {
      state: 'running',
      runId: running.id!,
      text: `Retraining run #${running.id} is running on ${running.feedbackCount} feedbacks.`,
      next:
        since >= k
          ? `${since} feedbacks arrived while it runs: the next retraining starts as soon as it ends.`
          : `${since} of ${k} feedbacks arrived while it runs, towards the next retraining.`,
    };
  }
  if (hold && !isRetrainDue(pending, k, hold) && pending >= k) {
    const run = hold.runId !== null ? `run #${hold.runId}` : 'a retraining';
    return {
      state: 'held',
      runId: hold.runId,
      text: `Retraining ${run} ${hold.status === 'cancelled' ? 'was cancelled' : 'failed'} on ${hold.count} feedbacks: ${hold.message}`,
      next: `It is not restarted on the same feedback: the next retraining starts when new feedback arrives (${pending} of ${k} waiting).`,
    };
  }
  return { state: 'idle', runId: null, text: `${pending} of ${k} feedbacks waiting.`, next: `A retraining starts when ${k} are waiting.` };
}
