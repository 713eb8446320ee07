/**
 * Concluding an A/B test, in words: what speaks against the arm chosen (the reason a by-hand
 * conclusion first asks the user), and the record kept in the test and in both versions' histories.
 *
 * Everything here is worded from typed fields — the chosen arm, the analysis' `significant`,
 * `minimumReached`, `winner`, `safetyBlocked` — never from the analysis' own sentence. That sentence
 * describes what the analysis would do ("the champion stays"); a user may conclude otherwise, and
 * the record must name what was actually done.
 */
import type { Analysis } from './analysis';
import type { Arm } from './routing';

/**
 * Why a conclusion goes against the statistics: the deciding test is not significant, fewer
 * outcomes than the design's minimum per arm, or the significant verdict favours the other arm
 * (more accurate, or kept by the safety rule).
 */
export type Objection = 'not-significant' | 'minimum-not-reached' | 'favours-other-arm';

/** The analysis fields the wording reads. */
export type Verdict = Pick<Analysis, 'significant' | 'pvalue' | 'outcomesPerArm' | 'minimumReached' | 'winner' | 'safetyBlocked' | 'reason'>;

/** The test fields the wording reads (an `AbTestRow` has them). */
export interface TestFacts {
  mode: 'split' | 'shadow';
  champion: { version: number };
  challenger: { version: number };
  design: { minimumPerArm: number };
}

/** An arm chosen to win, with what the test and its analysis said at that moment. */
export interface Choice {
  test: TestFacts;
  winner: Arm;
  analysis: Verdict;
}

export interface Conclusion extends Choice {
  testId: number;
  by: 'user' | 'auto';
}

/** In a fixed order (significance, sample, verdict), so sentences built from them read the same every time. */
export function objectionsTo(winner: Arm, a: Verdict): Objection[] {
  const out: Objection[] = [];
  if (!a.significant) out.push('not-significant');
  if (!a.minimumReached) out.push('minimum-not-reached');
  // Not significant already says it all: the analysis then keeps the champion only by default.
  if (a.significant && winner !== a.winner) out.push('favours-other-arm');
  return out;
}

const other = (arm: Arm): Arm => (arm === 'champion' ? 'challenger' : 'champion');
const versionOf = (test: TestFacts, arm: Arm) => `v${test[arm].version}`;
const formatP = (p: number) => (p < 1e-4 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);

function joinClauses(clauses: string[]): string {
  return clauses.length < 2 ? clauses.join('') : `${clauses.slice(0, -1).join(', ')} and ${clauses.at(-1)}`;
}

/** What each objection says about the test, in the present (while asking) or the past (in the record). */
function clause(o: Objection, c: Choice, past: boolean): string {
  const { test, winner, analysis: a } = c;
  const [is, has, calls] = past ? ['was', 'had', 'called'] : ['is', 'has', 'calls'];
  switch (o) {
    case 'not-significant':
      // No p-value means an arm has no outcome at all: nothing has been compared yet.
      return a.pvalue === null ? `${has} no p-value (an arm ${has} no outcomes)` : `${is} not significant (${formatP(a.pvalue)})`;
    case 'minimum-not-reached':
      return `${has} ${a.outcomesPerArm.toLocaleString('en-US')} of the ${test.design.minimumPerArm.toLocaleString('en-US')} outcomes per arm it ${past ? 'needed' : 'needs'}`;
    case 'favours-other-arm': {
      const favoured = versionOf(test, a.winner);
      if (a.safetyBlocked) return `${past ? 'kept' : 'keeps'} ${favoured} by the safety rule (${versionOf(test, winner)} ${calls} more poisonous mushrooms edible)`;
      return `${past ? 'favoured' : 'favours'} ${favoured}, which ${is} significantly more accurate (${formatP(a.pvalue!)})`;
    }
  }
}

function againstStatistics(c: Choice, past: boolean): string | null {
  const objections = objectionsTo(c.winner, c.analysis);
  return objections.length ? `the test ${joinClauses(objections.map((o) => clause(o, c, past)))}` : null;
}

/** What speaks against the choice, as a sentence ("The test is not significant (p = 0.40)."); null when nothing does. */
export function statisticsAgainst(c: Choice): string | null {
  const why = againstStatistics(c, false);
  return why && `${why[0].toUpperCase()}${why.slice(1)}.`;
}

/**
 * The confirmation a by-hand conclusion against the statistics asks, e.g. "The test is not
 * significant (p = 0.40) and has 3 of the 426 outcomes per arm it needs. Promote v4 anyway?";
 * null when the statistics support the choice (nothing extra to confirm).
 */
export function confirmationQuestion(c: Choice): string | null {
  const why = statisticsAgainst(c);
  if (!why) return null;
  const chosen = versionOf(c.test, c.winner);
  return `${why} ${c.winner === 'challenger' ? `Promote ${chosen} anyway?` : `Keep ${chosen} in production and end the test anyway?`}`;
}

/**
 * The record of a conclusion: which version became or stayed production, by hand or
 * automatically, and either why it is notable (against the statistics) or the analysis' verdict
 * it followed, e.g. "A/B test #3 (split) concluded by hand: v4 promoted to production and v3
 * archived, although the test was not significant (p = 0.40) and had 3 of the 426 outcomes per arm
 * it needed."
 */
export function conclusionRecord(c: Conclusion): string {
  const { testId, test, winner, by, analysis: a } = c;
  const chosen = versionOf(test, winner);
  const loser = versionOf(test, other(winner));
  const done = winner === 'challenger' ? `${chosen} promoted to production and ${loser} archived` : `${chosen} stays in production and ${loser} in staging`;
  const head = `A/B test #${testId} (${test.mode}) concluded ${by === 'auto' ? 'automatically' : 'by hand'}: ${done}`;
  const why = againstStatistics(c, true);
  if (why) return `${head}, although ${why}.`;
  // No objection means the choice is the analysis' own winner, so its sentence describes what was done.
  const sample = `Minimum sample reached: ${a.outcomesPerArm.toLocaleString('en-US')} outcomes in the smaller arm, ${test.design.minimumPerArm.toLocaleString('en-US')} needed.`;
  return `${head}. ${a.reason} ${sample}`;
}
