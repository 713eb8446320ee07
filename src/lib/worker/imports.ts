import type { SporeprintDb } from '$lib/db/db';
import { findDatasetVersion, storeDatasetVersion } from '$lib/db/datasets';
import { allSchemas, customWorkspace } from '$lib/db/workspaces';
import { analyzeCsv, type ImportAnalysis } from '$lib/engine/data/importCsv';
import { EngineError } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import type { CsvInput } from '$lib/engine/data/csv';
import type { AnalyzeResult, CommitResult } from './api';

/** Analysed imports held in this worker until committed or discarded (one at a time). */
const pending = new Map<string, { analysis: ImportAnalysis; createsWorkspace: boolean }>();

/** Parses and validates a CSV against the known schemas and holds the result for `commitImport`. */
export async function analyzeImport(
  db: SporeprintDb,
  input: CsvInput,
  name: string,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
  classColumn?: string,
): Promise<AnalyzeResult> {
  const schemas = await allSchemas(db);
  const analysis = await analyzeCsv(input, { sourceName: name, schemas, signal, onProgress, classColumn });
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
}

/** Stores the accepted rows of an analysed import in one transaction (and its new workspace, if any). */
export async function commitImport(db: SporeprintDb, importId: string, options: { workspaceName?: string } = {}): Promise<CommitResult> {
  const job = pending.get(importId);
  if (!job) throw new EngineError('not-found', 'This import is no longer pending; analyse the file again.');
  const { analysis, createsWorkspace } = job;
  if (analysis.dataset.rows === 0) throw new EngineError('no-valid-rows', 'No valid rows to import.');
  const workspace = createsWorkspace ? customWorkspace(analysis.schema, options.workspaceName?.trim() || analysis.schema.name) : undefined;
  const result = await storeDatasetVersion(db, analysis.schema.id, analysis, workspace);
  pending.delete(importId);
  return { status: result.status, versionId: result.version.id!, workspaceId: analysis.schema.id, rows: result.version.rows };
}

export function discardImport(importId: string): void {
  pending.delete(importId);
}
