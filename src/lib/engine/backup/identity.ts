/**
 * What makes two rows from two devices "the same" when a backup is merged: ids are numbers each
 * browser hands out on its own (1, 2, 3… on every phone), so rows are matched by what they are.
 */

/** A model version: the same bundle (the shipped one, or one exported and imported) has the same card. */
export function modelIdentity(v: { kind: string; card: { datasetSha256: string; seed: number; trainingMs: number } }): string {
  return `${v.kind}|${v.card.datasetSha256}|${v.card.seed}|${v.card.trainingMs}`;
}

export function runIdentity(r: { kind: string; startedAt: number; seed: number; dataSha256: string }): string {
  return `${r.kind}|${r.startedAt}|${r.seed}|${r.dataSha256}`;
}

export function abTestIdentity(t: { createdAt: number; mode: string; challengerShare: number }): string {
  return `${t.createdAt}|${t.mode}|${t.challengerShare}`;
}

/** An alert's key already names its rule, window and version; `at` tells two raisings apart. */
export function alertIdentity(a: { key: string; at: number }): string {
  return `${a.key}|${a.at}`;
}

export function snapshotIdentity(s: { createdAt: number; label: string }): string {
  return `${s.createdAt}|${s.label}`;
}

/** cyrb53 (a public-domain 53-bit string hash): fast, synchronous, well spread. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The stable id of a prediction logged before predictions had one: derived from what it is (where,
 * when, what was asked and answered), so the same old row backed up from two devices gets the same
 * id on both. Synchronous, because a database upgrade may not wait for anything but IndexedDB.
 */
export function legacyUid(row: { workspaceId: string; createdAt: number; source: string; input?: unknown; pPoisonous?: unknown; rows?: number }): string {
  const text = JSON.stringify([row.workspaceId, row.createdAt, row.source, row.input ?? null, typeof row.pPoisonous === 'number' ? row.pPoisonous : null, row.rows ?? null]);
  const a = hash53(text, 1).toString(16).padStart(14, '0');
  const b = hash53(text, 2).toString(16).padStart(14, '0');
  return `legacy-${a}${b}`;
}
