import { estimateShownAccuracy, type EstimatedAccuracy } from './estimatedAccuracy';
import { quality, type QualityMetrics } from './quality';

/**
 * Who answered a window. Its rows may have been answered by several versions (production before
 * and after a promotion or a rollback, champion and challenger of an A/B split), and today's
 * production version answered none of yesterday's rows. So a report names the versions with their
 * counts, and measures each version's quality on its own rows only: no figure, and no alert, puts
 * one version's answers on another's account.
 */
export interface AnsweringVersion {
  /** The registry id (modelVersions) and the workspace's number of the version. */
  versionId: number;
  version: number;
  /** Window rows it answered. */
  rows: number;
  /** CBPE over the verdicts it showed on those rows. */
  estimated: EstimatedAccuracy;
  /** Measured on those of its rows that have expert feedback; null without any. */
  actual: QualityMetrics | null;
}

/** A window's rows as far as answers go (ProductionRows has these and more). */
export interface AnsweredRows {
  rows: number;
  versionId: Int32Array;
  version: Int32Array;
  pPoisonous: Float32Array;
  calledEdible: Uint8Array;
  feedback: Uint8Array;
}

/** The versions that answered the rows, most rows first (on a tie, the newer version first). */
export function answeringVersions(w: AnsweredRows): AnsweringVersion[] {
  const byId = new Map<number, number[]>();
  for (let i = 0; i < w.rows; i++) {
    const rows = byId.get(w.versionId[i]);
    if (rows) rows.push(i);
    else byId.set(w.versionId[i], [i]);
  }
  return [...byId.values()]
    .map((idx) => {
      // An A/B split interleaves the versions row by row: gather each one's rows rather than slice.
      const calledEdible = Uint8Array.from(idx, (i) => w.calledEdible[i]);
      const feedback = Uint8Array.from(idx, (i) => w.feedback[i]);
      return {
        versionId: w.versionId[idx[0]],
        version: w.version[idx[0]],
        rows: idx.length,
        estimated: estimateShownAccuracy(
          Float32Array.from(idx, (i) => w.pPoisonous[i]),
          calledEdible,
        ),
        actual: quality({ calledEdible, feedback }, 0, idx.length),
      };
    })
    .sort((a, b) => b.rows - a.rows || b.version - a.version);
}

/** 1234567 → "1,234,567" whatever the runtime's locale data (the worker and Node may have none). */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "v3 (1,200) and v2 (300)", "v3 (1,200), v2 (300) and v1 (12)"; '' when no version answered. */
export function versionsText(versions: readonly Pick<AnsweringVersion, 'version' | 'rows'>[]): string {
  const parts = versions.map((v) => `v${v.version} (${formatCount(v.rows)})`);
  return parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * Who answered a report's window, for a reader. A report saved before reports recorded it has an
 * empty list for a window with rows: that says "not recorded" rather than guess.
 */
export function answeredByText(r: { window: { rows: number }; answeredBy: readonly Pick<AnsweringVersion, 'version' | 'rows'>[] }): string {
  if (!r.window.rows) return 'no rows';
  return r.answeredBy.length ? versionsText(r.answeredBy) : 'not recorded in this saved report';
}

/** One version's part of a window, for a sentence: "v2's answers in <window> (300 of 500 rows)", or "(all 500 rows)". */
export function versionScope(v: Pick<AnsweringVersion, 'version' | 'rows'>, window: { label: string; rows: number }): string {
  const part = v.rows === window.rows ? `all ${formatCount(v.rows)} rows` : `${formatCount(v.rows)} of ${formatCount(window.rows)} rows`;
  return `v${v.version}'s answers in ${window.label} (${part})`;
}
