import { INSTALL_HINTS, installPlatform, type InstallPlatform } from './installHint';

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * Installing the app. Chromium offers `beforeinstallprompt`; Safari and Firefox never do, so for them
 * the state carries the words for adding it to the home screen or dock by hand.
 */
export class InstallState {
  #prompt = $state.raw<InstallPromptEvent | null>(null);
  #installed = $state(false);
  readonly hint: string;
  readonly platform: InstallPlatform;

  constructor() {
    const standalone = matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;
    this.#installed = standalone;
    this.platform = installPlatform(navigator.userAgent, navigator.maxTouchPoints);
    this.hint = INSTALL_HINTS[this.platform];
    addEventListener('beforeinstallprompt', (e) => {
      e.preventDefault(); // shown from our own button instead of the browser's mini-bar
      this.#prompt = e as InstallPromptEvent;
    });
    addEventListener('appinstalled', () => {
      this.#installed = true;
      this.#prompt = null;
    });
  }

  /** Running from the home screen or dock (display-mode standalone). */
  get installed() {
    return this.#installed;
  }
  /** The browser offers its own install dialog. */
  get canPrompt() {
    return this.#prompt !== null;
  }

  async install(): Promise<void> {
    const p = this.#prompt;
    if (!p) return;
    this.#prompt = null; // a prompt can be shown once
    await p.prompt();
  }
}
