import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import { uplotSafeLocale } from './scripts/uplotSafeLocale.js';
import { tfjsThreadedSafe } from './scripts/tfjsThreadedSafe.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // Recorded with every training run and model bundle.
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  plugins: [
    uplotSafeLocale(),
    sveltekit(),
    SvelteKitPWA({
      registerType: 'prompt',
      strategies: 'generateSW',
      injectRegister: false,
      manifest: {
        name: 'Sporeprint — mushroom MLOps on your device',
        short_name: 'Sporeprint',
        description: 'Train, serve and monitor mushroom edibility models entirely in the browser. A data-science tool, not advice on what to eat.',
        theme_color: '#5b3a29',
        background_color: '#f7f2e7',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        shortcuts: [
          { name: 'Predict a mushroom', short_name: 'Predict', url: '/predict', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: 'Monitor drift and quality', short_name: 'Monitor', url: '/monitor', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
        ],
        // The installed app opens .csv files and receives CSVs shared from other apps; either way
        // FileArrival asks whether to predict them or import them (src/lib/components/FileArrival.svelte).
        file_handlers: [{ action: '/predict', accept: { 'text/csv': ['.csv'] } }],
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'file', accept: ['text/csv', '.csv'] }] },
        },
        // A second launch (or a file opened with the app) lands in the window already open.
        launch_handler: { client_mode: ['focus-existing', 'auto'] },
      },
      workbox: {
        // Worker chunks, the tfjs .wasm binaries, model bundles and samples must all be precached.
        globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webmanifest,wasm,json,csv}'],
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/\.[a-z0-9]+$/i],
        cleanupOutdatedCaches: true,
        // The first install takes control at once (so the first visit is enough for offline); later
        // versions wait for the user's "reload" (registerType: 'prompt').
        clientsClaim: true,
        // The share target's POST handler (static/share-target.js), run before Workbox's routes.
        importScripts: ['share-target.js'],
      },
      kit: { spa: true, adapterFallback: 'index.html' },
      devOptions: { enabled: false },
    }),
  ],
  // Served through the plugins in dev too, so uplotSafeLocale applies there as in the build.
  optimizeDeps: { exclude: ['uplot'] },
  worker: {
    format: 'es',
    plugins: () => [tfjsThreadedSafe()],
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'tfjs', test: /node_modules[\\/]@tensorflow/ }] } } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Under CI a JSON report feeds the "N passed, N failed" line of .ci/run.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'reports/unit.json' },
  },
});
