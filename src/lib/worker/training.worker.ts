/// <reference lib="webworker" />
// The training worker: wires TrainingApi to the worker modules; the rules live in those modules.
import * as Comlink from 'comlink';
import { getDb } from '$lib/db/db';
import type { TrainingApi } from './api';
import { registerErrorTransfer } from './transfer';
import { cancelJob, withJob } from './jobs';
import { trainModel } from './training';
import { resumeRetraining, saveRetrainEvery, submitBatchFeedback, submitFeedback } from './feedback';
import { abTestStatus, concludeAbTest, startAbTest } from './abtests';
import { computeMonitor } from './monitor';
import { applyBackup, backupData, countData, discardBackup, eraseData, inspectBackup } from './backup';

registerErrorTransfer();

const api: TrainingApi = {
  trainModel: (jobId, options, onProgress) =>
    withJob(jobId, async (signal) => {
      const { runId, versionId, version } = await trainModel(getDb(), options, signal, onProgress);
      return { runId, versionId, version };
    }),
  cancelJob: async (jobId) => cancelJob(jobId),
  submitFeedback: (predictionId, label) => submitFeedback(getDb(), predictionId, label),
  submitBatchFeedback: (batchId) => submitBatchFeedback(getDb(), batchId),
  saveRetrainEvery: (k) => saveRetrainEvery(getDb(), k),
  resumeRetraining: async (workspaceIds) => resumeRetraining(getDb(), workspaceIds),
  startAbTest: async (options) => startAbTest(getDb(), options),
  abTestStatus: (testId) => abTestStatus(getDb(), testId),
  concludeAbTest: (testId, winner, acknowledged) => concludeAbTest(getDb(), testId, winner, acknowledged),
  computeMonitor: (workspaceId, window, options) => computeMonitor(getDb(), workspaceId, window, options),
  backupData: (jobId, scope, onProgress) => withJob(jobId, (signal) => backupData(getDb(), scope, signal, onProgress)),
  inspectBackup: (jobId, file, fileName, onProgress) => withJob(jobId, (signal) => inspectBackup(getDb(), file, fileName, signal, onProgress)),
  applyBackup: (jobId, token, mode, policy, onProgress) => withJob(jobId, (signal) => applyBackup(getDb(), token, mode, policy, signal, onProgress)),
  discardBackup: (token) => discardBackup(token),
  countData: (scope) => countData(getDb(), scope),
  eraseData: (scope) => eraseData(getDb(), scope),
};

Comlink.expose(api);
