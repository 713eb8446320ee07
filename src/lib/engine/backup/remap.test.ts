import { describe, expect, it } from 'vitest';
import { allocateIds, emptyIdMaps, remapRow } from './remap';
import { planRestore } from './restorePlan';
import { AUTO_ID_TABLES } from './tables';
import { legacyUid } from './identity';

describe('allocateIds', () => {
  it('keeps ids no staying row has, numbers the others above every id in use, never giving one id twice', () => {
    const m = allocateIds([1, 2, 3, 9], new Set([2, 5]), true);
    expect([...m]).toEqual([
      [1, 1],
      [3, 3],
      [9, 9],
      [2, 10],
    ]);
    expect(new Set(m.values()).size).toBe(4);
    expect([...allocateIds([1, 2], new Set([7]), false).values()]).toEqual([8, 9]);
    expect([...allocateIds([4, 1], new Set(), true).values()]).toEqual([4, 1]);
  });
});

describe('remapRow', () => {
  it('points every reference of a row at the rows here, nested and in arrays, renumbering the version shown beside an id', () => {
    const maps = emptyIdMaps();
    maps.ids.modelVersions.set(3, 30).set(4, 40);
    maps.ids.runs.set(7, 70);
    maps.ids.abTests.set(2, 20);
    maps.versionNumberById.set(3, 5).set(4, 6);
    const version = remapRow(
      'modelVersions',
      { id: 4, runId: 7, version: 2, history: [{ reason: 'a' }, { reason: 'b', waitsForAbTest: 2 }, { reason: 'c', waitsForAbTest: 99 }] },
      maps,
    );
    expect(version).toEqual({ id: 40, runId: 70, version: 2, history: [{ reason: 'a' }, { reason: 'b', waitsForAbTest: 20 }, { reason: 'c' }] });
    const test = remapRow('abTests', { id: 2, champion: { versionId: 3, version: 1 }, challenger: { versionId: 4, version: 2 } }, maps);
    expect(test).toEqual({ id: 20, champion: { versionId: 30, version: 5 }, challenger: { versionId: 40, version: 6 } });
    const batch = remapRow(
      'predictionBatches',
      { id: 1, versionId: 3, version: 1, ab: { testId: 2, challengerVersionId: 4, challengerVersion: 2, arm: new Uint8Array([1]) }, label: new Uint8Array(3) },
      { ...maps, ids: { ...maps.ids, predictionBatches: new Map([[1, 11]]) } },
    );
    expect(batch).toMatchObject({ id: 11, versionId: 30, version: 5, ab: { testId: 20, challengerVersionId: 40, challengerVersion: 6 } });
    expect(batch.label).toBeInstanceOf(Uint8Array); // typed arrays are left as they are (not copied)
  });

  it('drops or nulls a reference to a row that is not coming, as its table says', () => {
    const maps = emptyIdMaps();
    maps.ids.runs.set(1, 1);
    maps.ids.datasetVersions.set(5, 6);
    expect(remapRow('runs', { id: 1, datasetVersionId: 4, modelVersionId: 9 }, maps)).toEqual({ id: 1, datasetVersionId: null });
    expect(remapRow('datasetChunks', { versionId: 5, index: 0 }, maps)).toEqual({ versionId: 6, index: 0 });
  });

  it('refuses to write a row of the file that was given no id here', () => {
    expect(() => remapRow('alerts', { id: 3, workspaceId: 'uci' }, emptyIdMaps())).toThrow('No id here for alerts #3');
  });

  it('renames alerts by version number (they name no id)', () => {
    const maps = emptyIdMaps();
    maps.ids.alerts.set(1, 2);
    maps.versionNumber.set(3, 7);
    expect(remapRow('alerts', { id: 1, version: 3 }, maps)).toEqual({ id: 2, version: 7 });
    expect(remapRow('alerts', { id: 1, version: null }, maps)).toEqual({ id: 2, version: null });
  });
});

describe('planRestore', () => {
  it('puts rows back under their own ids and version numbers when nothing else uses them', () => {
    const none = Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, new Set<number>()])) as unknown as Parameters<typeof planRestore>[1];
    const ids = Object.fromEntries(AUTO_ID_TABLES.map((t) => [t, [1, 2]])) as unknown as Parameters<typeof planRestore>[0];
    const maps = planRestore(ids, { ...none, modelVersions: new Set([2]) }, [{ id: 1, version: 3 }]);
    expect([...maps.ids.predictions]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect([...maps.ids.modelVersions]).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(maps.versionNumber.get(3)).toBe(3);
  });
});

describe('legacyUid', () => {
  it('is the same for the same old prediction on any device, and differs for another', () => {
    const row = { workspaceId: 'uci', createdAt: 1700000000000, source: 'form', input: { odor: 'n' }, pPoisonous: 0.25 };
    expect(legacyUid(row)).toBe(legacyUid({ ...row }));
    expect(legacyUid(row)).toMatch(/^legacy-[0-9a-f]{28}$/);
    expect(legacyUid({ ...row, pPoisonous: 0.2500001 })).not.toBe(legacyUid(row));
    expect(legacyUid({ ...row, createdAt: row.createdAt + 1 })).not.toBe(legacyUid(row));
  });
});
