import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MILLION_ROW_CHECKS, type MillionRowCheck } from './millionRows.testing';

/**
 * Vitest's own thread has a stack deep enough for a spread of ~120,000 arguments; a browser worker
 * overflows past ~63,000. Each check runs in a worker thread with a 1 MB stack, where a spread of a
 * million elements throws (the canary below proves it), so a push(...rows) that creeps back into
 * the engine fails here instead of on a user's device at 163,000 rows.
 */
const STACK_MB = 1;
const CHECKS = fileURLToPath(new URL('./millionRows.testing.ts', import.meta.url));
const TSX = import.meta.resolve('tsx/esm/api');

const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  try {
    (await import(workerData.tsx)).register();
    const { MILLION_ROW_CHECKS } = await import(workerData.checks);
    parentPort.postMessage({ ok: true, detail: MILLION_ROW_CHECKS[workerData.name]() });
  } catch (e) {
    parentPort.postMessage({ ok: false, detail: e && e.stack ? e.stack : String(e) });
  }
})();
`;

function runInSmallStack(name: MillionRowCheck): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { tsx: TSX, checks: pathToFileURL(CHECKS).href, name }, resourceLimits: { stackSizeMb: STACK_MB } });
    worker.once('message', (m: { ok: boolean; detail: string }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('a million rows through the engine, on a small stack', () => {
  for (const name of Object.keys(MILLION_ROW_CHECKS) as MillionRowCheck[]) {
    it(name, { timeout: 120_000 }, async () => {
      const result = await runInSmallStack(name);
      expect(result.ok, result.detail).toBe(true);
    });
  }
});
