import { describe, expect, it } from 'vitest';
import type { RunRow } from '$lib/db/db';
import { retrainStatus } from './retrainStatus';

const run = (id: number, status: RunRow['status'], feedbackCount?: number): RunRow => ({
  id,
  workspaceId: 'uci',
  datasetVersionId: 1,
  dataSha256: 'x',
  appVersion: '0',
  kind: 'mlp',
  params: {},
  seed: 1,
  status,
  startedAt: id,
  epochs: [],
  steps: [],
  log: [],
  ...(feedbackCount === undefined ? {} : { reason: `${feedbackCount} new feedbacks`, feedbackCount }),
});
const hold = { at: 1, count: 4, runId: 7, status: 'failed' as const, message: 'Out of memory.' };

describe('retrainStatus', () => {
  it('counts only the feedback that arrived since the running retraining started, and says when it starts the next', () => {
    expect(retrainStatus([run(9, 'running', 4)], 6, 4, null)).toEqual({
      state: 'running',
      runId: 9,
      text: 'Retraining run #9 is running on 4 feedbacks.',
      next: '2 of 4 feedbacks arrived while it runs, towards the next retraining.',
    });
    expect(retrainStatus([run(9, 'running', 4)], 8, 4, null).next).toBe('4 feedbacks arrived while it runs: the next retraining starts as soon as it ends.');
  });

  it('is not "running" for a training run started by hand', () => {
    expect(retrainStatus([run(9, 'running'), run(8, 'finished', 4)], 1, 4, null)).toMatchObject({ state: 'idle', text: '1 of 4 feedbacks waiting.' });
  });

  it('says a failed retraining holds its feedback until new feedback arrives, and stops saying so once it has', () => {
    expect(retrainStatus([run(7, 'failed', 4)], 4, 4, hold)).toEqual({
      state: 'held',
      runId: 7,
      text: 'Retraining run #7 failed on 4 feedbacks: Out of memory.',
      next: 'It is not restarted on the same feedback: the next retraining starts when new feedback arrives (4 of 4 waiting).',
    });
    expect(retrainStatus([run(7, 'failed', 4)], 5, 4, hold).state).toBe('idle');
  });
});
