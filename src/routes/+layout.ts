// A client-only app: IndexedDB, workers and the service worker exist only in the browser.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
