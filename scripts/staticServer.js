// A static server with SPA fallback for the built app: used by `npm start`, the end-to-end tests
// and the benchmarks, so all three serve exactly the same files the same way.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sirv from 'sirv';

/**
 * Cross-origin isolation (COOP + COEP) on every response: it gives the pages and the workers
 * SharedArrayBuffer, so tfjs-wasm loads its multi-threaded SIMD build. Same-origin files need no
 * Cross-Origin-Resource-Policy. Workbox's precache keeps the headers of the responses it stored, so
 * offline launches stay isolated; a host that sends no such headers gets a single-threaded tfjs.
 */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * @param {{ dir?: string, port?: number, dev?: boolean, headScript?: string, isolation?: boolean }} [options]
 *   dev: re-read files on every request (tests change sw.js to simulate a new release).
 *   headScript: a script put first in every HTML page served (the cross-engine tests record the
 *   page's uncaught errors with it, in engines whose driver cannot listen for them).
 *   isolation: send the cross-origin isolation headers (default true; false to measure without them).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function startStaticServer({ dir = 'build', port = 0, dev = false, headScript, isolation = true } = {}) {
  const root = resolve(dir);
  if (!existsSync(resolve(root, 'index.html'))) {
    return Promise.reject(new Error(`No build found in ${root}. Run "npm run build" first (or "npm start", which builds).`));
  }
  const assets = sirv(root, {
    single: 'index.html',
    etag: true,
    dev,
    setHeaders(res, pathname) {
      // The service worker, HTML and manifest must never be HTTP-cached, or updates are not seen.
      if (pathname === '/sw.js' || pathname.endsWith('.html') || pathname === '/manifest.webmanifest') res.setHeader('Cache-Control', 'no-cache');
      else if (pathname.startsWith('/_app/immutable/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  const notFound = (/** @type {import('node:http').ServerResponse} */ res) => {
    res.statusCode = 404;
    res.end('Not found');
  };
  const withScript = headScript && readFileSync(resolve(root, 'index.html'), 'utf8').replace('<head>', `<head><script>${headScript}</script>`);
  // The SPA's only HTML is index.html: served for /index.html and for any path that is not a file.
  const isPage = (/** @type {string} */ url) => {
    const path = new URL(url, 'http://x').pathname;
    return path.endsWith('.html') ? path === '/index.html' : !/\.[a-z0-9]+$/i.test(path);
  };
  const server = createServer((req, res) => {
    if (isolation) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    if (withScript && isPage(req.url ?? '/')) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(withScript);
      return;
    }
    assets(req, res, () => notFound(res));
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      resolvePromise({
        url: `http://localhost:${actual}`,
        port: actual,
        // Cuts open keep-alive connections too: a closed server must really be unreachable.
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
