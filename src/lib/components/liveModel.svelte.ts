import type { ModelVersionRow } from '$lib/db/db';
import { appState } from '$lib/state/app.svelte';

const openedAt = Date.now();
let dismissed = $state<number | null>(null);

/**
 * The production version when a retraining put it live while the app is open (in this tab or
 * another), else null. Reactive when read inside `$derived` or markup.
 */
export function newlyLive(): ModelVersionRow | null {
  const p = appState().models.production;
  const promoted = p?.history.findLast((h) => h.to === 'production');
  return p && p.source === 'retrained' && promoted && promoted.at > openedAt ? p : null;
}

/** The "vN is live" notice, until its OK is pressed. */
export function liveNotice(): ModelVersionRow | null {
  const p = newlyLive();
  return p && dismissed !== p.id ? p : null;
}

export function dismissLiveNotice(id: number): void {
  dismissed = id;
}

/** Why the retraining ran, in words ("10 new feedbacks"). */
export function retrainReason(p: ModelVersionRow): string {
  return p.history[0]?.reason ?? 'new feedback';
}
