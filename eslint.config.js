import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// The engine is pure TypeScript that runs in the worker and in Node: it must never reach for the
// page's storage, state, worker plumbing, Svelte or SvelteKit.
const pure = [
  {
    group: ['$lib/db/*', '$lib/state/*', '$lib/worker/*', '$lib/components/*', '**/db/*', '**/state/*', '**/worker/*'],
    message: 'The engine and the renderers are pure: no storage, state or worker imports.',
  },
  { group: ['svelte', 'svelte/*', '$app/*', 'dexie'], message: 'The engine and the renderers run in Node too: no Svelte, SvelteKit or Dexie.' },
];
// The engine computes results; the renderers in lib/report draw them (one report object for the
// page and the exported HTML), so they may import the engine and not the other way round.
const engineBoundary = {
  patterns: [...pure, { group: ['$lib/report/*', '**/report/*'], message: 'The engine computes; lib/report renders: no renderer imports in the engine.' }],
};
const reportBoundary = { patterns: pure };
// A spread argument puts every element on the call stack: push(...rows) or Math.max(...scores)
// throws "Maximum call stack size exceeded" past ~63,000 elements in a Chromium worker. Where data
// flows, loop instead; a bounded case needs an eslint-disable comment that says why it is small.
const noSpreadArguments = [
  'error',
  { selector: 'CallExpression > SpreadElement', message: 'No spread arguments where data flows: a data-sized array overflows the stack. Use a loop.' },
  { selector: 'NewExpression > SpreadElement', message: 'No spread arguments where data flows: a data-sized array overflows the stack. Use a loop.' },
];

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The app is served from the root with no base path: plain hrefs are the resolved ones.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  // Playwright fixtures must destructure their (empty) dependencies.
  { files: ['tests/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  {
    files: ['src/lib/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', engineBoundary] },
  },
  {
    files: ['src/lib/report/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', reportBoundary] },
  },
  {
    files: ['src/lib/engine/**/*.ts', 'src/lib/worker/**/*.ts', 'src/lib/db/**/*.ts', 'src/lib/state/**/*.ts', 'src/lib/report/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': noSpreadArguments },
  },
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'reports/', 'test-results/'] },
);
