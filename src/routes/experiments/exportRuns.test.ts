import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import type { RunRow } from '$lib/db/db';
import { runsToCsv } from './exportRuns';

const run = (over: Partial<RunRow>): RunRow => ({
  id: 7,
  workspaceId: 'uci',
  datasetVersionId: 1,
  dataSha256: 'ab',
  appVersion: '0.1.0',
  kind: 'mlp',
  params: { hidden: [64, 32] },
  seed: 42,
  status: 'finished',
  startedAt: Date.UTC(2026, 10, 27),
  durationMs: 1234,
  epochs: [],
  steps: [],
  log: [],
  ...over,
});

describe('runs export', () => {
  it('goes through the one CSV writer: formulas defused, parameters as JSON, numbers as numbers', () => {
    const text = runsToCsv([run({ workspaceId: '=HYPERLINK("x")', params: { note: 'a, "b"' } })]);
    const [head, row] = Papa.parse<string[]>(text.trim()).data;
    const col = (name: string) => row[head.indexOf(name)];
    expect(col('workspace')).toBe(`'=HYPERLINK("x")`);
    expect(JSON.parse(col('params'))).toEqual({ note: 'a, "b"' });
    expect(col('durationMs')).toBe('1234');
    expect(col('startedAt')).toBe('2026-11-27T00:00:00.000Z');
    expect(col('test_mcc')).toBe(''); // no evaluation: empty, not "undefined"
  });
});
