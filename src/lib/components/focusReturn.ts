/**
 * Gives the focus back to what opened a dialog (or an inline review) when it closes, by Escape,
 * Cancel or Confirm. Chromium restores it for a modal <dialog> by itself, but not for an inline
 * panel, and no browser can when the confirmed action removes or moves the opener (a "Promote"
 * button is gone once its version is production). That change lands later (a database write, then a
 * live query), so the page is watched until the user acts again: if the focus falls to the page's
 * body meanwhile, it goes back to the opener or, when the opener is gone, to `fallback`. Otherwise a
 * keyboard or screen-reader user is thrown back to the top of the page.
 */
export function focusReturn() {
  let opener: HTMLElement | null = null;
  return {
    /** `el`: the control that opened it (Safari does not focus a clicked button, so pass it when known). */
    remember(el?: EventTarget | null) {
      opener = el instanceof HTMLElement ? el : document.activeElement instanceof HTMLElement ? document.activeElement : null;
    },
    restore(fallback?: () => HTMLElement | null) {
      const target = opener;
      opener = null;
      if (!target) return;
      const place = () => (target.isConnected ? target : (fallback?.() ?? null));
      place()?.focus();
      const observer = new MutationObserver(() => {
        if (document.activeElement !== null && document.activeElement !== document.body) return;
        const next = place();
        if (next) next.focus();
      });
      const stop = () => {
        observer.disconnect();
        removeEventListener('pointerdown', stop, true);
        removeEventListener('keydown', stop, true);
      };
      observer.observe(document.body, { childList: true, subtree: true });
      // The user's next move is theirs: from then on the focus is not moved for them.
      addEventListener('pointerdown', stop, true);
      addEventListener('keydown', stop, true);
      setTimeout(stop, 10_000);
    },
  };
}
