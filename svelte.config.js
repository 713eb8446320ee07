import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { announcerStyleHash } from './scripts/announcerStyleHash.js';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A pure client app: every route falls back to index.html, served by any static server.
    adapter: adapter({ fallback: 'index.html', strict: false }),
    // The PWA plugin registers its own Workbox service worker; SvelteKit's would miss worker chunks.
    serviceWorker: { register: false },
    alias: { $data: 'data', $artifacts: 'artifacts' },
    version: { name: process.env.npm_package_version ?? '0.0.0' },
    // A strict Content-Security-Policy in every page, as a <meta> tag: a static host sends no headers
    // of ours (so frame-ancestors and report-uri, which a meta tag ignores, are left out). 'hash' mode
    // allows SvelteKit's one inline bootstrap script by its hash; no other inline script runs.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        // The page compiles no WebAssembly itself: tfjs does, in the workers. Chromium and Firefox give
        // a worker the policy of its own response (none from a static host), an engine that hands it
        // the page's policy would refuse the wasm backend without 'wasm-unsafe-eval'.
        'script-src': ['self', 'wasm-unsafe-eval'],
        // The two engine workers and the service worker are files of this origin (tfjs would want blob:
        // only for its threaded build, which needs cross-origin isolation this app does not have).
        'worker-src': ['self'],
        // Import from URL: the serving worker downloads from any https server the user names, or from
        // this origin (the bundled samples). Same as above: allowed here for engines that give the
        // worker the page's policy. Plain http elsewhere is not: a page served over https could not
        // reach it anyway (mixed content).
        'connect-src': ['self', 'https:'],
        'img-src': ['self'],
        // Component styles are files; style: directives and uPlot set styles through the CSSOM, which a
        // policy does not block. The one style attribute is SvelteKit's navigation announcer.
        'style-src': ['self'],
        'style-src-attr': ['unsafe-hashes', announcerStyleHash()],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
      },
    },
  },
};
