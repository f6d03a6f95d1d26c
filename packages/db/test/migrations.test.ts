// Proves that prisma/migrations and prisma/schema.prisma agree: a database built by applying the
// migrations must have exactly the catalog of one built from a fresh diff of schema.prisma against
// an empty database. Anyone who edits schema.prisma without adding a migration (or edits a
// migration by hand) fails here, and vitest's diff shows which column, index or constraint drifted.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  applyMigrations,
  dropDatabase,
  ensureDatabase,
  listMigrations,
  migrationsDir,
  type MigrationResult,
} from '../src/migrate.ts';
import { executeSql, readCatalog, type Catalog } from './catalog.ts';

const run = promisify(execFile);
const TIMEOUT = 60_000;
const schemaDiffScript = fileURLToPath(new URL('../scripts/schema-diff.mjs', import.meta.url));

// The server to create scratch databases on: the one DATABASE_URL names, if set, else local postgres.
const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
server.search = '';
const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
const created: string[] = [];

function databaseUrl(name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function createScratchDatabase(label: string): Promise<string> {
  const url = databaseUrl(`jobdeck_migtest_${suffix}_${label}`);
  created.push(url); // recorded before creating, so afterAll drops it even if creation half-fails
  const fresh = await ensureDatabase(url);
  if (!fresh) throw new Error(`scratch database ${url} already existed`);
  return url;
}

/** The SQL that takes an empty database to schema.prisma, from Prisma's (wasm) schema engine. */
async function schemaDiffSql(): Promise<string> {
  const { stdout } = await run(process.execPath, ['--no-warnings', '--experimental-wasm-modules', schemaDiffScript], {
    env: { ...process.env, DATABASE_URL: databaseUrl('postgres') },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path, 'utf8')).digest('hex');
}

describe('prisma migrations', () => {
  let migratedUrl: string; // A: built by applyMigrations()
  let diffedUrl: string; // B: built from the schema-diff SQL
  let diffSql: string;
  let firstRun: MigrationResult;
  let migrated: Catalog;
  let diffed: Catalog;

  beforeAll(async () => {
    migratedUrl = await createScratchDatabase('a');
    diffedUrl = await createScratchDatabase('b');

    firstRun = await applyMigrations(migratedUrl);

    diffSql = await schemaDiffSql();
    await executeSql(diffedUrl, diffSql);

    [migrated, diffed] = await Promise.all([readCatalog(migratedUrl), readCatalog(diffedUrl)]);
  }, TIMEOUT);

  afterAll(async () => {
    const results = await Promise.allSettled(created.map((url) => dropDatabase(url)));
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`${created[i]}: ${result.reason}`] : [],
    );
    if (failures.length) throw new Error(`could not drop scratch databases:\n${failures.join('\n')}`);
  }, TIMEOUT);

  it('applies every migration folder to an empty database', () => {
    expect(listMigrations().length).toBeGreaterThan(0);
    expect(firstRun).toEqual({ applied: listMigrations(), alreadyApplied: [] });
  });

  it('the schema engine produces a non-empty script for schema.prisma', () => {
    expect(diffSql).toMatch(/CREATE TABLE/);
  });

  it('has no drift: the migrated database matches a fresh diff of schema.prisma', () => {
    // Guard against a vacuous pass (two empty catalogs are equal too).
    expect(migrated.tables).toEqual(expect.arrayContaining(['ApiToken', 'Job', 'JobLog', 'User']));
    expect(migrated.tables).not.toContain('_prisma_migrations');
    expect(migrated.columns.length).toBeGreaterThan(0);
    expect(migrated.enums.length).toBeGreaterThan(0);
    expect(migrated.indexes.length).toBeGreaterThan(0);
    expect(migrated.constraints.length).toBeGreaterThan(0);

    expect(migrated).toEqual(diffed);
  });

  it(
    'detects drift: one extra column makes the catalogs differ',
    async () => {
      const probeUrl = await createScratchDatabase('c');
      await executeSql(probeUrl, diffSql);
      // Built exactly as B was, so it matches B before the change (compared with B, not A, so that this
      // test fails only when the comparison itself is broken, not again when there is real drift)...
      expect(await readCatalog(probeUrl)).toEqual(diffed);

      await executeSql(probeUrl, 'ALTER TABLE "Job" ADD COLUMN "driftProbe" integer');
      const drifted = await readCatalog(probeUrl);

      // ...and differs from both A and B after it, by exactly that column.
      expect(drifted).not.toEqual(migrated);
      expect(drifted).not.toEqual(diffed);
      const extra = drifted.columns.filter(
        (column) => !diffed.columns.some((c) => c.table === column.table && c.column === column.column),
      );
      expect(extra).toEqual([{ table: 'Job', column: 'driftProbe', type: 'integer', notNull: false, default: null }]);
      expect({ ...drifted, columns: drifted.columns.filter((c) => c.column !== 'driftProbe') }).toEqual(diffed);
    },
    TIMEOUT,
  );

  it(
    'applying the migrations a second time applies nothing',
    async () => {
      const second = await applyMigrations(migratedUrl);
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toEqual(listMigrations());
      // and changes nothing
      expect(await readCatalog(migratedUrl)).toEqual(migrated);
    },
    TIMEOUT,
  );

  it(
    'records one finished row per migration in _prisma_migrations, with the sha256 of migration.sql',
    async () => {
      const client = new pg.Client({ connectionString: migratedUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{
          migration_name: string;
          checksum: string;
          finished_at: Date | null;
          rolled_back_at: Date | null;
          applied_steps_count: number;
        }>(
          `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
           FROM "_prisma_migrations"`,
        );
        const names = rows.map((row) => row.migration_name).sort();
        expect(names).toEqual(listMigrations()); // exactly one row each: no duplicates, none missing
        for (const row of rows) {
          expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
          expect(row.checksum).toBe(sha256(join(migrationsDir, row.migration_name, 'migration.sql')));
          expect(row.finished_at).toBeInstanceOf(Date);
          expect(row.rolled_back_at).toBeNull();
          expect(row.applied_steps_count).toBe(1);
        }
      } finally {
        await client.end();
      }
    },
    TIMEOUT,
  );
});
