import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// The engine is pure TypeScript that runs in the worker and in Node: it must never reach for the
// page's storage, state, worker plumbing, Svelte or SvelteKit.
const engineBoundary = {
  patterns: [
    { group: ['$lib/db/*', '$lib/state/*', '$lib/worker/*', '$lib/components/*', '**/db/*', '**/state/*', '**/worker/*'], message: 'The engine is pure: no storage, state or worker imports.' },
    { group: ['svelte', 'svelte/*', '$app/*', 'dexie'], message: 'The engine runs in Node too: no Svelte, SvelteKit or Dexie.' },
  ],
};

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
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'reports/', 'test-results/'] },
);
