import { defineConfig } from 'vitest/config';

const slow = { testTimeout: 120_000, hookTimeout: 120_000 };

// One project per kind of suite; scripts/test.mjs runs them in this order and totals them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts', 'apps/*/test/unit/**/*.test.ts', 'scripts/test/**/*.test.mjs'],
        },
      },
      'packages/db',
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // The files share one Temporal server and worker; one at a time keeps their timings honest.
          fileParallelism: false,
          ...slow,
        },
      },
      {
        test: {
          // Attacks and failures: SSRF, brute force, unstorable bytes, secrets, revocation, fuzzing.
          name: 'hostile',
          include: ['tests/hostile/**/*.test.ts'],
          fileParallelism: false,
          ...slow,
        },
      },
      {
        test: {
          // Fault drills: each file starts its own PostgreSQL, Redis, Temporal, worker and API and breaks them.
          name: 'drills',
          include: ['tests/drills/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          ...slow,
          provide: {
            webUrl: process.env.JOBDECK_TEST_WEB_URL ?? '',
            apiUrl: process.env.JOBDECK_TEST_API_URL ?? '',
            adminEmail: 'admin@localhost',
            adminPassword: process.env.JOBDECK_ADMIN_PASSWORD ?? '',
          },
        },
      },
    ],
  },
});
