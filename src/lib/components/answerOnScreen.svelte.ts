import { page } from '$app/state';
import { appState } from '$lib/state/app.svelte';

/**
 * True while the Predict page shows an answer. A passing notice floating over it could hide the
 * verdict or its "not advice on what to eat" line, so such notices wait until the answer is cleared
 * or the user moves on. Reactive when read inside `$derived` or markup.
 */
export function answerOnScreen(): boolean {
  return page.url.pathname === '/predict' && appState().predict.result !== null;
}
