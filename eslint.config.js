// Lint rules for every workspace, in one place (npm run lint; npm test runs it after the type-check).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** What workflow code may not import: it runs inside Temporal's deterministic sandbox, replayed from history. */
const sandboxImports = {
  patterns: [
    {
      group: ['node:*'],
      message: "workflow code runs in Temporal's sandbox: no Node built-ins (do it in an activity)",
    },
    {
      group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
      message: 'workflow code imports @temporalio/workflow only',
    },
    {
      group: ['@jobdeck/db', 'ioredis', 'pg', '@prisma/*'],
      message: 'workflow code does no I/O: do it in an activity',
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/src/generated/**', '.data/**', '.tools/**', '**/dist/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js,cjs}'],
    rules: {
      // Node's and the browser's globals are checked by TypeScript; plain .mjs scripts run under Node.
      'no-undef': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // A file past 300 lines: ask whether it holds one thing.
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The dashboard: React's two rules of hooks.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tests read JSON answers whose shape is the thing under test.
    files: ['tests/**', '**/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Temporal's determinism guard, as in its samples: the sandbox folder (the shell every job runs in),
    // each job's workflow.ts, and the plain words of runtime/ that the sandbox imports too.
    files: [
      'packages/workflows/src/sandbox/**',
      'packages/workflows/src/jobs/*/workflow.ts',
      'packages/workflows/src/runtime/{states,roles,envelope,search-attributes,bookkeeping-errors,records/sinks}.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', sandboxImports],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow: a timer in history' },
        { name: 'setInterval', message: 'use sleep() in a loop: a timer in history' },
        { name: 'process', message: "workflow code sees no environment: pass it in the job's input" },
      ],
    },
  },
);
