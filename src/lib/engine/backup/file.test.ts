import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { assembleBackup, verifyBackup } from './file';
import { BACKUP_FORMAT_VERSION, SEGMENT_FORMAT, type BackupHeader } from './format';
import { isEngineError } from '../errors';

const limits = { formatVersion: BACKUP_FORMAT_VERSION, dbVersion: 8 };

const header: Omit<BackupHeader, 'segments'> = {
  app: 'sporeprint',
  kind: 'backup',
  formatVersion: BACKUP_FORMAT_VERSION,
  appVersion: '0.1.0',
  dbVersion: 8,
  createdAt: 1_700_000_000_000,
  scope: { kind: 'workspace', workspaceId: 'uci' },
  workspaces: [
    { id: 'uci', name: 'UCI Mushroom — é', builtin: true, schemaFingerprint: 'fp', counts: { predictions: 2 }, dataVersions: [], models: [], feedback: 1, batchLabels: 0 },
  ],
  segmentFormat: SEGMENT_FORMAT,
};

const segments = () => [
  { table: 'predictions' as const, rows: 2, blob: new Blob([JSON.stringify({ formatName: 'dexie', rows: ['ünïcode', 1] })]) },
  { table: 'settings' as const, rows: 1, blob: new Blob([JSON.stringify({ formatName: 'dexie', rows: [{ key: 'retrainEvery', value: 10 }] })]) },
];

const blobOf = (b: Buffer) => new Blob([new Uint8Array(b)]);

async function bytes(b: Blob): Promise<Buffer> {
  return Buffer.from(await b.arrayBuffer());
}

/** The reason of a refusal, or 'accepted'. */
async function reason(file: Blob): Promise<string> {
  try {
    await verifyBackup(file, limits);
    return 'accepted';
  } catch (e) {
    if (isEngineError(e) && e.code === 'backup-refused') return String(e.details.reason);
    throw e;
  }
}

/** A file with a valid checksum around any content (as an editor who knows the format could make). */
function resealed(lines: string[]): Blob {
  const content = Buffer.from(lines.map((l) => l + '\n').join(''));
  const digest = createHash('sha256').update(content).digest('hex');
  return new Blob([new Uint8Array(content), JSON.stringify({ checksum: { algorithm: 'SHA-256', value: digest, contentBytes: content.length } }) + '\n']);
}

describe('backup file', () => {
  it('round-trips: each table line is where the header says, and the checksum is SHA-256 of every byte before the last line', async () => {
    const file = (await assembleBackup(header, segments())).blob;
    const buf = await bytes(file);
    const v = await verifyBackup(file, limits);
    expect(v.header.workspaces[0].name).toBe('UCI Mushroom — é');
    expect(v.segments.map((s) => s.table)).toEqual(['predictions', 'settings']);
    for (const [i, s] of v.segments.entries()) expect(buf.subarray(s.start, s.end).toString()).toBe(await segments()[i].blob.text());
    const lines = buf.toString().split('\n');
    expect(lines).toHaveLength(5); // header, two tables, trailer, '' after the last newline
    const trailer = JSON.parse(lines[3]);
    expect(trailer.checksum.value).toBe(createHash('sha256').update(buf.subarray(0, trailer.checksum.contentBytes)).digest('hex'));
    expect(v.sha256).toBe(trailer.checksum.value);
  });

  it('refuses a file with one byte changed (checksum), cut short anywhere (truncated), of another app, or of a newer format', async () => {
    const good = await bytes((await assembleBackup(header, segments())).blob);
    const edited = Buffer.from(good);
    const at = good.indexOf('ünïcode');
    edited[at + 3] ^= 1;
    expect(await reason(blobOf(edited))).toBe('checksum');
    for (const cut of [good.length - 1, good.length - 20, Math.floor(good.length / 2), 40]) {
      expect(await reason(blobOf(good.subarray(0, cut)))).toMatch(/truncated|not-a-backup/);
    }
    expect(await reason(blobOf(good.subarray(0, good.length - 1)))).toBe('truncated');
    expect(await reason(new Blob([]))).toBe('not-a-backup');
    expect(await reason(new Blob(['name,age\nx,1\n']))).toBe('not-a-backup');
    // Another app's Dexie export (the format our table lines use) is not a Sporeprint backup.
    expect(await reason(new Blob([JSON.stringify({ formatName: 'dexie', formatVersion: 1, data: { databaseName: 'todo-app', tables: [] } }) + '\n']))).toBe('not-a-backup');
    const lines = good.toString().split('\n');
    const newer = { ...JSON.parse(lines[0]), formatVersion: BACKUP_FORMAT_VERSION + 1 };
    expect(await reason(resealed([JSON.stringify(newer), lines[1], lines[2]]))).toBe('newer-format');
    const newerDb = { ...JSON.parse(lines[0]), dbVersion: 9 };
    expect(await reason(resealed([JSON.stringify(newerDb), lines[1], lines[2]]))).toBe('newer-format');
    // A valid checksum is not enough: the header must describe the lines that follow.
    expect(await reason(resealed([lines[0], lines[1]]))).toBe('truncated');
    expect(await reason(resealed([lines[0], lines[1], lines[2]]))).toBe('accepted');
  });

  it('says what is wrong in words, and that nothing was written', async () => {
    const good = await bytes((await assembleBackup(header, segments())).blob);
    const edited = Buffer.from(good);
    edited[good.indexOf('retrainEvery')] = 'R'.charCodeAt(0);
    await expect(verifyBackup(blobOf(edited), limits)).rejects.toThrow(
      'This backup file was changed or damaged after it was made: its content does not match its SHA-256 checksum. Nothing was written.',
    );
    await expect(verifyBackup(blobOf(good.subarray(0, 100)), limits)).rejects.toThrow(/incomplete.*Nothing was written\./);
  });

  it('stops between slices when cancelled', async () => {
    const file = (await assembleBackup(header, segments())).blob;
    const c = new AbortController();
    c.abort();
    await expect(verifyBackup(file, limits, c.signal)).rejects.toMatchObject({ code: 'cancelled' });
  });
});
