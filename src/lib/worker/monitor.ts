import type { ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { getProduction, loadBundle } from '$lib/db/registry';
import { getAlertRules, storeAlerts } from '$lib/db/monitor';
import { workspaceSchema } from '$lib/db/workspaces';
import { loadDataset } from '$lib/db/datasets';
import { MISSING_CODE, type ColumnData } from '$lib/engine/data/dataset';
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
import { NO_FEEDBACK } from '$lib/engine/data/dataset';
import { buildMonitorReport, type MonitorReport, type MonitorWindow, type ProductionRows, type WindowRequest } from '$lib/engine/monitor/report';
import { initTfjs } from './tfjsBackend';
import type { MonitorResult } from './api';

/**
 * Every production row of a workspace, oldest first, as typed columns: single predictions (their
 * form input) and batch files (their stored columns), with answer, version and expert label.
 * `batchOf` says which batch a row came from (0 = the form).
 */
export async function loadProductionRows(db: SporeprintDb, schema: WorkspaceSchema): Promise<ProductionRows & { batchOf: Int32Array }> {
  const ws = schema.id;
  const singles = await db.predictions.where('[workspaceId+createdAt]').between([ws, -Infinity], [ws, Infinity]).toArray();
  const batches = await db.predictionBatches.where('[workspaceId+createdAt]').between([ws, -Infinity], [ws, Infinity]).toArray();
  const labels = new Map((await db.batchFeedback.where('workspaceId').equals(ws).toArray()).map((f) => [f.batchId, f.label]));
  type Part = { at: number; single?: (typeof singles)[number]; batch?: (typeof batches)[number] };
  const parts: Part[] = [...singles.map((single) => ({ at: single.createdAt, single })), ...batches.map((batch) => ({ at: batch.createdAt, batch }))].sort((a, b) => a.at - b.at);
  const n = parts.reduce((sum, p) => sum + (p.batch ? p.batch.rows : 1), 0);

  const columns: ColumnData[] = schema.features.map((f) =>
    f.kind === 'numeric' ? { name: f.name, kind: 'numeric', values: new Float64Array(n) } : { name: f.name, kind: 'categorical', values: new Uint8Array(n) },
  );
  const codeIndex = schema.features.map((f) =>
    f.kind === 'categorical'
      ? new Map(
          f.codes.flatMap(
            (c, i) =>
              [
                [c.code, i],
                [c.label, i],
              ] as [string, number][],
          ),
        )
      : null,
  );
  const out = {
    rows: n,
    columns,
    pPoisonous: new Float32Array(n),
    calledEdible: new Uint8Array(n),
    feedback: new Uint8Array(n).fill(NO_FEEDBACK),
    versionId: new Int32Array(n),
    version: new Int32Array(n),
    createdAt: new Float64Array(n),
    batchOf: new Int32Array(n),
  };
  let r = 0;
  for (const p of parts) {
    if (p.single) {
      const s = p.single;
      schema.features.forEach((f, j) => {
        const raw = s.input[f.name];
        const empty = raw === null || raw === undefined || raw === '';
        if (f.kind === 'numeric') (columns[j].values as Float64Array)[r] = empty ? NaN : Number(raw);
        else (columns[j].values as Uint8Array)[r] = empty ? MISSING_CODE : (codeIndex[j]!.get(String(raw)) ?? MISSING_CODE);
      });
      out.pPoisonous[r] = s.pPoisonous;
      out.calledEdible[r] = s.decision === 'edible' ? 1 : 0;
      if (s.feedback) out.feedback[r] = s.feedback.label;
      out.versionId[r] = s.versionId;
      out.version[r] = s.version;
      out.createdAt[r] = s.createdAt;
      r++;
    } else {
      const b = p.batch!;
      b.columns.forEach((c, j) => (columns[j].values as Uint8Array | Float64Array).set(c.values as never, r));
      out.pPoisonous.set(b.pPoisonous, r);
      for (let i = 0; i < b.rows; i++) out.calledEdible[r + i] = b.decision[i] === 0 ? 1 : 0;
      const fb = labels.get(b.id!);
      if (fb) out.feedback.set(fb, r);
      out.versionId.fill(b.versionId, r, r + b.rows);
      out.version.fill(b.version, r, r + b.rows);
      // Split A/B rows the challenger answered are the challenger's (shadow answers were never shown: not counted).
      const ab = b.ab;
      if (ab) {
        for (let i = 0; i < b.rows; i++) {
          if (!ab.arm[i]) continue;
          out.versionId[r + i] = ab.challengerVersionId;
          out.version[r + i] = ab.challengerVersion;
        }
      }
      out.createdAt.fill(b.createdAt, r, r + b.rows);
      out.batchOf.fill(b.id!, r, r + b.rows);
      r += b.rows;
    }
  }
  return out;
}

/** The rows of a window, in order. */
function selectWindow(all: ProductionRows & { batchOf: Int32Array }, req: WindowRequest): ProductionRows {
  const inWindow =
    req.kind === 'last'
      ? (i: number) => i >= all.rows - req.n
      : req.kind === 'range'
        ? (i: number) => all.createdAt[i] >= req.from && all.createdAt[i] <= req.to
        : (i: number) => all.batchOf[i] === req.batchId;
  const keep: number[] = [];
  for (let i = 0; i < all.rows; i++) if (inWindow(i)) keep.push(i);
  const idx = Uint32Array.from(keep);
  const pick = <T extends Uint8Array | Float32Array | Float64Array | Int32Array>(a: T): T => {
    const o = new (a.constructor as new (n: number) => T)(idx.length);
    for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]];
    return o;
  };
  return {
    rows: idx.length,
    columns: all.columns.map((c) => ({ ...c, values: pick(c.values) }) as ColumnData),
    pPoisonous: pick(all.pPoisonous),
    calledEdible: pick(all.calledEdible),
    feedback: pick(all.feedback),
    versionId: pick(all.versionId),
    version: pick(all.version),
    createdAt: pick(all.createdAt),
  };
}

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
 * The production version's monitoring reference, computed once and cached: from its training split
 * when the data it was trained on is in IndexedDB (same SHA-256), else from its stored profile.
 */
async function monitorReference(db: SporeprintDb, schema: WorkspaceSchema, version: ModelVersionRow, bundle: ModelBundle, pre: Preprocessor): Promise<MonitorReference> {
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
  const [reference, all, rules] = [await monitorReference(db, schema, production, bundle, pre), await loadProductionRows(db, schema), await getAlertRules(db)];
  const current = selectWindow(all, req);
  const report = buildMonitorReport({
    schema,
    workspaceName: schema.name,
    version: { id: production.id!, number: production.version, edibleAbove: bundle.threshold.edibleAbove },
    reference,
    pre,
    pca: loadPca(bundle.pca),
    window: await describeWindow(db, req, current),
    current,
    history: all,
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
