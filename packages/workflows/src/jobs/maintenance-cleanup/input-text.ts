// Records written before search existed have no "inputText" (only the application can redact an
// input, so the migration could not write it): each cleanup run fills some, and the record's trigger
// then rebuilds its search text. Until then such a job is found by everything but its input.
import type { ActivityDeps } from '../../runtime/activity-deps';
import { searchableInput } from '../../runtime/search-text';

/** Records filled per run: a daily run catches up with a million old records in under a year, bounded in time each day. */
export const INPUT_TEXT_FILLS_PER_RUN = 5_000;
/** Inputs read at once: an input may be large, 500 of them stay well within memory. */
const BATCH = 500;

/** Fills "inputText" of up to `max` records that have none; returns how many it filled. */
export async function fillInputTexts(
  { sql }: Pick<ActivityDeps, 'sql'>,
  max = INPUT_TEXT_FILLS_PER_RUN,
  signal?: AbortSignal,
): Promise<number> {
  let filled = 0;
  let after = '';
  while (filled < max) {
    signal?.throwIfAborted();
    // In id order from where the last batch ended: each batch reads on from the primary key, not from the start.
    const { rows } = await sql.query<{ id: string; input: unknown }>(
      `SELECT "id", "input" FROM "Job" WHERE "inputText" IS NULL AND "id" > $1 ORDER BY "id" LIMIT $2`,
      [after, Math.min(BATCH, max - filled)],
    );
    if (!rows.length) break;
    const { rowCount } = await sql.query(
      `UPDATE "Job" AS job SET "inputText" = filled."text"
         FROM unnest($1::text[], $2::text[]) AS filled("id", "text")
        WHERE job."id" = filled."id" AND job."inputText" IS NULL`,
      [rows.map((row) => row.id), rows.map((row) => searchableInput(row.input))],
    );
    filled += rowCount ?? 0;
    after = rows.at(-1)!.id;
  }
  return filled;
}
