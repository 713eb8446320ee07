/**
 * Merging a backup of one workspace into the same workspace here (several phones pooling their
 * feedback into the teacher's): which rows of the file join rows already here, which are added with
 * new ids, which labels change, and every conflict — all decided here, before anything is written,
 * so the user reviews exactly what will happen.
 */
import type { ModelStage } from '../ml/bundle';
import { AUTO_ID_TABLES, type AutoIdTable } from './tables';
import { emptyIdMaps, type IdMaps } from './remap';

export type Label = 0 | 1;

export interface FeedbackMark {
  label: Label;
  at: number;
  usedByRun?: number;
}

/** One workspace's rows, as far as merging needs them: ids and what identifies each row. */
export interface MergeSide {
  dataVersions: { id: number; sha256: string; rows: number; createdAt: number }[];
  models: { id: number; version: number; identity: string; stage: ModelStage; kind: string }[];
  runs: { id: number; identity: string }[];
  abTests: { id: number; identity: string; status: 'running' | 'concluded' }[];
  predictions: { id: number; uid: string; createdAt: number; feedback?: FeedbackMark; abTestId?: number }[];
  batches: { id: number; uid: string; labelled: boolean; labelRows: number; abTestId?: number }[];
  alerts: { id: number; identity: string }[];
  snapshots: { id: number; identity: string }[];
}

export interface HereSide extends MergeSide {
  /** The highest id in use in each table, across every workspace: added rows are numbered above it. */
  maxIds: Record<AutoIdTable, number>;
  /** The number the workspace's next model version gets (never reuses one). */
  nextVersion: number;
  /** Feedback waiting for this workspace's next retraining. */
  pendingFeedback: number;
}

/** Which label stays when both sides labelled the same prediction differently. */
export type FeedbackPolicy = 'newer' | 'here' | 'file';

export type MergeConflict =
  | { kind: 'feedback'; uid: string; createdAt: number; here: { label: Label; at: number }; file: { label: Label; at: number }; keeps: 'here' | 'file' }
  | { kind: 'version'; fileVersion: number; version: number; modelKind: string; fileStage: ModelStage; stage: ModelStage }
  | { kind: 'running-ab-test'; predictions: number; batches: number }
  | { kind: 'newest-data'; sha256: string; rows: number; createdAt: number };

export interface MergeSummary {
  added: Record<AutoIdTable, number>;
  joined: Record<AutoIdTable, number>;
  /** Labels new to this workspace (single predictions): they count towards k. */
  feedbackAdded: number;
  /** Labels the file shares with this workspace already. */
  feedbackSame: number;
  batchLabelRowsAdded: number;
  /** Feedback waiting for the next retraining once merged. */
  pendingAfter: number;
}

export interface MergePlan {
  maps: IdMaps;
  /** Rows of the file to write (their ids in the file); every other row of the file joins one here. */
  insert: Record<AutoIdTable, number[]>;
  /** Batches of the file whose labels are written: new batches, and batches here without labels. */
  batchLabels: number[];
  /** Predictions here that take the file's label (ids here). */
  feedback: { id: number; label: Label; at: number }[];
  /** Model versions added: their stage here and the note added to their history. */
  versions: { fileId: number; version: number; stage: ModelStage; note: string }[];
  /** The registry's counter once merged (the highest version number given). */
  versionCounter: number;
  conflicts: MergeConflict[];
  summary: MergeSummary;
}

const zeroes = () => Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, 0])) as Record<AutoIdTable, number>;
const lists = () => Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, [] as number[]])) as Record<AutoIdTable, number[]>;

/** Joins rows of `file` to rows `here` with the same identity; the others are to be inserted. */
function joinBy<T extends { id: number }>(table: AutoIdTable, file: T[], here: T[], key: (r: T) => string, plan: MergePlan): T[] {
  const byKey = new Map(here.map((r) => [key(r), r.id]));
  const added: T[] = [];
  for (const r of file) {
    const id = byKey.get(key(r));
    if (id !== undefined) {
      plan.maps.ids[table].set(r.id, id);
      plan.summary.joined[table]++;
    } else added.push(r);
  }
  return added;
}

/**
 * Plans merging `file` (one workspace of a backup) into the same workspace `here`. `source` names the
 * backup in the history of the model versions it adds ("merged from backup X, was v3").
 */
export function planMerge(file: MergeSide, here: HereSide, policy: FeedbackPolicy, source: string): MergePlan {
  const plan: MergePlan = {
    maps: emptyIdMaps(),
    insert: lists(),
    batchLabels: [],
    feedback: [],
    versions: [],
    versionCounter: here.nextVersion - 1,
    conflicts: [],
    summary: { added: zeroes(), joined: zeroes(), feedbackAdded: 0, feedbackSame: 0, batchLabelRowsAdded: 0, pendingAfter: here.pendingFeedback },
  };
  const insert = (table: AutoIdTable, rows: { id: number }[]) => {
    plan.insert[table] = rows.map((r) => r.id);
    plan.summary.added[table] = rows.length;
  };

  // Data versions are their content: the same SHA-256 is the same data.
  const newData = joinBy('datasetVersions', file.dataVersions, here.dataVersions, (d) => d.sha256, plan);
  insert('datasetVersions', newData);
  const newestHere = here.dataVersions.reduce((m, d) => Math.max(m, d.createdAt), -Infinity);
  const newest = newData.reduce<(typeof newData)[number] | null>((m, d) => (d.createdAt > (m?.createdAt ?? newestHere) ? d : m), null);
  if (newest) plan.conflicts.push({ kind: 'newest-data', sha256: newest.sha256, rows: newest.rows, createdAt: newest.createdAt });

  insert(
    'runs',
    joinBy('runs', file.runs, here.runs, (r) => r.identity, plan),
  );
  insert(
    'alerts',
    joinBy('alerts', file.alerts, here.alerts, (a) => a.identity, plan),
  );
  insert(
    'monitorSnapshots',
    joinBy('monitorSnapshots', file.snapshots, here.snapshots, (s) => s.identity, plan),
  );

  planAbTests(file, here, plan, insert);
  planModels(file, here, plan, source);
  planPredictions(file, here, plan, policy);

  planBatches(file, here, plan, insert);

  for (const t of AUTO_ID_TABLES) {
    let top = here.maxIds[t];
    for (const id of plan.insert[t]) plan.maps.ids[t].set(id, ++top);
  }
  return plan;
}

type Insert = (table: AutoIdTable, rows: { id: number }[]) => void;

/**
 * A test still running on the other device cannot go on here (one running test per workspace, routed
 * by its own id): it is left out, and its rows arrive without their arm.
 */
function planAbTests(file: MergeSide, here: HereSide, plan: MergePlan, insert: Insert): void {
  const tests = joinBy('abTests', file.abTests, here.abTests, (t) => t.identity, plan);
  const running = new Set(tests.filter((t) => t.status === 'running').map((t) => t.id));
  insert(
    'abTests',
    tests.filter((t) => !running.has(t.id)),
  );
  if (running.size) {
    plan.conflicts.push({
      kind: 'running-ab-test',
      predictions: file.predictions.filter((p) => p.abTestId !== undefined && running.has(p.abTestId)).length,
      batches: file.batches.filter((b) => b.abTestId !== undefined && running.has(b.abTestId)).length,
    });
  }
}

/** Batches join by uid; labels given on the other device to a batch both sides hold are added to ours. */
function planBatches(file: MergeSide, here: HereSide, plan: MergePlan, insert: Insert): void {
  const newBatches = joinBy('predictionBatches', file.batches, here.batches, (b) => b.uid, plan);
  insert('predictionBatches', newBatches);
  const labelledHere = new Map(here.batches.map((b) => [b.uid, b.labelled]));
  for (const b of file.batches) {
    if (b.labelled && !labelledHere.get(b.uid)) {
      plan.batchLabels.push(b.id);
      plan.summary.batchLabelRowsAdded += b.labelRows;
    }
  }
  plan.summary.pendingAfter += plan.summary.batchLabelRowsAdded;
}

function planModels(file: MergeSide, here: HereSide, plan: MergePlan, source: string): void {
  const { maps } = plan;
  const hereById = new Map(here.models.map((m) => [m.id, m]));
  const added = joinBy('modelVersions', file.models, here.models, (m) => m.identity, plan);
  for (const m of file.models) {
    const joined = maps.ids.modelVersions.get(m.id);
    if (joined === undefined) continue;
    const v = hereById.get(joined)!.version;
    maps.versionNumberById.set(m.id, v);
    maps.versionNumber.set(m.version, v);
  }
  plan.insert.modelVersions = added.map((m) => m.id);
  plan.summary.added.modelVersions = added.length;
  // Added versions never take over serving: this workspace's production version stays live.
  let production = here.models.some((m) => m.stage === 'production');
  let next = here.nextVersion;
  for (const m of [...added].sort((a, b) => a.version - b.version)) {
    const version = next++;
    const stage: ModelStage = m.stage === 'production' && production ? 'staging' : m.stage;
    if (stage === 'production') production = true;
    maps.versionNumberById.set(m.id, version);
    maps.versionNumber.set(m.version, version);
    const was = stage === m.stage ? `v${m.version}` : `v${m.version} (${m.stage})`;
    plan.versions.push({ fileId: m.id, version, stage, note: `Merged from ${source}: was ${was} there.` });
    if (version !== m.version || stage !== m.stage) {
      plan.conflicts.push({ kind: 'version', fileVersion: m.version, version, modelKind: m.kind, fileStage: m.stage, stage });
    }
  }
  plan.versionCounter = next - 1;
}

function planPredictions(file: MergeSide, here: HereSide, plan: MergePlan, policy: FeedbackPolicy): void {
  const hereByUid = new Map(here.predictions.map((p) => [p.uid, p]));
  const added: MergeSide['predictions'] = [];
  const s = plan.summary;
  for (const p of file.predictions) {
    const h = hereByUid.get(p.uid);
    if (!h) {
      added.push(p);
      if (p.feedback) {
        s.feedbackAdded++;
        s.pendingAfter++; // arrives waiting: no retraining here has learnt from it
      }
      continue;
    }
    plan.maps.ids.predictions.set(p.id, h.id);
    s.joined.predictions++;
    if (!p.feedback) continue;
    if (!h.feedback) {
      plan.feedback.push({ id: h.id, label: p.feedback.label, at: p.feedback.at });
      s.feedbackAdded++;
      s.pendingAfter++;
    } else if (h.feedback.label === p.feedback.label) {
      s.feedbackSame++;
    } else {
      const keeps = policy === 'here' ? 'here' : policy === 'file' ? 'file' : p.feedback.at > h.feedback.at ? 'file' : 'here';
      plan.conflicts.push({
        kind: 'feedback',
        uid: p.uid,
        createdAt: h.createdAt,
        here: { label: h.feedback.label, at: h.feedback.at },
        file: { label: p.feedback.label, at: p.feedback.at },
        keeps,
      });
      if (keeps === 'file') {
        plan.feedback.push({ id: h.id, label: p.feedback.label, at: p.feedback.at });
        // A changed label counts again, as when an expert edits one (db/feedback.ts setFeedback).
        if (h.feedback.usedByRun !== undefined) s.pendingAfter++;
      }
    }
  }
  plan.insert.predictions = added.map((p) => p.id);
  s.added.predictions = added.length;
}

/**
 * What a review showed: a merge is confirmed only while its conflicts are still these (predictions
 * logged meanwhile change counts, not what the user agreed to).
 */
export function conflictSignature(plan: Pick<MergePlan, 'conflicts'>): string {
  return JSON.stringify(plan.conflicts);
}
