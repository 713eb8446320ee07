import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { SporeprintDb } from './db';
import { BACKUP_TABLE_NAMES, TABLES } from '$lib/engine/backup/tables';
import { legacyUid } from '$lib/engine/backup/identity';

let n = 0;
const names: string[] = [];
const fresh = (prefix: string) => {
  const name = `${prefix}-${++n}`;
  names.push(name);
  return name;
};
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

describe('backup coverage of the database', () => {
  it('knows every table of db.ts: a new table must say how it is backed up, restored and merged (engine/backup/tables.ts)', () => {
    const db = new SporeprintDb(fresh('coverage'));
    expect([...db.tables.map((t) => t.name)].sort()).toEqual([...BACKUP_TABLE_NAMES].sort());
    for (const t of db.tables) {
      const spec = TABLES[t.name as keyof typeof TABLES];
      // What the spec says about the key and id generation is what the schema declares.
      expect(spec.key, t.name).toBe(t.schema.primKey.src.replace(/^\+\+/, ''));
      expect(spec.autoId, t.name).toBe(t.schema.primKey.auto);
      if (spec.owner.kind === 'workspace')
        expect(
          t.schema.indexes.map((i) => i.name),
          t.name,
        ).toContain('workspaceId');
    }
  });
});

describe('database version 8', () => {
  it('gives predictions and batches logged before uids existed one derived from their content, and indexes it', async () => {
    const name = fresh('upgrade');
    // The schema as it was at version 7 (the stores that matter here).
    const old = new Dexie(name);
    old.version(7).stores({
      predictions: '++id, workspaceId, [workspaceId+createdAt], versionId',
      predictionBatches: '++id, workspaceId, [workspaceId+createdAt], versionId',
    });
    const legacy = { workspaceId: 'uci', versionId: 1, version: 1, kind: 'mlp', createdAt: 1_600_000_000_000, source: 'form', input: { odor: 'n' }, pPoisonous: 0.1 };
    await old.table('predictions').bulkAdd([legacy, { ...legacy, uid: 'kept-as-is', createdAt: 1_600_000_000_001 }]);
    await old.table('predictionBatches').add({ workspaceId: 'uci', versionId: 1, version: 1, createdAt: 5, source: 'a.csv', rows: 2, pPoisonous: new Float32Array(2) });
    old.close();

    const db = new SporeprintDb(name);
    const rows = await db.predictions.toArray();
    expect(rows.map((r) => r.uid)).toEqual([legacyUid(legacy), 'kept-as-is']);
    expect(await db.predictions.where('uid').equals(legacyUid(legacy)).count()).toBe(1);
    const [batch] = await db.predictionBatches.toArray();
    expect(batch.uid).toMatch(/^legacy-/);
    expect(await db.predictionBatches.where('uid').equals(batch.uid).count()).toBe(1);
    db.close();
  });
});
