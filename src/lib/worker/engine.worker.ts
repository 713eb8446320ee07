/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { getDb } from '$lib/db/db';
import type { WorkerApi } from './api';
import { registerErrorTransfer } from './transfer';
import { cancelJob, withJob } from './jobs';
import { readSource } from './source';
import { analyzeImport, commitImport, discardImport } from './imports';
import { trainModel } from './training';
import { liveModelInfo } from './serving';
import { exportModel, importModel, setModelStage } from './models';
import { installShippedModels } from './install';
import { predictBatch, predictOne } from './predict';
import { abTestStatus, concludeAbTest, startAbTest } from './abtests';
import { computeMonitor } from './monitor';
import { resumeRetraining, saveRetrainEvery, submitBatchFeedback, submitFeedback } from './feedback';

registerErrorTransfer();

const api: WorkerApi = {
  async getEngineInfo() {
    const { initTfjs } = await import('./tfjsBackend');
    return initTfjs();
  },
  analyzeCsv: (jobId, source, onProgress) =>
    withJob(jobId, async (signal) => {
      const { blob, name } = await readSource(source, signal);
      return analyzeImport(getDb(), blob, name, signal, onProgress);
    }),
  commitImport: async (importId, options) => commitImport(getDb(), importId, options),
  discardImport: async (importId) => discardImport(importId),
  cancelJob: async (jobId) => cancelJob(jobId),
  trainModel: (jobId, options, onProgress) =>
    withJob(jobId, async (signal) => {
      const { runId, versionId, version } = await trainModel(getDb(), options, signal, onProgress);
      return { runId, versionId, version };
    }),
  setModelStage: (versionId, stage, reason) => setModelStage(getDb(), versionId, stage, reason),
  exportModel: (versionId) => exportModel(getDb(), versionId),
  importModel: (workspaceId, json) => importModel(getDb(), workspaceId, json),
  installShippedModels: (bundleUrls) => installShippedModels(getDb(), bundleUrls),
  predictOne: async (workspaceId, input) => predictOne(getDb(), workspaceId, input),
  predictBatch: (jobId, workspaceId, source, onProgress) =>
    withJob(jobId, async (signal) => {
      const { blob, name } = await readSource(source, signal);
      return predictBatch(getDb(), workspaceId, blob, name, signal, onProgress);
    }),
  submitFeedback: (predictionId, label) => submitFeedback(getDb(), predictionId, label),
  submitBatchFeedback: (batchId) => submitBatchFeedback(getDb(), batchId),
  startAbTest: async (options) => startAbTest(getDb(), options),
  abTestStatus: (testId) => abTestStatus(getDb(), testId),
  concludeAbTest: (testId, winner, acknowledged) => concludeAbTest(getDb(), testId, winner, acknowledged),
  computeMonitor: (workspaceId, window, options) => computeMonitor(getDb(), workspaceId, window, options),
  resumeRetraining: async (workspaceIds) => resumeRetraining(getDb(), workspaceIds),
  saveRetrainEvery: (k) => saveRetrainEvery(getDb(), k),
  getLiveModel: (workspaceId) => liveModelInfo(getDb(), workspaceId),
};

Comlink.expose(api);
