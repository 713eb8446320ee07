// Imported by the generated service worker (vite.config.ts, workbox.importScripts). A CSV shared to
// the installed app arrives as a POST to /share-target (manifest share_target): keep the file in a
// cache and send the page to /predict?shared, where FileArrival asks what to do with it. Names must
// match src/lib/shareTarget.ts.
const SHARE_CACHE = 'sporeprint-share-target';
const SHARED_FILE_PATH = '/__shared-file';

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== '/share-target') return;
  event.respondWith(
    (async () => {
      const form = await event.request.formData();
      const file = form.get('file');
      if (file && typeof file !== 'string') {
        const cache = await caches.open(SHARE_CACHE);
        const headers = { 'content-type': file.type || 'text/csv', 'x-file-name': encodeURIComponent(file.name || 'shared.csv') };
        await cache.put(SHARED_FILE_PATH, new Response(file, { headers }));
      }
      return Response.redirect('/predict?shared', 303);
    })(),
  );
});
