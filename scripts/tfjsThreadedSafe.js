/**
 * tfjs-backend-wasm starts each thread of its multi-threaded build (used when the worker is
 * cross-origin isolated) from the text of its Emscripten factory: `factory.toString()` is put in a
 * blob and evaluated in every pthread worker. The factory refers to one variable outside itself,
 * `_scriptDir`, behind `typeof _scriptDir !== "undefined"`; minified, the variable is renamed and the
 * typeof guard dropped, so every thread died with "ReferenceError: e is not defined" and tfjs never
 * started. Neither use matters here (tfjs sets `mainScriptUrlOrBlob` and locates every file itself,
 * and in a worker `_scriptDir` is undefined anyway), so this plugin removes them.
 *
 * The glue also starts 8 pthread workers up front in each tfjs instance (each app worker has one),
 * whatever the device; one per logical core is enough, and Emscripten adds more on demand. And
 * tfjs caps its thread pool at half of `navigator.hardwareConcurrency` (it assumes two hardware
 * threads per core), which is one thread on a 2-core device: the threaded build then only adds
 * cost. The glue's core count is doubled so that the cap becomes the core count;
 * worker/tfjsBackend.ts chooses the threads (setThreadsCount).
 * If the glue changes, the build stops here, so the fix is checked again rather than lost.
 */
export const SCRIPT_DIR_USES = [
  ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
  ['Module["mainScriptUrlOrBlob"]||_scriptDir', 'Module["mainScriptUrlOrBlob"]'],
  [
    'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return navigator["hardwareConcurrency"]}',
    'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return 2*navigator["hardwareConcurrency"]}',
  ],
  ['var pthreadPoolSize=8;', 'var pthreadPoolSize=Math.min(8,Math.max(1,navigator.hardwareConcurrency||1));'],
];

/** @param {string} code */
export function makeThreadedFactorySelfContained(code) {
  let out = code;
  for (const [use, replacement] of SCRIPT_DIR_USES) {
    if (!out.includes(use))
      throw new Error(
        `tfjs-backend-wasm's threaded glue no longer contains \`${use}\`: check whether its threads still start when minified, then update scripts/tfjsThreadedSafe.js`,
      );
    out = out.replace(use, replacement);
  }
  return out;
}

/** @returns {import('vite').Plugin} */
export function tfjsThreadedSafe() {
  return {
    name: 'sporeprint:tfjs-threaded-safe',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/.test(id.split('?')[0])) return null;
      return { code: makeThreadedFactorySelfContained(code), map: null };
    },
  };
}
