import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
  },
};
