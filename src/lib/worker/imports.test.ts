// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb } from '$lib/db/db';
import { listDatasetVersions } from '$lib/db/datasets';
import { analyzeImport, commitImport, discardImport } from './imports';

const uciCsv = readFileSync(new URL('../../../data/samples/uci-synthetic.csv', import.meta.url), 'utf8');
const signal = new AbortController().signal;

let db: SporeprintDb;
let n = 0;
beforeEach(() => {
  db = new SporeprintDb(`imports-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

describe('analyzeImport and commitImport', () => {
  it('stores an analysed import once, and reports the same content again as a duplicate', async () => {
    const first = await analyzeImport(db, uciCsv, 'uci.csv', signal);
    expect(first).toMatchObject({ workspaceId: 'uci', createsWorkspace: false, existingVersionId: null });
    const stored = await commitImport(db, first.importId);
    expect(stored).toMatchObject({ status: 'stored', workspaceId: 'uci', rows: 400 }); // the sample's 400 valid rows
    expect((await listDatasetVersions(db, 'uci')).map((v) => v.id)).toEqual([stored.versionId]);
    // Committed: the handle is spent.
    await expect(commitImport(db, first.importId)).rejects.toMatchObject({ code: 'not-found' });

    const again = await analyzeImport(db, uciCsv, 'uci.csv', signal);
    expect(again.existingVersionId).toBe(stored.versionId);
    expect(await commitImport(db, again.importId)).toMatchObject({ status: 'duplicate', versionId: stored.versionId });
  });

  it('holds one pending import: a new analysis replaces the previous one, and a discarded one cannot be committed', async () => {
    const a = await analyzeImport(db, uciCsv, 'a.csv', signal);
    const b = await analyzeImport(db, uciCsv, 'b.csv', signal);
    await expect(commitImport(db, a.importId)).rejects.toMatchObject({ code: 'not-found' });
    discardImport(b.importId);
    await expect(commitImport(db, b.importId)).rejects.toMatchObject({ code: 'not-found' });
    expect(await listDatasetVersions(db, 'uci')).toEqual([]);
  });
});
