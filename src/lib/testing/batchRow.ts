import type { PredictionBatchRow } from '$lib/db/db';

/**
 * A logged batch of `rows` rows for tests: v1 (mlp) of the UCI workspace answered it, its decisions
 * cycling edible, uncertain, poisonous; one odour column of zeros, no class, P(poisonous) 0.
 * `overrides` replace any of that.
 */
export function testBatch(rows: number, overrides: Partial<Omit<PredictionBatchRow, 'id'>> = {}): Omit<PredictionBatchRow, 'id'> {
  return {
    workspaceId: 'uci',
    versionId: 1,
    version: 1,
    kind: 'mlp',
    edibleAbove: 0.9,
    createdAt: Date.now(),
    source: 'batch.csv',
    rows,
    columns: [{ name: 'odor', kind: 'categorical', values: new Uint8Array(rows) }],
    label: null,
    pPoisonous: new Float32Array(rows),
    decision: Uint8Array.from({ length: rows }, (_, i) => i % 3),
    predictMs: 5,
    uid: crypto.randomUUID(),
    ...overrides,
  };
}
