import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { throwIfCancelled } from '../errors';
import type { ProgressCallback } from '../progress';
import type { SafetyThreshold } from './bundle';
import type { FeatureImportance } from './explain';
import type { Model } from './model';
import type { Preprocessor } from './preprocess';
import { matchReferenceRow, type ReferenceMatch } from './referenceMatch';
import { takeDatasetRows } from './split';
import { decide } from './threshold';
import { ascend, CompletionEncoder, missingFields, singleFieldCompletions, worstCaseOver, type FieldCandidates, type Walker } from './worstCase';

/**
 * The rule every answer obeys, a form's and a batch row's alike: the model's "edible" stands only
 * when (1) no value of the fields not given could make it otherwise (worst case over the unknowns)
 * and (2) where the version's training data is on this device, some reference mushrooms share the
 * given answers and none of them is poisonous. Otherwise it is held back: "uncertain — treat as
 * poisonous".
 */
export type HeldBecause = 'unknown-fields' | 'reference' | null;

export function heldBack(
  decision: ReturnType<typeof decide>,
  worstPPoisonous: number | null,
  match: ReferenceMatch | null,
  threshold: Pick<SafetyThreshold, 'edibleAbove'>,
): HeldBecause {
  if (decision !== 'edible') return null;
  if (worstPPoisonous !== null && decide(worstPPoisonous, threshold) !== 'edible') return 'unknown-fields';
  if (match && (match.rows === 0 || match.poisonous > 0)) return 'reference';
  return null;
}

/** In `held`: the row's model answer stands. */
export const HELD_NONE = 0;
/** In `held`: no reference mushroom shares the row's answers, or one that does is poisonous. Values 1…n: field n − 1, left blank, could make it poisonous (the first such field found). */
export const HELD_BY_REFERENCE = 0xffff;

export interface BatchHeldBack {
  /** Per row, why an "edible" was held back (HELD_NONE, a field index + 1, HELD_BY_REFERENCE). */
  held: Uint16Array;
  byUnknownFields: number;
  byReference: number;
}

/** Completions evaluated per model call: bounds the encoded matrix (rows × one-hot width) held at once. */
const COMPLETIONS_PER_CALL = 32_768;

/**
 * The rule over a whole batch, in place: every row the model calls edible is checked and, if held
 * back, its decision becomes uncertain (code 1). Rows with blank fields are first screened by each
 * blank field changed alone — many rows in one model call — which is the first stage of the form's
 * search, so a row held here is held there too. Rows with two or more blank fields that survive it
 * walk uphill from their worst single change, all at once (one of the form's walkers starts there),
 * and those still edible go through the form's own search (`worstCaseOver`): form and batch agree
 * row for row. The Secondary file's 27,173 model-"edible" rows need about 520,000 completions.
 */
export async function applyAnswerRuleToBatch(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  threshold: Pick<SafetyThreshold, 'edibleAbove'>,
  ds: Dataset,
  decision: Uint8Array,
  candidates: FieldCandidates[],
  reference: Dataset | null,
  options: BatchRuleOptions = {},
): Promise<BatchHeldBack> {
  const out: BatchHeldBack = { held: new Uint16Array(ds.rows), byUnknownFields: 0, byReference: 0 };
  const hold = (row: number, value: number) => {
    out.held[row] = value;
    decision[row] = 1;
    if (value === HELD_BY_REFERENCE) out.byReference++;
    else out.byUnknownFields++;
  };
  const edible: number[] = [];
  for (let i = 0; i < ds.rows; i++) if (decision[i] === 0) edible.push(i);
  const search: BlankSearch = { schema, pre, model, threshold, ds, candidates, options, hold, encoder: new CompletionEncoder() };

  // 1. Each blank field changed alone, then walks uphill from the worst single change.
  const { remaining, bestSingle, withBlanks } = await screenSingleFields(search, edible);
  const survivors = await walkFromWorstSingles(search, remaining, bestSingle);
  // 2. The rest: the form's whole search, one row at a time (few rows reach it).
  for (const { row, unknown } of survivors) {
    throwIfCancelled(options.signal);
    const w = await worstCaseOver(schema, pre, model, unknown, takeDatasetRows(ds, Uint32Array.of(row)), candidates, {
      stopAt: 1 - threshold.edibleAbove,
      encoder: search.encoder,
    });
    if (w && decide(w.pPoisonous, threshold) !== 'edible') hold(row, schema.features.findIndex((f) => f.name === w.checks[0].feature) + 1);
  }
  // 3. The reference data, for every row still edible.
  if (reference) {
    options.onProgress?.({ phase: 'Looking up the reference data', done: 0, total: 1 });
    for (const row of edible) {
      if (decision[row] !== 0) continue;
      if (heldBack('edible', null, matchReferenceRow(reference, ds, row), threshold)) hold(row, HELD_BY_REFERENCE);
    }
  }
  options.onProgress?.({ phase: 'Checking blank fields', done: withBlanks, total: withBlanks });
  return out;
}

interface BatchRuleOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  importance?: FeatureImportance[];
}

/** What the batch's searches share: the model, the rows, and `hold`, which turns a row's "edible" to uncertain. */
interface BlankSearch {
  schema: WorkspaceSchema;
  pre: Preprocessor;
  model: Model;
  threshold: Pick<SafetyThreshold, 'edibleAbove'>;
  ds: Dataset;
  candidates: FieldCandidates[];
  options: BatchRuleOptions;
  hold: (row: number, value: number) => void;
  /** One encoder (and its memory) for every model call of the screen, the walks and the searches. */
  encoder: CompletionEncoder;
}

type RowBlanks = { row: number; unknown: number[] };
type WorstSingle = { field: number; value: number; p: number };

/**
 * Blank fields, each changed alone, many rows per model call. Fields go in order of how much they
 * matter to the model, so most rows are settled by their first blank field: a row is held as soon
 * as one field can make it poisonous (the form names the most dangerous of all; here it is the first
 * found, so the table says "e.g."). Returns the rows still edible with each one's worst single change.
 */
async function screenSingleFields(search: BlankSearch, edible: readonly number[]): Promise<{ remaining: RowBlanks[]; bestSingle: Map<number, WorstSingle>; withBlanks: number }> {
  const { schema, pre, model, threshold, ds, candidates, options, hold } = search;
  let remaining: RowBlanks[] = [];
  for (const row of edible) {
    const unknown = missingFields(ds, row).filter((j) => candidates[j].length > 0);
    if (unknown.length) remaining.push({ row, unknown });
  }
  const withBlanks = remaining.length;
  const rank = new Map((options.importance ?? []).map((f, i) => [f.feature, i]));
  const order = schema.features.map((_, j) => j).sort((x, y) => (rank.get(schema.features[x].name) ?? Infinity) - (rank.get(schema.features[y].name) ?? Infinity) || x - y);
  const bestSingle = new Map<number, WorstSingle>();
  for (const j of order) {
    const group = remaining.filter((c) => c.unknown.includes(j));
    if (!group.length) continue;
    const flipped = new Set<number>();
    const per = candidates[j].length;
    for (let start = 0; start < group.length;) {
      throwIfCancelled(options.signal);
      options.onProgress?.({ phase: 'Checking blank fields', done: withBlanks - remaining.length + flipped.size, total: withBlanks });
      const chunk = group.slice(start, (start += Math.max(1, Math.floor(COMPLETIONS_PER_CALL / per)))).map((c) => ({ row: c.row, unknown: [j] }));
      const { completions, owner } = singleFieldCompletions(pre, ds, chunk, candidates, search.encoder);
      const p = await model.predictProba(completions);
      const worst = new Float64Array(chunk.length).fill(-Infinity);
      const worstValue = new Int32Array(chunk.length);
      for (let r = 0; r < p.length; r++) {
        if (p[r] > worst[owner[r]]) {
          worst[owner[r]] = p[r];
          worstValue[owner[r]] = r - owner[r] * per;
        }
      }
      chunk.forEach((c, k) => {
        if (decide(worst[k], threshold) === 'edible') {
          // The row's worst single change so far; ties go to the earlier field, as in the form.
          const b = bestSingle.get(c.row);
          if (!b || worst[k] > b.p || (worst[k] === b.p && j < b.field)) bestSingle.set(c.row, { field: j, value: worstValue[k], p: worst[k] });
          return;
        }
        hold(c.row, j + 1);
        flipped.add(c.row);
      });
    }
    if (flipped.size) remaining = remaining.filter((c) => !flipped.has(c.row));
  }
  return { remaining, bestSingle, withBlanks };
}

/**
 * With one blank field, the screen tried every value it can take: the answer stands. With more,
 * every row walks uphill from its worst single change, all at once: the form's search starts a
 * walker there too, so a row held here is held there. Returns the rows still edible.
 */
async function walkFromWorstSingles(search: BlankSearch, remaining: readonly RowBlanks[], bestSingle: ReadonlyMap<number, WorstSingle>): Promise<RowBlanks[]> {
  const { pre, model, threshold, ds, candidates, options, hold } = search;
  const walkers: Walker[] = remaining
    .filter((c) => c.unknown.length > 1)
    .map(({ row, unknown }) => {
      const b = bestSingle.get(row)!;
      return { row, unknown, state: unknown.map((j) => (j === b.field ? b.value : -1)), p: b.p };
    });
  options.onProgress?.({ phase: 'Checking combinations of blank fields', done: 0, total: 1 });
  await ascend(pre, model, ds, walkers, candidates, { stopAt: 1 - threshold.edibleAbove, signal: options.signal, perCall: COMPLETIONS_PER_CALL, encoder: search.encoder });
  const survivors: RowBlanks[] = [];
  for (const w of walkers) {
    if (decide(w.p, threshold) !== 'edible') hold(w.row, w.unknown[w.state.findIndex((v) => v >= 0)] + 1);
    else survivors.push(w);
  }
  return survivors;
}
