/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { analyzeCsv, type ImportAnalysis } from '$lib/engine/data/importCsv';
import { EngineError, throwIfCancelled } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import { getDb } from '$lib/db/db';
import { findDatasetVersion, storeDatasetVersion } from '$lib/db/datasets';
import { allSchemas, customWorkspace, workspaceSchema } from '$lib/db/workspaces';
import { exportBundle, importBundle, installShippedBundle, setStage } from '$lib/db/registry';
import { markInterruptedRuns } from '$lib/db/runs';
import { schemaFingerprint } from '$lib/engine/ml/preprocess';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import type { AnalyzeResult, CommitResult, ImportSource, WorkerApi } from './api';
import { registerErrorTransfer } from './transfer';
import { trainModel } from './training';
import { liveModel } from './serving';
import { abTestStatus, autoConclude, concludeAbTest, getRunningTest, startAbTest } from '$lib/db/abtests';
import { computeMonitor } from './monitor';
import { predictBatch, predictOne } from './predict';
import { maybeRetrain, type RetrainTrigger } from './retrain';
import { setBatchFeedback, setFeedback, setRetrainEvery } from '$lib/db/feedback';

registerErrorTransfer();

const jobs = new Map<string, AbortController>();
const pending = new Map<string, { analysis: ImportAnalysis; createsWorkspace: boolean }>();

async function withJob<T>(jobId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    return await run(controller.signal);
  } finally {
    jobs.delete(jobId);
  }
}

async function readSource(source: ImportSource, signal: AbortSignal): Promise<{ blob: Blob; name: string }> {
  if (source.kind === 'file') return { blob: source.file, name: source.file.name };
  let url: URL;
  try {
    url = new URL(source.url, self.location.href);
  } catch {
    throw new EngineError('invalid-argument', `"${source.url}" is not a URL.`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new EngineError('invalid-argument', 'Only http(s) URLs can be imported.');
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    throwIfCancelled(signal);
    throw new EngineError('fetch-failed', `Could not download ${url.href}: ${(e as Error).message}. Are you offline, or does the server refuse cross-origin requests?`);
  }
  if (!res.ok) throw new EngineError('fetch-failed', `Could not download ${url.href}: the server answered ${res.status}.`, { status: res.status });
  const name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
  return { blob: await res.blob(), name };
}

const api: WorkerApi = {
  async getEngineInfo() {
    const { initTfjs } = await import('./tfjsBackend');
    return initTfjs();
  },

  async analyzeCsv(jobId: string, source: ImportSource, onProgress?: ProgressCallback): Promise<AnalyzeResult> {
    return withJob(jobId, async (signal) => {
      const db = getDb();
      const { blob, name } = await readSource(source, signal);
      const schemas = await allSchemas(db);
      const analysis = await analyzeCsv(blob, { sourceName: name, schemas, signal, onProgress });
      const createsWorkspace = analysis.report.match === 'inferred';
      const existing = createsWorkspace ? undefined : await findDatasetVersion(db, analysis.schema.id, analysis.report.sha256);
      const importId = crypto.randomUUID();
      pending.clear(); // one pending import at a time: a new analysis replaces an abandoned one
      pending.set(importId, { analysis, createsWorkspace });
      return {
        importId,
        report: analysis.report,
        schema: analysis.schema,
        workspaceId: analysis.schema.id,
        createsWorkspace,
        existingVersionId: existing?.id ?? null,
      };
    });
  },

  async commitImport(importId: string, options = {}): Promise<CommitResult> {
    const job = pending.get(importId);
    if (!job) throw new EngineError('not-found', 'This import is no longer pending; analyse the file again.');
    const { analysis, createsWorkspace } = job;
    if (analysis.dataset.rows === 0) throw new EngineError('no-valid-rows', 'No valid rows to import.');
    const workspace = createsWorkspace ? customWorkspace(analysis.schema, options.workspaceName?.trim() || analysis.schema.name) : undefined;
    const result = await storeDatasetVersion(getDb(), analysis.schema.id, analysis, workspace);
    pending.delete(importId);
    return { status: result.status, versionId: result.version.id!, workspaceId: analysis.schema.id, rows: result.version.rows };
  },

  async discardImport(importId: string) {
    pending.delete(importId);
  },

  async cancelJob(jobId: string) {
    jobs.get(jobId)?.abort();
  },

  async trainModel(jobId, options, onProgress) {
    return withJob(jobId, async (signal) => {
      const { runId, versionId, version } = await trainModel(getDb(), options, signal, onProgress);
      return { runId, versionId, version };
    });
  },

  async setModelStage(versionId, stage, reason) {
    const db = getDb();
    const row = await db.modelVersions.get(versionId);
    if (!row) throw new EngineError('not-found', `Model version #${versionId} does not exist.`);
    const test = await getRunningTest(db, row.workspaceId);
    if (test && (stage === 'production' || versionId === test.challenger.versionId)) {
      throw new EngineError('invalid-argument', `A/B test #${test.id} is running between v${test.champion.version} and v${test.challenger.version}: conclude it on the A/B tests page first.`);
    }
    await setStage(db, versionId, stage, reason, 'user');
    await liveModel(db, row.workspaceId); // swap the served model at once if production changed
  },

  async exportModel(versionId) {
    const db = getDb();
    const exported = await exportBundle(db, versionId);
    const row = await db.modelVersions.get(versionId);
    return { fileName: `sporeprint-${row?.workspaceId}-v${row?.version}-${row?.kind}.json`, json: JSON.stringify(exported) };
  },

  async importModel(workspaceId, json) {
    const db = getDb();
    const schema = await workspaceSchema(db, workspaceId);
    if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new EngineError('invalid-argument', 'This file is not JSON: not a Sporeprint model export.');
    }
    const row = await importBundle(db, parsed, { id: workspaceId, name: schema.name, schemaFingerprint: schemaFingerprint(schema) });
    return { versionId: row.id!, version: row.version };
  },

  installShippedModels(bundleUrls) {
    return installShipped(bundleUrls);
  },

  async predictOne(workspaceId, input) {
    return predictOne(getDb(), workspaceId, input);
  },

  async predictBatch(jobId, workspaceId, source, onProgress) {
    return withJob(jobId, async (signal) => {
      const { blob, name } = await readSource(source, signal);
      return predictBatch(getDb(), workspaceId, blob, name, signal, onProgress);
    });
  },

  async submitFeedback(predictionId, label) {
    const row = await setFeedback(getDb(), predictionId, label);
    // In the background: the feedback call returns at once and predictions go on being served.
    void afterFeedback(row.workspaceId);
  },

  async submitBatchFeedback(batchId) {
    const row = await setBatchFeedback(getDb(), batchId);
    void afterFeedback(row.workspaceId);
    return { rows: row.label.length };
  },

  async startAbTest(options) {
    return startAbTest(getDb(), options);
  },

  async abTestStatus(testId) {
    const db = getDb();
    const test = await db.abTests.get(testId);
    if (!test) throw new EngineError('not-found', `A/B test #${testId} does not exist.`);
    return test.conclusion?.status ?? abTestStatus(db, test);
  },

  concludeAbTest(testId, winner, acknowledged = []) {
    // As after a retraining: every tab's serving worker sees the new production and swaps to it.
    return concludeAbTest(getDb(), testId, winner, 'user', acknowledged);
  },

  computeMonitor(workspaceId, window, options) {
    return computeMonitor(getDb(), workspaceId, window, options);
  },

  async resumeRetraining(workspaceIds) {
    for (const workspaceId of workspaceIds) void retrainInBackground(workspaceId, 'start');
  },

  async saveRetrainEvery(k) {
    const db = getDb();
    await setRetrainEvery(db, k);
    // k is one setting for every workspace: each one whose waiting feedback now reaches it starts at
    // once, under the same lock as a feedback's check (so two tabs saving k start one retraining).
    for (const { id } of await allSchemas(db)) void retrainInBackground(id, 'settings');
  },

  async getLiveModel(workspaceId) {
    const m = await liveModel(getDb(), workspaceId);
    return m ? { versionId: m.versionId, kind: m.bundle.kind } : null;
  },
};

/** Feedback may conclude an A/B test (auto-conclude) and start a retraining; neither may fail the call. */
async function afterFeedback(workspaceId: string): Promise<void> {
  try {
    await autoConclude(getDb(), workspaceId);
  } catch (e) {
    console.error('auto-concluding the A/B test failed', e);
  }
  await retrainInBackground(workspaceId, 'feedback');
}

/** A failed retraining is recorded in its run; it must never take the worker down. */
async function retrainInBackground(workspaceId: string, trigger: RetrainTrigger): Promise<void> {
  try {
    await maybeRetrain(getDb(), workspaceId, trigger);
  } catch (e) {
    console.error('retraining failed', e);
  }
}

async function installShipped(bundleUrls: Record<string, string>): Promise<string[]> {
  const db = getDb();
  await markInterruptedRuns(db);
  const installed: string[] = [];
  for (const [workspaceId, url] of Object.entries(bundleUrls)) {
    if (await db.modelVersions.where('workspaceId').equals(workspaceId).count()) continue;
    const res = await fetch(url);
    if (!res.ok) throw new EngineError('fetch-failed', `The shipped model for ${workspaceId} could not be loaded (${res.status}).`);
    if (await installShippedBundle(db, (await res.json()) as ModelBundle)) installed.push(workspaceId);
  }
  return installed;
}

Comlink.expose(api);
