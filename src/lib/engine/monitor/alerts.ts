import { versionScope, versionsText, type AnsweringVersion } from './answeredBy';
import type { MonitorReport } from './report';

export type AlertRuleId = 'dataset-drift' | 'accuracy-below' | 'estimated-accuracy-below' | 'poisonous-called-edible' | 'missing-share-above';

/** The alert rules of Settings. A null limit switches its rule off. */
export interface AlertRules {
  datasetDrift: boolean;
  accuracyBelow: number | null;
  estimatedAccuracyBelow: number | null;
  poisonousCalledEdible: boolean;
  missingShareAbove: number | null;
  /** Also show a system notification (when the browser allows it). */
  notify: boolean;
  /** Share of drifted features at which the data set counts as drifted (Evidently: 0.5). */
  driftShare: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = {
  datasetDrift: true,
  accuracyBelow: 0.95,
  estimatedAccuracyBelow: 0.95,
  poisonousCalledEdible: true,
  missingShareAbove: 0.2,
  notify: false,
  driftShare: 0.5,
};

export interface FiredAlert {
  rule: AlertRuleId;
  /**
   * The version whose answers broke a quality rule (judged on its own rows of the window); null for
   * a rule on the window's data, whose message names every version that answered it.
   */
  version: number | null;
  message: string;
  values: Record<string, number | string>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * Which rules a report breaks, each with a message naming the numbers (pure: the worker stores them).
 * Rules on the data (drift, missing values) speak of the window and name who answered its rows;
 * rules on quality are checked per answering version, on that version's rows alone, so an alert
 * never blames one version for another's answers.
 */
export function evaluateAlerts(report: MonitorReport, rules: AlertRules): FiredAlert[] {
  const answered = versionsText(report.answeredBy);
  const scope: WindowScope = {
    where: answered ? `${report.window.label}, answered by ${answered}` : report.window.label,
    values: { windowRows: report.window.rows, answeredBy: answered },
  };
  return [datasetDriftAlert(report, rules, scope), ...versionAlerts(report, rules), missingShareAlert(report, rules, scope)].filter((a): a is FiredAlert => a !== null);
}

/** How a window-wide alert names its window: its label and who answered it. */
interface WindowScope {
  where: string;
  values: { windowRows: number; answeredBy: string };
}

function datasetDriftAlert(report: MonitorReport, rules: AlertRules, { where, values }: WindowScope): FiredAlert | null {
  const d = report.drift;
  if (!rules.datasetDrift || !d.drifted) return null;
  const top = d.columns
    .filter((c) => c.drifted)
    .slice(0, 3)
    .map((c) => report.features.find((f) => f.name === c.feature)?.label ?? c.feature);
  return {
    rule: 'dataset-drift',
    version: null,
    message: `Dataset drift in ${where}: ${d.count} of ${d.total} features drifted (${pct(d.share)} ≥ ${pct(d.shareThreshold)}), most: ${top.join(', ')}.`,
    values: { drifted: d.count, scored: d.total, share: d.share, threshold: d.shareThreshold, ...values },
  };
}

/** The quality rules, each judged per answering version on its own rows: an alert never blames a version for another's answers. */
function versionAlerts(report: MonitorReport, rules: AlertRules): FiredAlert[] {
  const out: FiredAlert[] = [];
  const byVersion = (rule: AlertRuleId, check: (v: AnsweringVersion, scope: string) => Omit<FiredAlert, 'rule' | 'version'> | null) => {
    for (const v of report.answeredBy) {
      const fired = check(v, versionScope(v, report.window));
      if (fired)
        out.push({ rule, version: v.version, message: fired.message, values: { ...fired.values, version: v.version, versionRows: v.rows, windowRows: report.window.rows } });
    }
  };
  const accuracyBelow = rules.accuracyBelow;
  if (accuracyBelow !== null) {
    byVersion('accuracy-below', ({ actual: a }, scope) =>
      a && a.accuracy < accuracyBelow
        ? {
            message: `Accuracy ${a.accuracy.toFixed(3)} on ${a.labelled} feedbacks of ${scope} is below ${accuracyBelow}.`,
            values: { accuracy: a.accuracy, labelled: a.labelled, limit: accuracyBelow },
          }
        : null,
    );
  }
  const estimatedBelow = rules.estimatedAccuracyBelow;
  if (estimatedBelow !== null) {
    byVersion('estimated-accuracy-below', ({ estimated: e }, scope) =>
      e.accuracy !== null && e.accuracy < estimatedBelow
        ? {
            message: `Estimated accuracy ${e.accuracy.toFixed(3)} (from the model's probabilities, no labels) of ${scope} is below ${estimatedBelow}.`,
            values: { estimated: e.accuracy, rows: e.rows, limit: estimatedBelow },
          }
        : null,
    );
  }
  if (rules.poisonousCalledEdible) {
    byVersion('poisonous-called-edible', ({ actual: a }, scope) =>
      a && a.poisonousCalledEdible > 0
        ? {
            message: `${a.poisonousCalledEdible} poisonous ${a.poisonousCalledEdible === 1 ? 'mushroom was' : 'mushrooms were'} called edible, by expert feedback, among ${scope}.`,
            values: { count: a.poisonousCalledEdible, labelled: a.labelled },
          }
        : null,
    );
  }
  return out;
}

/**
 * Above the limit and above the reference: a column that is mostly missing in the training data too
 * (Secondary's veil type, 95 %) is how the data is, not a new problem.
 */
function missingShareAlert(report: MonitorReport, rules: AlertRules, { where, values }: WindowScope): FiredAlert | null {
  const limit = rules.missingShareAbove;
  if (limit === null) return null;
  const over = report.drift.columns.filter((c) => (c.missing.current ?? 0) > limit && (c.missing.current ?? 0) > (c.missing.reference ?? 0));
  if (!over.length) return null;
  const worst = over.reduce((m, c) => ((c.missing.current ?? 0) > (m.missing.current ?? 0) ? c : m));
  const label = report.features.find((f) => f.name === worst.feature)?.label ?? worst.feature;
  return {
    rule: 'missing-share-above',
    version: null,
    message: `Missing values above ${pct(limit)} (and above the reference) in ${over.length} ${over.length === 1 ? 'feature' : 'features'} of ${where}; worst: ${label} ${pct(worst.missing.current ?? 0)}.`,
    values: { features: over.length, worst: worst.feature, share: worst.missing.current ?? 0, limit, ...values },
  };
}

/** Settings may hold rules saved by an older version: unknown or malformed fields take the defaults. */
export function normaliseRules(value: unknown): AlertRules {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const bool = (k: keyof AlertRules) => (typeof v[k] === 'boolean' ? (v[k] as boolean) : (DEFAULT_ALERT_RULES[k] as boolean));
  const limit = (k: keyof AlertRules) => (v[k] === null ? null : typeof v[k] === 'number' && Number.isFinite(v[k]) ? (v[k] as number) : (DEFAULT_ALERT_RULES[k] as number | null));
  return {
    datasetDrift: bool('datasetDrift'),
    accuracyBelow: limit('accuracyBelow'),
    estimatedAccuracyBelow: limit('estimatedAccuracyBelow'),
    poisonousCalledEdible: bool('poisonousCalledEdible'),
    missingShareAbove: limit('missingShareAbove'),
    notify: bool('notify'),
    driftShare: typeof v.driftShare === 'number' && v.driftShare > 0 && v.driftShare <= 1 ? v.driftShare : DEFAULT_ALERT_RULES.driftShare,
  };
}
