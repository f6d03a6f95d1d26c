import type { Sql } from '@jobdeck/db';
import type { PostgresFigures } from './types';

export interface PostgresNow extends PostgresFigures {
  tables: Array<{ name: string; totalBytes: number; estimatedRows: number }>;
}

/** Size of the database, its connections (every client's, ours included) and its 5 biggest tables. */
export async function readPostgres(sql: Sql): Promise<PostgresNow> {
  const [database, tables] = await Promise.all([
    sql.query<{ size: string; connections: string }>(
      `SELECT pg_database_size(current_database()) AS size,
              (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections`,
    ),
    // reltuples is the planner's estimate (-1 before the first ANALYZE: then the statistics' live rows).
    sql.query<{ name: string; total: string; rows: string }>(
      `SELECT CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
              pg_total_relation_size(c.oid) AS total,
              CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END AS rows
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.relkind IN ('r', 'p', 'm')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY pg_total_relation_size(c.oid) DESC
        LIMIT 5`,
    ),
  ]);
  const row = database.rows[0];
  return {
    databaseSizeBytes: Number(row?.size ?? 0),
    connections: Number(row?.connections ?? 0),
    tables: tables.rows.map((table) => ({
      name: table.name,
      totalBytes: Number(table.total),
      estimatedRows: Number(table.rows),
    })),
  };
}
