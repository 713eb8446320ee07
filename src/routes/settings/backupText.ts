import type { BackupWorkspace, MergeConflict, MergeSummary, TableCounts } from '$lib/worker/api';
import type { BackupTable } from '$lib/engine/backup/tables';

const n = (x: number) => x.toLocaleString('en-GB');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

export function formatWhen(at: number): string {
  return new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** The tables a person cares about, in the order they read them; the rest are parts of these. */
const SHOWN: [BackupTable, string, string?][] = [
  ['datasetVersions', 'data version'],
  ['modelVersions', 'model version'],
  ['runs', 'training run'],
  ['predictions', 'single prediction'],
  ['predictionBatches', 'batch file'],
  ['abTests', 'A/B test'],
  ['alerts', 'alert'],
  ['monitorSnapshots', 'saved report'],
];

/** "4 single predictions (2 with an expert's label)", … — what a scope holds, in words. */
export function countsText(c: TableCounts): string[] {
  const t = c.tables;
  const out: string[] = [];
  for (const [table, one] of SHOWN) {
    const x = t[table] ?? 0;
    if (!x) continue;
    if (table === 'predictions') out.push(`${plural(x, one)} (${n(c.feedback)} with an expert’s label)`);
    else if (table === 'predictionBatches') out.push(`${plural(x, one)}${c.batchLabels ? ` (${plural(c.batchLabels, 'row')} labelled)` : ''}`);
    else if (table === 'modelVersions') out.push(`${plural(x, one)} with ${t.modelBundles === x ? 'their' : n(t.modelBundles ?? 0)} weights`);
    else out.push(plural(x, one));
  }
  const settings = t.settings ?? 0;
  if (settings) out.push(plural(settings, 'setting'));
  return out;
}

export function isEmpty(c: TableCounts): boolean {
  return Object.values(c.tables).every((x) => !x);
}

/** What one workspace of a file holds, from its header. */
export function workspaceText(w: BackupWorkspace): string[] {
  const out = countsText({ tables: w.counts, feedback: w.feedback, batchLabels: w.batchLabels });
  const data = w.dataVersions.map((d) => `${n(d.rows)} rows from ${d.sourceName} (SHA-256 ${d.sha256.slice(0, 12)}…)`);
  const models = w.models.map((m) => `v${m.version} ${m.kind} (${m.stage}${m.source === 'shipped' ? ', shipped' : ''})`);
  if (data.length) out.push(`Data: ${data.join('; ')}`);
  if (models.length) out.push(`Models: ${models.join(', ')}`);
  return out;
}

export function mergeText(s: MergeSummary, k: number): string[] {
  const add = (table: BackupTable, one: string) => {
    const a = s.added[table as keyof typeof s.added] ?? 0;
    const j = s.joined[table as keyof typeof s.joined] ?? 0;
    return a || j ? `${plural(a, one)} added${j ? `, ${n(j)} already here` : ''}` : null;
  };
  const lines = [
    add('predictions', 'single prediction'),
    `${plural(s.feedbackAdded, 'new expert label')}${s.feedbackSame ? ` (${n(s.feedbackSame)} the same as here)` : ''}`,
    add('predictionBatches', 'batch file'),
    s.batchLabelRowsAdded ? `${plural(s.batchLabelRowsAdded, 'labelled batch row')} added` : null,
    add('datasetVersions', 'data version'),
    add('modelVersions', 'model version'),
    add('runs', 'training run'),
    add('abTests', 'A/B test'),
    add('alerts', 'alert'),
    add('monitorSnapshots', 'saved report'),
    `Feedback waiting for the next retraining afterwards: ${n(s.pendingAfter)} (one retraining every ${n(k)}).`,
  ];
  return lines.filter((l): l is string => l !== null);
}

const label = (l: 0 | 1) => (l === 1 ? 'poisonous' : 'edible');

export function conflictText(c: MergeConflict): string {
  switch (c.kind) {
    case 'feedback':
      return `Prediction of ${formatWhen(c.createdAt)}: labelled ${label(c.here.label)} here (${formatWhen(c.here.at)}), ${label(c.file.label)} in the file (${formatWhen(c.file.at)}) — keeps ${c.keeps === 'here' ? `this browser's “${label(c.here.label)}”` : `the file's “${label(c.file.label)}”`}.`;
    case 'version':
      return `Model v${c.fileVersion} of the file (${c.modelKind}, ${c.fileStage}) becomes v${c.version} here${c.stage !== c.fileStage ? `, in ${c.stage}: this browser's production version keeps serving` : ''}.`;
    case 'running-ab-test':
      return `An A/B test still running in the file is left out: its ${plural(c.predictions, 'prediction')} and ${plural(c.batches, 'batch file')} arrive without their arm.`;
    case 'newest-data':
      return `The file brings data newer than any here (${n(c.rows)} rows, SHA-256 ${c.sha256.slice(0, 12)}…, of ${formatWhen(c.createdAt)}): the next retraining learns from it.`;
  }
}
