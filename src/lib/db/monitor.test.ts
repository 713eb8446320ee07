import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnsweringVersion } from '$lib/engine/monitor/answeredBy';
import type { MonitorReport } from '$lib/engine/monitor/report';
import { SporeprintDb } from './db';
import { listSnapshots, saveSnapshot } from './monitor';

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`monitor-db-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

const answered = (version: number, rows: number): AnsweringVersion => ({
  versionId: version + 10,
  version,
  rows,
  actual: null,
  estimated: { rows, skipped: 0, accuracy: 0.99, standardError: null, lower: null, upper: null, calledEdible: 0, expectedFalseEdible: 0 },
});

/** Only what the snapshot store reads: the rest of a report is carried as it is. */
const report = (answeredBy: AnsweringVersion[] | undefined, rows = 1500) =>
  ({
    workspace: { id: 'uci', name: 'UCI' },
    version: { id: 13, number: 3, edibleAbove: 0.9 },
    window: { kind: 'last', key: 'last:1500:0', label: 'the last 1,500 production rows', rows, from: 0, to: 1 },
    ...(answeredBy ? { answeredBy } : {}),
  }) as unknown as MonitorReport;

describe('monitor snapshots', () => {
  it('labels a saved report with the versions that answered its window, not with the production version', async () => {
    await saveSnapshot(db, report([answered(3, 1200), answered(2, 300)]));
    await saveSnapshot(db, report([], 0));
    const labels = (await listSnapshots(db, 'uci')).map((s) => s.label).sort();
    expect(labels).toEqual(['the last 1,500 production rows · answered by v3 (1,200) and v2 (300)', 'the last 1,500 production rows · no rows']);
  });

  it('gives a report saved before reports named who answered an empty list, which reads "not recorded"', async () => {
    await db.monitorSnapshots.add({ workspaceId: 'uci', createdAt: 1, label: 'the last 1,500 production rows · v3', report: report(undefined) });
    const [old] = await listSnapshots(db, 'uci');
    expect(old.report.answeredBy).toEqual([]);
    expect(old.label).toBe('the last 1,500 production rows · v3');
  });
});
