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
        // The page compiles no WebAssembly itself: tfjs does, in the workers. Chromium, Firefox ESR and
        // WebKitGTK (checked) give a worker the policy of its own response, none from a static host, so
        // there tfjs runs on wasm even without 'wasm-unsafe-eval'; it is here for an engine that would
        // hand a worker the page's policy.
        'script-src': ['self', 'wasm-unsafe-eval'],
        // The two engine workers and the service worker are files of this origin. tfjs-wasm's threaded
        // build (the app is cross-origin isolated) starts its threads as blob: workers, but from inside
        // the engine workers, which get no policy of the page in the engines checked (see above).
        'worker-src': ['self'],
        // Import from URL: the serving worker downloads from any https server the user names, or from
        // this origin (the bundled samples). As above, the worker is not bound by this list in the
        // engines checked; https: is here so that it would still work where it is. Plain http elsewhere
        // is left out: a page served over https could not reach it anyway (mixed content).
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
