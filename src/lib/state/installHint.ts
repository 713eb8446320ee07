/** How to add the app to the home screen or dock where the browser offers no install prompt. */
export type InstallPlatform = 'ios' | 'mac-safari' | 'firefox-desktop' | 'android' | 'other';

/** From the user agent (and touch points: iPadOS reports itself as a Mac). */
export function installPlatform(userAgent: string, maxTouchPoints = 0): InstallPlatform {
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  if (ios) return 'ios';
  if (/Android/.test(userAgent)) return 'android';
  if (/Firefox\//.test(userAgent)) return 'firefox-desktop';
  if (/Macintosh/.test(userAgent) && /Version\/[\d.]+.*Safari\//.test(userAgent) && !/Chrome|Chromium|Edg\//.test(userAgent)) return 'mac-safari';
  return 'other';
}

export const INSTALL_HINTS: Record<InstallPlatform, string> = {
  ios: 'On iPhone and iPad: tap Share, then “Add to Home Screen”. Installed, Sporeprint opens full screen, works offline, and Safari keeps its data instead of deleting it after seven days without a visit.',
  'mac-safari': 'In Safari on a Mac: File → Add to Dock.',
  'firefox-desktop': 'Firefox on a computer cannot install web apps: Sporeprint still works offline in a tab once it has loaded.',
  android: 'Open the browser menu (⋮) and choose “Install app” or “Add to Home screen”.',
  other: 'Use your browser’s menu: “Install app”, “Add to Home Screen” or “Add to Dock”.',
};
