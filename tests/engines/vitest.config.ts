import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// The cross-engine suite (Firefox ESR, WebKitGTK): Node drives the real browsers against the static
// build, one file per engine, the two files side by side.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['tests/engines/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Under CI a JSON report feeds the "N passed, N failed" line of .ci/run.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'reports/engines.json' },
  },
});
