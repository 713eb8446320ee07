// The share target's hand-over between the service worker (static/share-target.js, which cannot
// import this module: keep the two in step) and the page: the shared file waits in this cache.
export const SHARE_CACHE = 'sporeprint-share-target';
export const SHARED_FILE_PATH = '/__shared-file';
export const SHARE_PARAM = 'shared';
export const SHARE_ACTION = '/share-target';
