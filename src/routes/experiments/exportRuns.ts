import type { RunRow } from '$lib/db/db';
import { toCsv } from '$lib/engine/data/csvExport';

const METRIC_KEYS = ['falseEdible', 'accuracy', 'precision', 'recall', 'f1', 'balancedAccuracy', 'mcc', 'rocAuc', 'logLoss', 'brier', 'averagePrecision'] as const;

/** One row per run: identity, parameters as JSON, and the test metrics at 0.5 and at the safety threshold. */
export function runsToCsv(runs: RunRow[]): string {
  const head = [
    'run',
    'workspace',
    'kind',
    'status',
    'seed',
    'dataSha256',
    'appVersion',
    'startedAt',
    'durationMs',
    'params',
    'edibleAbove',
    ...METRIC_KEYS.map((k) => `test_${k}`),
    ...METRIC_KEYS.map((k) => `safety_${k}`),
  ];
  const rows = runs.map((r) => [
    r.id,
    r.workspaceId,
    r.kind,
    r.status,
    r.seed,
    r.dataSha256,
    r.appVersion,
    new Date(r.startedAt).toISOString(),
    r.durationMs,
    r.params,
    r.threshold?.edibleAbove,
    ...METRIC_KEYS.map((k) => r.evaluation?.atHalf[k]),
    ...METRIC_KEYS.map((k) => r.evaluation?.atSafety[k]),
  ]);
  return toCsv(head, rows);
}
