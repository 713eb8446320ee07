import { getDb, type AlertRow } from '$lib/db/db';
import { getAlertRules, getAlertsSeenAt, listAlerts, markAlertsSeen, setAlertRules } from '$lib/db/monitor';
import { DEFAULT_ALERT_RULES, type AlertRules, type FiredAlert } from '$lib/engine/monitor/alerts';
import { trainer } from '$lib/worker/client';
import { LiveQuery, WorkspaceQuery } from './liveQuery.svelte';
import type { WorkspaceState } from './workspace.svelte';

/**
 * Monitoring alerts, on every page: the log, the banner of alerts not seen yet, the rules, and the
 * check of each batch as it is predicted. Light on purpose: the Monitor page's own state is made
 * only when that page opens.
 */
export class AlertsState {
  readonly #alerts: WorkspaceQuery<AlertRow[]>;
  readonly #rules = new LiveQuery(() => getAlertRules(getDb()), DEFAULT_ALERT_RULES);
  readonly #seenAt = new LiveQuery(() => getAlertsSeenAt(getDb()), Number.POSITIVE_INFINITY);

  constructor(workspace: WorkspaceState) {
    this.#alerts = new WorkspaceQuery(
      () => workspace.currentId,
      (id) => listAlerts(getDb(), id),
      [],
    );
  }

  get log(): AlertRow[] {
    return this.#alerts.current;
  }
  get rules(): AlertRules {
    return this.#rules.current;
  }
  /** The stored rules have arrived (until then the form must not be edited: their arrival would reset it). */
  get rulesLoaded(): boolean {
    return this.#rules.loaded;
  }
  /** Alerts raised since the user last looked at the Monitor page. */
  get unseen(): AlertRow[] {
    return this.log.filter((a) => a.at > this.#seenAt.current);
  }

  async markSeen(): Promise<void> {
    await markAlertsSeen(getDb());
  }

  async setRules(rules: AlertRules): Promise<void> {
    if (rules.notify && typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
    await setAlertRules(getDb(), rules);
  }

  /** After a batch prediction: its drift and alerts, in the background worker, whatever page is open. */
  async checkBatch(workspaceId: string, batchId: number): Promise<void> {
    try {
      this.notify((await trainer().computeMonitor(workspaceId, { kind: 'batch', batchId })).raised);
    } catch (e) {
      console.error('monitoring the batch failed', e);
    }
  }

  /** A system notification per new alert, when the rules ask for it and the browser allows it. */
  notify(raised: FiredAlert[]): void {
    if (!raised.length || !this.rules.notify || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const a of raised) new Notification('Sporeprint alert', { body: a.message, tag: a.rule });
  }
}
