/**
 * The system Chromium (Debian's /usr/bin/chromium; override with CHROMIUM_PATH) — never a
 * downloaded browser. The flags keep it from calling home, which this machine's network refuses.
 * Plain JS so the end-to-end tests and bench/run.js share it.
 * @returns {import('@playwright/test').LaunchOptions}
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  };
}
