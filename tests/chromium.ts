import type { LaunchOptions } from '@playwright/test';

/**
 * The system Chromium (Debian's /usr/bin/chromium; override with CHROMIUM_PATH) — never a
 * downloaded browser. The flags keep it from calling home, which this machine's network refuses.
 */
export function chromiumLaunchOptions(): LaunchOptions {
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
