// SvelteKit's root component announces every client-side navigation to screen readers in a visually
// hidden <div id="svelte-announcer" style="…">. That one style attribute is the only inline style
// the app has; the Content-Security-Policy allows it by its hash ('unsafe-hashes' admits hashes of
// attribute values, nothing more). The hash is taken from the installed SvelteKit, so an update that
// changes the attribute keeps the page free of violations (the CSP end-to-end test checks that).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const ROOT_COMPONENT = new URL('../node_modules/@sveltejs/kit/src/core/sync/write_root.js', import.meta.url);

/** @returns {`sha256-${string}`} */
export function announcerStyleHash() {
  const source = readFileSync(ROOT_COMPONENT, 'utf8');
  const style = source.match(/id="svelte-announcer"[^>]*\sstyle="([^"]+)"/)?.[1];
  if (!style) throw new Error(`SvelteKit's navigation announcer has no style attribute in ${ROOT_COMPONENT.pathname} any more: update the CSP in svelte.config.js.`);
  return `sha256-${createHash('sha256').update(style).digest('base64')}`;
}
