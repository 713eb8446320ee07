/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { analyzeCsv, type ImportAnalysis } from '$lib/engine/data/importCsv';
import { EngineError } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import { getDb } from '$lib/db/db';
import { findDatasetVersion, storeDatasetVersion } from '$lib/db/datasets';
import { allSchemas, customWorkspace } from '$lib/db/workspaces';
import type { AnalyzeResult, CommitResult, ImportSource, WorkerApi } from './api';
import { registerErrorTransfer } from './transfer';

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
    if (signal.aborted) throw new EngineError('cancelled', 'Cancelled.');
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
};

Comlink.expose(api);
