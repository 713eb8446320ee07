/// <reference lib="webworker" />
// The serving worker: wires ServingApi to the worker modules; the rules live in those modules.
import * as Comlink from 'comlink';
import { getDb } from '$lib/db/db';
import type { ServingApi } from './api';
import { registerErrorTransfer } from './transfer';
import { cancelJob, withJob } from './jobs';
import { withSource } from './source';
import { analyzeImport, commitImport, discardImport } from './imports';
import { liveModelInfo } from './serving';
import { exportModel, importModel, setModelStage } from './models';
import { installShippedModels } from './install';
import { predictBatch, predictOne } from './predict';
import { exportBatchCsv } from './batchExport';
import { readBatchPage, releaseBatch } from './batchRows';
import { batchDigests } from './batchDigests';

registerErrorTransfer();

const api: ServingApi = {
  async getEngineInfo() {
    const { initTfjs } = await import('./tfjsBackend');
    return initTfjs();
  },
  analyzeCsv: (jobId, source, onProgress, options) =>
    withJob(jobId, (signal) => withSource(source, signal, (input, name) => analyzeImport(getDb(), input, name, signal, onProgress, options?.classColumn))),
  commitImport: async (importId, options) => commitImport(getDb(), importId, options),
  discardImport: async (importId) => discardImport(importId),
  cancelJob: async (jobId) => cancelJob(jobId),
  predictOne: async (workspaceId, input) => predictOne(getDb(), workspaceId, input),
  predictBatch: (jobId, workspaceId, source, onProgress) =>
    withJob(jobId, (signal) => withSource(source, signal, (input, name) => predictBatch(getDb(), workspaceId, input, name, signal, onProgress))),
  exportBatchCsv: (jobId, batchId, filter, onProgress) => withJob(jobId, (signal) => exportBatchCsv(getDb(), batchId, filter, signal, onProgress)),
  readBatchPage: (batchId, filter, offset, limit) => readBatchPage(getDb(), batchId, filter, offset, limit),
  releaseBatch: async (batchId) => releaseBatch(batchId),
  batchDigests: (refs) => batchDigests(getDb(), refs),
  getLiveModel: (workspaceId) => liveModelInfo(getDb(), workspaceId),
  installShippedModels: (bundleUrls) => installShippedModels(getDb(), bundleUrls),
  setModelStage: (versionId, stage, reason) => setModelStage(getDb(), versionId, stage, reason),
  exportModel: (versionId) => exportModel(getDb(), versionId),
  importModel: (workspaceId, json) => importModel(getDb(), workspaceId, json),
};

Comlink.expose(api);
