import pg from 'pg';

/**
 * A snapshot of what a database's `public` schema contains, read with plain SQL from pg_catalog,
 * so that two databases built different ways (migrations vs. a fresh diff of schema.prisma) can be
 * compared with a single deep equality. Prisma's own bookkeeping table `_prisma_migrations` (and
 * everything that hangs off it: its columns, its primary key and that key's index) is left out,
 * because only the database built by migrations has it.
 *
 * Every list is sorted by plain code-unit order in JavaScript, not by SQL ORDER BY, so the result
 * does not depend on the database's collation. Columns are sorted by name, not by position: a
 * column added by a later migration lands at the end of its table, while a fresh diff puts it where
 * the model declares it, and that difference is not drift (Prisma ignores column order as well).
 */
export interface Catalog {
  tables: string[];
  columns: ColumnInfo[];
  enums: EnumInfo[];
  indexes: string[];
  constraints: ConstraintInfo[];
}

export interface ColumnInfo {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface EnumInfo {
  name: string;
  labels: string[];
}

export interface ConstraintInfo {
  table: string;
  name: string;
  type: string;
  definition: string;
}

export const SCHEMA = 'public';
export const EXCLUDED_TABLES = ['_prisma_migrations'];

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortBy<T>(rows: T[], ...keys: ((row: T) => string)[]): T[] {
  return [...rows].sort((x, y) => {
    for (const key of keys) {
      const order = compare(key(x), key(y));
      if (order !== 0) return order;
    }
    return 0;
  });
}

export async function readCatalog(databaseUrl: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const params = [SCHEMA, EXCLUDED_TABLES];

    // Ordinary and partitioned tables; views, sequences and the like are not part of a Prisma schema.
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY ($2::text[]))`,
      params,
    );

    const columns = await client.query<ColumnInfo>(
      `SELECT c.relname AS "table",
              a.attname AS "column",
              pg_catalog.format_type(a.atttypid, a.atttypmod) AS "type",
              a.attnotnull AS "notNull",
              pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default"
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY ($2::text[]))
          AND a.attnum > 0 AND NOT a.attisdropped`,
      params,
    );

    // array_agg(... ORDER BY enumsortorder) keeps the labels in their declared order, which matters.
    const enums = await client.query<EnumInfo>(
      `SELECT t.typname AS name,
              array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_catalog.pg_type t
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname = $1
        GROUP BY t.typname`,
      [SCHEMA],
    );

    const indexes = await client.query<{ definition: string }>(
      `SELECT pg_catalog.pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND NOT (t.relname = ANY ($2::text[]))`,
      params,
    );

    // Table and domain constraints alike (a domain's has no table: conrelid = 0, so table is '').
    const constraints = await client.query<ConstraintInfo>(
      `SELECT COALESCE(t.relname, '') AS "table",
              con.conname AS name,
              con.contype::text AS type,
              pg_catalog.pg_get_constraintdef(con.oid, true) AS definition
         FROM pg_catalog.pg_constraint con
         JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
         LEFT JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
        WHERE n.nspname = $1 AND NOT (COALESCE(t.relname, '') = ANY ($2::text[]))`,
      params,
    );

    return {
      tables: tables.rows.map((row) => row.name).sort(compare),
      columns: sortBy(
        columns.rows,
        (row) => row.table,
        (row) => row.column,
      ),
      enums: sortBy(enums.rows, (row) => row.name),
      indexes: indexes.rows.map((row) => row.definition).sort(compare),
      constraints: sortBy(
        constraints.rows,
        (row) => row.table,
        (row) => row.name,
        (row) => row.type,
        (row) => row.definition,
      ),
    };
  } finally {
    await client.end();
  }
}

/** Runs a script of one or more SQL statements (no parameters) against a database. */
export async function executeSql(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
