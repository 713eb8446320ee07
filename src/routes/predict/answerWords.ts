import type { Contribution } from '$lib/engine/ml/explain';
import type { FieldCheck } from '$lib/engine/ml/worstCase';
import { DECISION_WORDS, type Decision } from '$lib/engine/ml/threshold';

/** The answer's leading words ("Uncertain — treat as poisonous"); "edible" only ever above the safety threshold. */
export function decisionWord(decision: Decision): string {
  return capitalise(DECISION_WORDS[decision]);
}

/** What follows the decision word, in a forager's words: what to do now. */
export function leadRest(decision: Decision, checks: readonly Pick<FieldCheck, 'label'>[]): string {
  if (decision === 'poisonous') return ' — do not eat.';
  if (decision === 'uncertain')
    return checks.length
      ? `: check the ${joinWords(
          checks.slice(0, 2).map((c) => c.label.toLowerCase()),
          'or',
        )} first.`
      : '.';
  return ' by this model. Still have an expert confirm it before eating anything.';
}

/**
 * The strongest reasons as a sentence ("Its odour (foul) and its gill size (narrow) point to poisonous."):
 * the answers that pushed most towards the decision, then, when one pushed hard the other way, that one.
 */
export function reasonsInWords(contributions: readonly Contribution[], decision: Decision): string | null {
  const towardPoison = decision !== 'edible';
  const strong = contributions.filter((c) => Math.abs(c.contribution) >= 0.02);
  const forIt = strong.filter((c) => c.contribution > 0 === towardPoison).slice(0, 3);
  const against = strong.find((c) => c.contribution > 0 !== towardPoison && Math.abs(c.contribution) >= 0.1);
  if (!forIt.length) return null;
  const side = (poison: boolean) => (poison ? 'poisonous' : 'edible');
  let out = `${capitalise(joinWords(forIt.map(valueWords), 'and'))} point${forIt.length === 1 ? 's' : ''} to ${side(towardPoison)}.`;
  if (against) out += ` Only ${valueWords(against)} points to ${side(!towardPoison)}.`;
  return out;
}

/** "its odour (foul)": grammatical for every field, yes/no and numeric ones included. */
function valueWords(c: Contribution): string {
  return `its ${c.label.toLowerCase()} (${c.value})`;
}

function joinWords(words: readonly string[], conj: 'and' | 'or'): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${conj} ${words[words.length - 1]}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
