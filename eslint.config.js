import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/generated/**',
      '**/.data/**',
      'coverage/**',
      'e2e/test-results*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The plugin's admin scripts (wp-admin) and the web app run in the browser, not in Node; both take the API
    // contract's types only.
    files: ['wp-plugin/src/**', 'server/web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The API contract's types only: a value import would bundle zod into the screens (scripts/check-build.mjs).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@igny8/shared', message: 'Import the contract with `import type`.', allowTypeImports: true },
            { name: 'zod', message: 'The browser bundles no zod.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Tests import the product, never the other way round (README, Development > Tests).
    files: ['server/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/test/**'], message: 'server/src never imports from server/test.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**', '**/bench/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
