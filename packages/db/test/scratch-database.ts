import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { applyMigrations, dropDatabase, ensureDatabase } from '../src/migrate.ts';

/**
 * The URL of a database of the test file's own, on the server DATABASE_URL names (else local
 * postgres): created and migrated before the file's tests, dropped after them. Hooks the file adds
 * later run inside these (after* hooks run in reverse order), so its connections end before the drop.
 */
export function migratedDatabase(label: string): string {
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  server.search = '';
  server.pathname = `/jobdeck_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = server.toString();
  beforeAll(async () => {
    await ensureDatabase(url);
    await applyMigrations(url);
  });
  afterAll(() => dropDatabase(url));
  return url;
}
