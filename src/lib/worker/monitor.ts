import type { ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { getProduction, loadBundle } from '$lib/db/registry';
import { getAlertRules, storeAlerts } from '$lib/db/monitor';
import { workspaceSchema } from '$lib/db/workspaces';
import { loadDataset } from '$lib/db/datasets';
import type { DatasetProfile } from '$lib/engine/data/profile';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { EngineError } from '$lib/engine/errors';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import { loadModel } from '$lib/engine/ml/families';
import { loadPca } from '$lib/engine/ml/pca';
import { Preprocessor } from '$lib/engine/ml/preprocess';
import { DEFAULT_SPLIT, stratifiedSplit, takeDatasetRows } from '$lib/engine/ml/split';
import { evaluateAlerts, type AlertRules, type FiredAlert } from '$lib/engine/monitor/alerts';
import type { DriftOptions } from '$lib/engine/monitor/driftTypes';
import { referenceFromData, referenceFromProfile, type MonitorReference } from '$lib/engine/monitor/reference';
import { buildMonitorReport, type MonitorReport, type MonitorWindow, type ProductionRows, type WindowRequest } from '$lib/engine/monitor/report';
import { readHistoryRows, readWindowRows } from '$lib/db/productionRows';
import { initTfjs } from './tfjsBackend';
import type { MonitorResult } from './api';

async function describeWindow(db: SporeprintDb, req: WindowRequest, rows: ProductionRows): Promise<MonitorWindow> {
  const last = rows.rows ? rows.createdAt[rows.rows - 1] : 0;
  // A sliding window changes with every prediction: it raises each rule at most once an hour.
  if (req.kind === 'last') return { kind: 'last', key: `last:${req.n}:${Math.floor(last / 3_600_000)}`, label: `the last ${rows.rows.toLocaleString('en')} production rows` };
  if (req.kind === 'range') {
    const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
    return { kind: 'range', key: `range:${req.from}:${req.to}:${rows.rows}`, label: `production rows from ${day(req.from)} to ${day(req.to)} UTC` };
  }
  const batch = await db.predictionBatches.get(req.batchId);
  return { kind: 'batch', key: `batch:${req.batchId}`, label: `batch #${req.batchId} (${batch?.source ?? 'deleted'})` };
}

/**
 * References from a version's training data, by version and data: such a reference never changes,
 * and reading it back from IndexedDB was a fifth of a 12k-row window's report.
 */
const fromData = new Map<string, MonitorReference>();

/**
 * The production version's monitoring reference, computed once and cached: from its training split
 * when the data it was trained on is in IndexedDB (same SHA-256), else from its stored profile.
 */
async function monitorReference(db: SporeprintDb, schema: WorkspaceSchema, version: ModelVersionRow, bundle: ModelBundle, pre: Preprocessor): Promise<MonitorReference> {
  const key = `${version.id}:${version.createdAt}:${bundle.data.sha256}`;
  const held = fromData.get(key);
  if (held) return held;
  const reference = await storedReference(db, schema, version, bundle, pre);
  if (reference.source === 'data') fromData.set(key, reference);
  return reference;
}

async function storedReference(db: SporeprintDb, schema: WorkspaceSchema, version: ModelVersionRow, bundle: ModelBundle, pre: Preprocessor): Promise<MonitorReference> {
  const cached = await db.monitorReferences.get(version.id!);
  const data = await db.datasetVersions.where('[workspaceId+sha256]').equals([schema.id, bundle.data.sha256]).first();
  // A profile-based reference is replaced as soon as the training data is imported.
  if (cached && (cached.reference.source === 'data' || !data)) return cached.reference;
  let reference: MonitorReference;
  if (data) {
    const ds = await loadDataset(db, data.id!);
    const train = takeDatasetRows(ds, stratifiedSplit(ds.label, DEFAULT_SPLIT, bundle.seed).train);
    await initTfjs();
    const model = await loadModel(bundle.model);
    try {
      reference = await referenceFromData(train, pre, loadPca(bundle.pca), (x) => model.predictProba(x));
    } finally {
      model.dispose();
    }
  } else {
    reference = referenceFromProfile(bundle.referenceProfile as DatasetProfile);
  }
  await db.monitorReferences.put({ versionId: version.id!, createdAt: Date.now(), reference });
  return reference;
}

/** One report for one window of the production version, and the alerts it raises (stored). */
export async function computeMonitor(db: SporeprintDb, workspaceId: string, req: WindowRequest, options: DriftOptions = {}): Promise<MonitorResult> {
  const started = performance.now();
  const schema = await workspaceSchema(db, workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  const production = await getProduction(db, workspaceId);
  if (!production) throw new EngineError('not-found', 'No production model in this workspace: there is nothing to monitor.');
  const bundle = await loadBundle(db, production.id!);
  const pre = Preprocessor.load(schema, bundle.preprocessor);
  const reference = await monitorReference(db, schema, production, bundle, pre);
  const [current, history, rules] = [await readWindowRows(db, schema, req), await readHistoryRows(db, schema), await getAlertRules(db)];
  const report = buildMonitorReport({
    schema,
    workspaceName: schema.name,
    version: { id: production.id!, number: production.version, edibleAbove: bundle.threshold.edibleAbove },
    reference,
    pre,
    pca: loadPca(bundle.pca),
    window: await describeWindow(db, req, current),
    current,
    history,
    options,
    shareThreshold: rules.driftShare,
  });
  report.timings.totalMs = Math.round(performance.now() - started);
  return { report, raised: current.rows ? await raiseAlerts(db, report, rules) : [] };
}

async function raiseAlerts(db: SporeprintDb, report: MonitorReport, rules: AlertRules): Promise<FiredAlert[]> {
  const rows = evaluateAlerts(report, rules).map((a) => ({
    ...a,
    workspaceId: report.workspace.id,
    at: report.createdAt,
    windowLabel: report.window.label,
    // A quality rule fires once per window and version: one version's alert must not hide another's.
    key: `${report.workspace.id}:${a.rule}:${report.window.key}${a.version === null ? '' : `:v${a.version}`}`,
  }));
  return (await storeAlerts(db, rows)).map(({ rule, version, message, values }) => ({ rule, version, message, values }));
}
