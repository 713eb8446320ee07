import { NO_FEEDBACK } from '../data/dataset';
import type { AbTestStatus } from './analysis';
import type { ShadowRecord, SplitRecord } from './outcomes';
import type { Arm } from './routing';

/** One logged single prediction as an A/B test reads it. */
export interface LoggedSingle {
  at: number;
  /** Split mode: the arm that answered. */
  arm?: Arm;
  calledPoisonous: boolean;
  /** Shadow mode: the challenger's unseen answer. */
  shadowCalledPoisonous?: boolean;
  /** The expert's label (1 = poisonous), or null when nobody gave one. */
  truth: 0 | 1 | null;
}

/** One logged batch as an A/B test reads it: typed columns, one entry per row. */
export interface LoggedBatch {
  at: number;
  rows: number;
  /** 0 = edible; anything else counts as called poisonous. */
  decision: Uint8Array;
  /** Split mode: 1 where the challenger answered. */
  arm?: Uint8Array;
  /** Shadow mode: the challenger's decisions. */
  shadowDecision?: Uint8Array;
  /** The batch's labels as feedback (NO_FEEDBACK where none), if submitted. */
  labels?: Uint8Array;
}

/**
 * Every row a test routed, in serving order: singles and batch rows together. A split test gives
 * one record per row (its arm, its answer); a shadow test one pair per row. Rows without an
 * expert's label are kept (they count as predictions, not outcomes).
 */
export function testRecords(mode: 'split' | 'shadow', singles: LoggedSingle[], batches: LoggedBatch[]): { split: SplitRecord[]; shadow: ShadowRecord[] } {
  const split: SplitRecord[] = [];
  const shadow: ShadowRecord[] = [];
  const parts = [...singles.map((s) => ({ at: s.at, s })), ...batches.map((b) => ({ at: b.at, b }))].sort((a, b) => a.at - b.at);
  for (const p of parts) {
    if ('s' in p) {
      const { s } = p;
      const truthPoisonous = s.truth === null ? null : s.truth === 1;
      if (mode === 'split' && s.arm) split.push({ arm: s.arm, decisionPoisonous: s.calledPoisonous, truthPoisonous });
      else if (mode === 'shadow' && s.shadowCalledPoisonous !== undefined)
        shadow.push({ championPoisonous: s.calledPoisonous, challengerPoisonous: s.shadowCalledPoisonous, truthPoisonous });
    } else {
      const { b } = p;
      for (let i = 0; i < b.rows; i++) {
        const truthPoisonous = b.labels && b.labels[i] !== NO_FEEDBACK ? b.labels[i] === 1 : null;
        if (mode === 'split' && b.arm) split.push({ arm: b.arm[i] ? 'challenger' : 'champion', decisionPoisonous: b.decision[i] !== 0, truthPoisonous });
        else if (mode === 'shadow' && b.shadowDecision) shadow.push({ championPoisonous: b.decision[i] !== 0, challengerPoisonous: b.shadowDecision[i] !== 0, truthPoisonous });
      }
    }
  }
  return { split, shadow };
}

const MAX_SERIES_POINTS = 100;

/** Cumulative accuracy per arm as outcomes arrive, thinned to at most MAX_SERIES_POINTS. */
function series(steps: { champion?: boolean; challenger?: boolean }[]): AbTestStatus['series'] {
  const out: AbTestStatus['series'] = { n: [], champion: [], challenger: [] };
  const every = Math.max(1, Math.ceil(steps.length / MAX_SERIES_POINTS));
  const right = { champion: 0, challenger: 0 };
  const seen = { champion: 0, challenger: 0 };
  steps.forEach((s, i) => {
    for (const arm of ['champion', 'challenger'] as const) {
      if (s[arm] === undefined) continue;
      seen[arm]++;
      if (s[arm]) right[arm]++;
    }
    if ((i + 1) % every === 0 || i === steps.length - 1) {
      out.n.push(i + 1);
      out.champion.push(seen.champion ? right.champion / seen.champion : null);
      out.challenger.push(seen.challenger ? right.challenger / seen.challenger : null);
    }
  });
  return out;
}

const labelled = (r: { truthPoisonous?: boolean | null }) => r.truthPoisonous !== null && r.truthPoisonous !== undefined;

/** The accuracy series of a split test's outcomes, per arm. */
export function splitSeries(records: SplitRecord[]): AbTestStatus['series'] {
  return series(records.filter(labelled).map((r) => ({ [r.arm]: r.decisionPoisonous === r.truthPoisonous })));
}

/** The accuracy series of a shadow test's outcomes: both versions on every labelled row. */
export function shadowSeries(records: ShadowRecord[]): AbTestStatus['series'] {
  return series(records.filter(labelled).map((r) => ({ champion: r.championPoisonous === r.truthPoisonous, challenger: r.challengerPoisonous === r.truthPoisonous })));
}
