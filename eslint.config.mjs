// Lint = typescript-eslint's recommended type-aware rules + the determinism guard for workflow code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'test-output/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no AWS SDK, no side effects.
    files: ['workflows/**/*.ts', 'events/**/*.ts', 'policies/**/*.ts'],
    ignores: ['policies/**/*.node.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process'],
              message: 'Workflow-reachable code must not use Node APIs.',
            },
            {
              group: ['@aws-sdk/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Side effects belong in activities/.',
            },
            {
              // Types (activity signatures) are erased at bundling time; values would drag side effects in.
              group: ['**/activities', '**/activities/**', '**/worker/**', '**/simulator/**'],
              allowTypeImports: true,
              message:
                'Workflow-reachable code may import only events/, policies/ and workflows/ (types excepted).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'jest.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
