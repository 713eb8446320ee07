/**
 * Node only (unit tests and the CLI that builds artifacts/): never import this from the worker or a
 * page — it uses node:module and node:path. The browser worker has its own init (worker/tfjsBackend.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

let ready: Promise<string> | null = null;

/**
 * Sets the wasm backend in Node (the .wasm files are read from the installed package's dist folder),
 * falling back to cpu if wasm cannot start. Returns the backend in use. `SPOREPRINT_TFJS_BACKEND=cpu`
 * forces cpu (to compare speeds or rule wasm out).
 */
export function initTfjsForNode(): Promise<string> {
  ready ??= (async () => {
    if (process.env.SPOREPRINT_TFJS_BACKEND !== 'cpu') {
      try {
        const require = createRequire(import.meta.url);
        setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + sep);
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return tf.getBackend();
        }
      } catch {
        // fall through to cpu
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}
