// Imported by the generated service worker (vite.config.ts, workbox.importScripts), before Workbox's
// routes. Cross-origin isolation (COOP + COEP) lets tfjs-wasm run its multi-threaded SIMD build. The
// static server sends the headers and Workbox's precache keeps the headers of the responses it
// stored, but a host that sends none (and a precache filled from one) would leave an offline launch
// unisolated: so every same-origin response the service worker answers with gets the headers it
// lacks. Workbox's generateSW takes no plugins for its precache route, hence the wrap of respondWith.
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function withIsolation(response) {
  // Redirects (the share target's 303) and opaque or error responses pass as they are.
  if (!response || response.type === 'opaqueredirect' || response.type === 'opaque' || response.status < 200 || response.status >= 300) return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const respondWith = FetchEvent.prototype.respondWith;
FetchEvent.prototype.respondWith = function (response) {
  const sameOrigin = new URL(this.request.url).origin === self.location.origin;
  return respondWith.call(this, sameOrigin ? Promise.resolve(response).then(withIsolation) : response);
};
