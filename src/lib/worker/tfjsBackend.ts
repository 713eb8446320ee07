import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Bundled by Vite as hashed assets, so the service worker precaches them and no CDN is contacted.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { EngineInfo } from './api';

let ready: Promise<EngineInfo> | null = null;

/** Fewer cores than this: tfjs-wasm runs on one thread even where the page is cross-origin isolated. */
const MIN_CORES_FOR_THREADS = 4;

/**
 * Starts tfjs once per worker: the wasm backend (3–4× faster than cpu for dense models), cpu if wasm
 * fails. Where the worker is cross-origin isolated (SharedArrayBuffer), tfjs picks the threaded SIMD
 * binary itself, with its own thread pool (a blob: worker per thread).
 */
export function initTfjs(): Promise<EngineInfo> {
  ready ??= (async () => {
    const started = performance.now();
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    const cores = globalThis.navigator?.hardwareConcurrency || 1; // no navigator in Node 20 (the worker tests)
    // Threads only with cores to spare. On a quiet 2-core machine the threaded build trained the
    // Secondary MLP in 4.9–5.7 s against 3.6–4.3 s on one thread, and predicted 333k rows/s against
    // 367k: the page and both app workers already share the two cores. Not measured on 4 or more.
    if (cores < MIN_CORES_FOR_THREADS) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // tfjs's default is half the logical cores; one per core, up to 4.
    setThreadsCount(Math.min(4, cores));
    let fallbackReason: string | null = null;
    try {
      if (!(await tf.setBackend('wasm'))) fallbackReason = 'the wasm backend did not initialise';
    } catch (e) {
      fallbackReason = `wasm failed: ${(e as Error).message}`;
    }
    if (fallbackReason) await tf.setBackend('cpu');
    await tf.ready();
    const backend = tf.getBackend();
    const isolated = globalThis.crossOriginIsolated === true;
    return {
      backend,
      tfjsVersion: tf.version.tfjs,
      fallbackReason,
      initMs: Math.round(performance.now() - started),
      crossOriginIsolated: isolated,
      threads: backend === 'wasm' ? getThreadsCount() : 1,
      singleThreaded: !isolated
        ? 'the page is not cross-origin isolated (it is once the app is served with its headers, or reloaded from the installed app)'
        : cores < MIN_CORES_FOR_THREADS
          ? `this device has ${cores} ${cores === 1 ? 'core' : 'cores'}, and with fewer than ${MIN_CORES_FOR_THREADS} the page and both workers already share them (threads were slower)`
          : null,
    };
  })();
  return ready;
}
