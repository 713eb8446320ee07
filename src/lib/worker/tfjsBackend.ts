import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Bundled by Vite as hashed assets, so the service worker precaches them and no CDN is contacted.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { EngineInfo } from './api';

let ready: Promise<EngineInfo> | null = null;

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
    // tfjs's default is half the logical cores (1 on a 2-core device, i.e. no parallelism at all).
    setThreadsCount(Math.min(4, Math.max(1, globalThis.navigator?.hardwareConcurrency || 1))); // no navigator in Node 20 (the worker tests)
    let fallbackReason: string | null = null;
    try {
      if (!(await tf.setBackend('wasm'))) fallbackReason = 'the wasm backend did not initialise';
    } catch (e) {
      fallbackReason = `wasm failed: ${(e as Error).message}`;
    }
    if (fallbackReason) await tf.setBackend('cpu');
    await tf.ready();
    const backend = tf.getBackend();
    return {
      backend,
      tfjsVersion: tf.version.tfjs,
      fallbackReason,
      initMs: Math.round(performance.now() - started),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      threads: backend === 'wasm' ? getThreadsCount() : 1,
    };
  })();
  return ready;
}
