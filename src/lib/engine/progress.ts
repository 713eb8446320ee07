/** The one progress shape every long job reports: phase name, units done of total, optional detail. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  detail?: string;
}

export type ProgressCallback = (p: Progress) => void;

/**
 * Wraps a callback so it fires at most every `intervalMs` (about 10/s by default),
 * always letting the final `done === total` report through so bars reach 100%.
 */
export function throttleProgress(cb: ProgressCallback | undefined, intervalMs = 100): ProgressCallback {
  if (!cb) return () => {};
  let last = -Infinity;
  return (p) => {
    const now = Date.now();
    if (now - last >= intervalMs || p.done >= p.total) {
      last = now;
      cb(p);
    }
  };
}
