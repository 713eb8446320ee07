import { DEFAULT_ALERT_RULES, normaliseRules, type AlertRules } from '$lib/engine/monitor/alerts';
import { versionsText } from '$lib/engine/monitor/answeredBy';
import type { MonitorReport } from '$lib/engine/monitor/report';
import type { AlertRow, MonitorSnapshotRow, SporeprintDb } from './db';
import { getSetting, setSetting } from './settings';

const ALERT_RULES_KEY = 'alertRules';
const ALERTS_SEEN_KEY = 'alertsSeenAt';

export async function getAlertRules(db: SporeprintDb): Promise<AlertRules> {
  return normaliseRules(await getSetting(db, ALERT_RULES_KEY, DEFAULT_ALERT_RULES));
}

export async function setAlertRules(db: SporeprintDb, rules: AlertRules): Promise<void> {
  await setSetting(db, ALERT_RULES_KEY, normaliseRules(rules));
}

/** When the user last looked at the alert log (0 = never). */
export function getAlertsSeenAt(db: SporeprintDb): Promise<number> {
  return getSetting(db, ALERTS_SEEN_KEY, 0);
}

export async function markAlertsSeen(db: SporeprintDb, at = Date.now()): Promise<void> {
  await setSetting(db, ALERTS_SEEN_KEY, at);
}

export function listAlerts(db: SporeprintDb, workspaceId: string, limit = 100): Promise<AlertRow[]> {
  return db.alerts.where('[workspaceId+at]').between([workspaceId, -Infinity], [workspaceId, Infinity]).reverse().limit(limit).toArray();
}

/** Stores the alerts a report raised, once per key (rule + window); returns those that are new. */
export async function storeAlerts<T extends Omit<AlertRow, 'id'>>(db: SporeprintDb, alerts: T[]): Promise<T[]> {
  return db.transaction('rw', db.alerts, async () => {
    const fresh: T[] = [];
    for (const a of alerts) {
      if (await db.alerts.where('key').equals(a.key).count()) continue;
      await db.alerts.add(a);
      fresh.push(a);
    }
    return fresh;
  });
}

export async function listSnapshots(db: SporeprintDb, workspaceId: string): Promise<MonitorSnapshotRow[]> {
  const rows = await db.monitorSnapshots.where('[workspaceId+createdAt]').between([workspaceId, -Infinity], [workspaceId, Infinity]).reverse().toArray();
  // A report saved before reports named who answered has no such list, and its rows are not kept to
  // count them: an empty list, which the page and the HTML show as "not recorded".
  return rows.map((s) => (s.report.answeredBy ? s : { ...s, report: { ...s.report, answeredBy: [] } }));
}

export async function saveSnapshot(db: SporeprintDb, report: MonitorReport): Promise<number> {
  const answered = versionsText(report.answeredBy);
  const label = `${report.window.label} · ${answered ? `answered by ${answered}` : 'no rows'}`;
  return (await db.monitorSnapshots.add({ workspaceId: report.workspace.id, createdAt: Date.now(), label, report })) as number;
}
