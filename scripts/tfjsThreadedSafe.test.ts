import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { makeThreadedFactorySelfContained } from './tfjsThreadedSafe.js';

const require = createRequire(import.meta.url);
const glue = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');

describe('tfjsThreadedSafe', () => {
  it('leaves the factory that tfjs stringifies for its threads with no reference to the variable outside it', () => {
    const patched = makeThreadedFactorySelfContained(glue);
    // The outer declaration stays (unused); the factory itself no longer reads it.
    const factory = patched.slice(patched.indexOf('function(WasmBackendModuleThreadedSimd)'));
    expect(factory).not.toMatch(/_scriptDir/);
    expect(patched).toContain('var pthreadPoolSize=Math.min(8,Math.max(1,navigator.hardwareConcurrency||1));');
    expect(patched).toContain('return 2*navigator["hardwareConcurrency"]');
  });

  it('stops the build when the glue no longer has the expected text', () => {
    expect(() => makeThreadedFactorySelfContained('var pthreadPoolSize=8;')).toThrow(/tfjsThreadedSafe/);
  });
});
