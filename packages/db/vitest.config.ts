import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'db',
    // Explicit, so that `vitest --config packages/db/vitest.config.ts` from the repo root finds the same files.
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // The migration tests create databases and load Prisma's wasm schema engine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
