// fake-indexeddb must install its globals before Dexie loads: Dexie reads `indexedDB` once, at import.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, SporeprintDb } from './db';
import { deleteDatasetVersion, findDatasetVersion, listDatasetVersions, loadDataset, storeDatasetVersion } from './datasets';
import { getSetting, setSetting } from './settings';
import { storageError } from './storageErrors';
import { customWorkspace, listWorkspaces } from './workspaces';
import { analyzeCsv } from '$lib/engine/data/importCsv';
import { BUILTIN_SCHEMAS, builtinSchema } from '$lib/engine/data/builtinSchemas';
import { MISSING_CODE, splitIntoChunks, type Dataset } from '$lib/engine/data/dataset';
import { EngineError } from '$lib/engine/errors';

const schemas = [...BUILTIN_SCHEMAS];
const uci = builtinSchema('uci')!;
const sec = builtinSchema('secondary')!;
const csv = (rows: string[][], sep = ',') => rows.map((r) => r.join(sep)).join('\n') + '\n';
const analyze = (text: string, name = 'test.csv') => analyzeCsv(text, { sourceName: name, schemas });

/*
 * Synthetic rows whose every cell follows from the row number i (0-based), so the expected
 * data set is built independently of the import code:
 * class p on odd rows; a categorical cell is code i % (number of codes).
 */
function secRow(i: number): string[] {
  return [
    i % 2 ? 'p' : 'e',
    ...sec.features.map((f) => {
      if (f.kind === 'numeric') {
        if (f.name === 'cap-diameter') return i % 4 === 1 ? '' : String(i + 0.25); // missing on rows 1, 5, 9…
        if (f.name === 'stem-height') return String(i * 2);
        return '10';
      }
      if (f.name === 'stem-root' && i % 3 === 2) return '?'; // missing on rows 2, 5, 8…
      return f.codes[i % f.codes.length].code;
    }),
  ];
}

function secExpected(n: number): Dataset {
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    rows: n,
    label: new Uint8Array(idx.map((i) => i % 2)),
    columns: sec.features.map((f) => {
      if (f.kind === 'numeric') {
        const v = idx.map((i) => (f.name === 'cap-diameter' ? (i % 4 === 1 ? NaN : i + 0.25) : f.name === 'stem-height' ? i * 2 : 10));
        return { name: f.name, kind: 'numeric', values: new Float64Array(v) };
      }
      const v = idx.map((i) => (f.name === 'stem-root' && i % 3 === 2 ? MISSING_CODE : i % f.codes.length));
      return { name: f.name, kind: 'categorical', values: new Uint8Array(v) };
    }),
  };
}

const secCsv = (n: number, sep = ',') => csv([['class', ...sec.features.map((f) => f.name)], ...Array.from({ length: n }, (_, i) => secRow(i))], sep);

function uciCsv(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => [i % 2 ? 'p' : 'e', ...uci.features.map((f) => (f.kind === 'categorical' ? f.codes[i % f.codes.length].code : '0'))]);
  return csv([['class', ...uci.features.map((f) => f.name)], ...rows]);
}

function expectSameDataset(actual: Dataset, expected: Dataset) {
  expect(actual.rows).toBe(expected.rows);
  expect(actual.label).toBeInstanceOf(Uint8Array);
  expect(Array.from(actual.label)).toEqual(Array.from(expected.label));
  expect(actual.columns.map((c) => [c.name, c.kind])).toEqual(expected.columns.map((c) => [c.name, c.kind]));
  actual.columns.forEach((c, i) => {
    expect(c.values, c.name).toBeInstanceOf(c.kind === 'numeric' ? Float64Array : Uint8Array);
    // Array.from + toEqual treats NaN as equal to NaN, so missing numbers must be at the same rows.
    expect(Array.from(c.values), c.name).toEqual(Array.from(expected.columns[i].values));
  });
}

/** Inferred (custom) layout: no built-in schema matches these columns. */
const forestCsv = 'id,Width,colour,edibility\n1,2.5,red,e\n2,3.1,blue,p\n3,4.0,red,poisonous\n4,1.2,,edible\n';

let db: SporeprintDb;
let dbCount = 0;

beforeEach(async () => {
  db = new SporeprintDb(`sporeprint-test-${++dbCount}`);
  await db.open();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

async function tableCounts() {
  return { workspaces: await db.workspaces.count(), versions: await db.datasetVersions.count(), chunks: await db.datasetChunks.count() };
}

describe('storeDatasetVersion / loadDataset', () => {
  it('stores a version with its chunks and loads the columnar data set back exactly (NaN for missing)', async () => {
    const text = secCsv(12) + secRow(12).slice(0, 5).join(',') + '\n'; // plus one short row, rejected
    const a = await analyze(text, 'walk.csv');
    expect(a.schema.id).toBe('secondary');
    expect(a.report.rowsRejected).toBe(1);

    const res = await storeDatasetVersion(db, 'secondary', a);
    expect(res.status).toBe('stored');
    const v = res.version;
    expect(v.id).toEqual(expect.any(Number));
    expect(v).toMatchObject({ workspaceId: 'secondary', sha256: a.report.sha256, rows: 12, classCounts: [6, 6], parentId: null, sourceName: 'walk.csv', chunkCount: 1 });
    expect(v.report.rejectionsListed).toBe(1);
    expect('rejections' in v.report).toBe(false);
    expect(v.report.rowsAccepted).toBe(12);
    expect(v.profile.rows).toBe(12);

    // What is in IndexedDB, not just what the function returned.
    const stored = await db.datasetVersions.get(v.id!);
    expect(stored).toEqual(v);
    expect(await db.datasetChunks.where('versionId').equals(v.id!).count()).toBe(1);
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 1, chunks: 1 });

    const loaded = await loadDataset(db, v.id!);
    expectSameDataset(loaded, secExpected(12));
    const capDiameter = loaded.columns[sec.features.findIndex((f) => f.name === 'cap-diameter')].values;
    expect(Number.isNaN(capDiameter[1])).toBe(true);
    expect(capDiameter[2]).toBe(2.25);
    expect(loaded.columns[sec.features.findIndex((f) => f.name === 'stem-root')].values[2]).toBe(MISSING_CODE);
  });

  it('reads a million stored rows back chunk by chunk, in index order, into one set of typed columns', async () => {
    const { version } = await storeDatasetVersion(db, 'secondary', await analyze(secCsv(3), 'small.csv'));
    const n = 1_000_000;
    // Every cell follows from its row number, so any chunk out of place shows.
    const big: Dataset = {
      rows: n,
      label: Uint8Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
      columns: sec.features.map((f, j) =>
        f.kind === 'numeric'
          ? { name: f.name, kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (i % 1000 === 5 ? NaN : i + j / 100)) }
          : { name: f.name, kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => (i + j) % f.codes.length) },
      ),
    };
    const chunks = splitIntoChunks(big);
    expect(chunks.length).toBe(Math.ceil(n / 16384));
    const id = (await db.datasetVersions.add({ ...version, id: undefined, sha256: 'million', rows: n, chunkCount: chunks.length })) as number;
    // Stored last chunk first: the order read must come from the chunk index, not from insertion.
    await db.datasetChunks.bulkAdd(chunks.reverse().map((c) => ({ ...c, versionId: id })));

    const loaded = await loadDataset(db, id);
    expect(loaded.rows).toBe(n);
    // A plain loop: a deep equality over 21 million cells takes minutes.
    const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      if (a.length !== b.length) return -2;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
      return -1;
    };
    expect(loaded.label).toBeInstanceOf(Uint8Array);
    expect(firstDifference(loaded.label, big.label)).toBe(-1);
    loaded.columns.forEach((c, j) => {
      expect(c.values, c.name).toBeInstanceOf(c.kind === 'numeric' ? Float64Array : Uint8Array);
      expect(firstDifference(c.values, big.columns[j].values), c.name).toBe(-1);
    });
    expect(loaded.columns[0].values[999_999]).toBe(999_999);
  }, 120_000);

  it('says a version is damaged, naming it, when its chunks do not add up to its rows', async () => {
    const { version } = await storeDatasetVersion(db, 'uci', await analyze(uciCsv(16384 + 3), 'big.csv'));
    await db.datasetChunks.delete([version.id!, 1]);
    const err = await loadDataset(db, version.id!).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('storage-failed');
    expect(err.message).toBe(`Data version #${version.id} is damaged: 16384 rows in the chunks, 16387 expected. Import its file again.`);
    await expect(loadDataset(db, 999)).rejects.toThrow('Data version #999 does not exist');
  });

  it('splits more than 16384 rows into two chunks and joins them back in order', async () => {
    const n = 16384 + 3;
    const a = await analyze(uciCsv(n), 'big.csv');
    expect(a.dataset.rows).toBe(n);
    const { version } = await storeDatasetVersion(db, 'uci', a);
    expect(version.chunkCount).toBe(2);
    const chunks = await db.datasetChunks.where('versionId').equals(version.id!).sortBy('index');
    expect(chunks.map((c) => [c.index, c.rows])).toEqual([
      [0, 16384],
      [1, 3],
    ]);

    const loaded = await loadDataset(db, version.id!);
    expect(loaded.rows).toBe(n);
    const odor = uci.features.findIndex((f) => f.name === 'odor');
    const odorCodes = uci.features[odor].kind === 'categorical' ? uci.features[odor].codes.length : 0;
    for (const i of [0, 1, 16383, 16384, 16386]) {
      expect(loaded.label[i]).toBe(i % 2);
      expect(loaded.columns[odor].values[i]).toBe(i % odorCodes);
    }
    expectSameDataset(loaded, a.dataset);
  });

  it('recognises identical content (same SHA-256, even as a ; file) as a duplicate and stores nothing new', async () => {
    const first = await storeDatasetVersion(db, 'secondary', await analyze(secCsv(6), 'a.csv'));
    const again = await analyze(secCsv(6, ';'), 'a-again.csv');
    expect(again.report.sha256).toBe(first.version.sha256);

    const second = await storeDatasetVersion(db, 'secondary', again);
    expect(second.status).toBe('duplicate');
    expect(second.version.id).toBe(first.version.id);
    expect(second.version.sourceName).toBe('a.csv');
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 1, chunks: 1 });
    expect((await findDatasetVersion(db, 'secondary', again.report.sha256))?.id).toBe(first.version.id);
    expect(await findDatasetVersion(db, 'uci', again.report.sha256)).toBeUndefined();
  });

  it('creates a new custom workspace in the same transaction as its first version', async () => {
    const a = await analyze(forestCsv, 'forest-walk.csv');
    expect(a.report.match).toBe('inferred');
    const ws = customWorkspace(a.schema, 'Forest walk');
    const { status, version } = await storeDatasetVersion(db, a.schema.id, a, ws);
    expect(status).toBe('stored');
    expect(version.workspaceId).toBe(a.schema.id);
    expect(await tableCounts()).toEqual({ workspaces: 1, versions: 1, chunks: 1 });
    const row = await db.workspaces.get(a.schema.id);
    expect(row).toMatchObject({ id: a.schema.id, name: 'Forest walk', builtin: false });
    expect(row!.schema.name).toBe('Forest walk');
    expect(row!.schema.features.map((f) => f.name)).toEqual(['Width', 'colour']);

    const loaded = await loadDataset(db, version.id!);
    expect(Array.from(loaded.label)).toEqual([0, 1, 1, 0]);
    expect(Array.from(loaded.columns[0].values)).toEqual([2.5, 3.1, 4.0, 1.2]);
    expect(loaded.columns[1].values[3]).toBe(MISSING_CODE);
  });

  it('links each version to the previous newest one, also within the same millisecond', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    const ids: number[] = [];
    for (const n of [3, 4, 5]) ids.push((await storeDatasetVersion(db, 'secondary', await analyze(secCsv(n)))).version.id!);
    const list = await listDatasetVersions(db, 'secondary');
    expect(list.map((v) => [v.id, v.parentId])).toEqual([
      [ids[2], ids[1]],
      [ids[1], ids[0]],
      [ids[0], null],
    ]);
    expect(await listDatasetVersions(db, 'uci')).toEqual([]);
  });

  it('lists versions newest first by creation time', async () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(2000);
    const a = (await storeDatasetVersion(db, 'secondary', await analyze(secCsv(3)))).version;
    now.mockReturnValue(1000); // a clock set back: order follows createdAt, parent follows createdAt too
    const b = (await storeDatasetVersion(db, 'secondary', await analyze(secCsv(4)))).version;
    expect(b.parentId).toBe(a.id);
    expect((await listDatasetVersions(db, 'secondary')).map((v) => v.id)).toEqual([a.id, b.id]);
  });
});

describe('storeDatasetVersion: all or nothing', () => {
  it('a chunk write failing after the version and workspace were written leaves none of them behind', async () => {
    const a = await analyze(forestCsv, 'forest-walk.csv');
    const ws = customWorkspace(a.schema, 'Forest walk');
    let seenInside: unknown = null;
    const bulkAdd = vi.spyOn(db.datasetChunks, 'bulkAdd').mockImplementation((async () => {
      // Inside the transaction the first writes have happened…
      seenInside = { workspaces: await db.workspaces.count(), versions: await db.datasetVersions.count() };
      throw new Error('disk on fire');
    }) as never);

    const err = await storeDatasetVersion(db, a.schema.id, a, ws).catch((e: unknown) => e);
    expect(bulkAdd).toHaveBeenCalledOnce();
    expect(seenInside).toEqual({ workspaces: 1, versions: 1 });
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('storage-failed');
    expect((err as EngineError).message).toContain('disk on fire');
    expect((err as EngineError).message).toContain('forest-walk.csv');
    // …and were rolled back with it.
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 0, chunks: 0 });
  });

  it('data that cannot be cloned into IndexedDB fails the whole import and keeps earlier versions intact', async () => {
    const earlier = (await storeDatasetVersion(db, 'secondary', await analyze(secCsv(5), 'earlier.csv'))).version;
    const a = await analyze(secCsv(7), 'bad.csv');
    // A function on a column is copied into every chunk and cannot be structured-cloned.
    Object.assign(a.dataset.columns[0], { format: () => 'x' });

    const err = await storeDatasetVersion(db, 'secondary', a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('storage-failed');
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 1, chunks: 1 });
    expect((await listDatasetVersions(db, 'secondary')).map((v) => v.id)).toEqual([earlier.id]);
    expectSameDataset(await loadDataset(db, earlier.id!), secExpected(5));
  });

  it('a QuotaExceededError inside the transaction becomes EngineError quota-exceeded and nothing is stored', async () => {
    const earlier = (await storeDatasetVersion(db, 'secondary', await analyze(secCsv(5), 'earlier.csv'))).version;
    const a = await analyze(forestCsv, 'forest-walk.csv');
    vi.spyOn(db.datasetChunks, 'bulkAdd').mockRejectedValue(new DOMException('Storage full.', 'QuotaExceededError'));

    const err = await storeDatasetVersion(db, a.schema.id, a, customWorkspace(a.schema, 'Forest walk')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('quota-exceeded');
    expect((err as EngineError).message).toContain('Nothing was saved');
    expect((err as EngineError).message).toContain('forest-walk.csv');
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 1, chunks: 1 });
    expect((await db.datasetVersions.get(earlier.id!))?.sourceName).toBe('earlier.csv');
  });
});

describe('storageError', () => {
  const quota = () => new DOMException('Storage full.', 'QuotaExceededError');

  it('recognises a quota error by name, as the inner error of a Dexie error, or in the message', () => {
    expect(storageError(quota(), 'x').code).toBe('quota-exceeded');
    expect(storageError(new Dexie.AbortError('Transaction aborted', quota()), 'x').code).toBe('quota-exceeded');
    expect(storageError(new Error('BulkError: 1 failed. QuotaExceededError: out of space'), 'x').code).toBe('quota-exceeded');
  });

  it('maps anything else to storage-failed with the cause in the message', () => {
    const e = storageError(new Error('boom'), 'the model');
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('storage-failed');
    expect(e.message).toBe('Could not save the model: boom. Nothing was saved.');
    const wrapped = storageError(new Dexie.AbortError('Transaction aborted', new Error('boom')), 'the model');
    expect(wrapped.code).toBe('storage-failed');
    expect(wrapped.message).toBe('Could not save the model: Transaction aborted (boom). Nothing was saved.');
    expect(storageError('weird', 'it').message).toBe('Could not save it: weird. Nothing was saved.');
  });
});

describe('deleteDatasetVersion', () => {
  it('removes the version and its chunks, re-links its child to its parent and leaves the others', async () => {
    const store = async (n: number) => (await storeDatasetVersion(db, 'secondary', await analyze(secCsv(n)))).version.id!;
    const v1 = await store(3);
    const v2 = await store(4);
    const v3 = await store(5);
    expect(await db.datasetChunks.count()).toBe(3);

    await deleteDatasetVersion(db, v2);
    expect(await db.datasetVersions.get(v2)).toBeUndefined();
    expect(await db.datasetChunks.where('versionId').equals(v2).count()).toBe(0);
    expect(await db.datasetChunks.count()).toBe(2);
    expect((await db.datasetVersions.get(v3))?.parentId).toBe(v1);
    expect((await db.datasetVersions.get(v1))?.parentId).toBeNull();
    expectSameDataset(await loadDataset(db, v3), secExpected(5));
    expectSameDataset(await loadDataset(db, v1), secExpected(3));
  });

  it('ignores an id that does not exist', async () => {
    const { version } = await storeDatasetVersion(db, 'secondary', await analyze(secCsv(3)));
    await deleteDatasetVersion(db, version.id! + 100);
    expect(await tableCounts()).toEqual({ workspaces: 0, versions: 1, chunks: 1 });
  });
});

describe('listWorkspaces', () => {
  it('lists the two built-ins first even when nothing is stored', async () => {
    const list = await listWorkspaces(db);
    expect(list.map((w) => [w.id, w.name, w.builtin])).toEqual([
      ['uci', 'UCI Mushroom', true],
      ['secondary', 'Secondary Mushroom', true],
    ]);
    expect(list[0].schema.features).toHaveLength(22);
    expect(list[1].schema.features).toHaveLength(20);
  });

  it('adds custom workspaces after the built-ins, oldest first', async () => {
    const a = await analyze(forestCsv, 'forest-walk.csv');
    const b = await analyze('size,edible?,shade\n1,e,x\n2,p,y\n', 'meadow.csv');
    expect(b.report.match).toBe('inferred');
    expect(b.schema.id).not.toBe(a.schema.id);
    await storeDatasetVersion(db, b.schema.id, b, { ...customWorkspace(b.schema, 'Meadow'), createdAt: 2000 });
    await storeDatasetVersion(db, a.schema.id, a, { ...customWorkspace(a.schema, 'Forest walk'), createdAt: 1000 });
    const list = await listWorkspaces(db);
    expect(list.map((w) => [w.name, w.builtin])).toEqual([
      ['UCI Mushroom', true],
      ['Secondary Mushroom', true],
      ['Forest walk', false],
      ['Meadow', false],
    ]);
  });
});

describe('settings', () => {
  it('returns the fallback until a value is set, then the value, overwritten by the next set', async () => {
    expect(await getSetting(db, 'workspace', 'uci')).toBe('uci');
    await setSetting(db, 'workspace', 'secondary');
    expect(await getSetting(db, 'workspace', 'uci')).toBe('secondary');
    await setSetting(db, 'workspace', 'custom-1');
    expect(await getSetting(db, 'workspace', 'uci')).toBe('custom-1');
    expect(await db.settings.count()).toBe(1);
  });

  it('round-trips structured values and null, and survives a new connection', async () => {
    await setSetting(db, 'prefs', { threshold: 0.25, tags: ['a', 'b'], at: new Date(5) });
    await setSetting(db, 'nothing', null);
    expect(await getSetting(db, 'nothing', 'fallback')).toBeNull();

    const again = new SporeprintDb(db.name);
    try {
      expect(await getSetting(again, 'prefs', {})).toEqual({ threshold: 0.25, tags: ['a', 'b'], at: new Date(5) });
    } finally {
      again.close();
    }
  });
});

describe('getDb', () => {
  it('returns one shared connection to the "sporeprint" database', () => {
    const a = getDb();
    expect(a).toBeInstanceOf(SporeprintDb);
    expect(a.name).toBe('sporeprint');
    expect(getDb()).toBe(a);
    expect(a.tables.map((t) => t.name).sort()).toEqual([
      'abTests',
      'alerts',
      'batchFeedback',
      'datasetChunks',
      'datasetVersions',
      'modelBundles',
      'modelVersions',
      'monitorReferences',
      'monitorSnapshots',
      'predictionBatches',
      'predictions',
      'runs',
      'settings',
      'workspaces',
    ]);
  });
});
