import { redactText, toStorable } from '@jobdeck/workflows';
import type { Principal } from '../auth/tokens';
import { auditParams } from '../errors';
import type { Services } from '../services';

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: 'ok' | 'error';
  from?: string;
  to?: string;
  limit: number;
  /** The id of the last row seen. */
  cursor?: string | null;
}

/** The audit trail, newest first, a page at a time. */
export async function listAudit(services: Services, query: AuditQuery) {
  const rows = await services.db.auditLog.findMany({
    where: {
      actor: query.actor,
      action: query.action,
      target: query.target,
      outcome: query.outcome === 'ok' ? 'ok' : query.outcome === 'error' ? { not: 'ok' } : undefined,
      at: { gte: query.from ? new Date(query.from) : undefined, lte: query.to ? new Date(query.to) : undefined },
      id: query.cursor ? { lt: BigInt(query.cursor) } : undefined,
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => ({
      id: row.id.toString(),
      at: row.at.toISOString(),
      actor: row.actor,
      role: row.role,
      action: row.action,
      target: row.target,
      params: row.params as unknown,
      outcome: row.outcome,
      error: row.error,
      ip: row.ip,
    })),
    nextCursor: rows.length > query.limit ? page.at(-1)!.id.toString() : null,
  };
}

/**
 * An audit row for what is not a tRPC mutation (an export's download): written before the action (an
 * action whose row cannot be written is not carried out, as for mutations), its outcome after.
 */
export async function recordAudit(
  services: Services,
  entry: { principal: Principal; ip: string; action: string; target: string | null; params: object | null },
): Promise<{ done(outcome: string, error?: string): Promise<void> }> {
  const { rows } = await services.sql.query<{ id: string }>(
    `INSERT INTO "AuditLog" ("at", "actor", "role", "action", "target", "params", "outcome", "ip")
     VALUES ($1, $2, $3::"Role", $4, $5, $6::jsonb, 'pending', $7) RETURNING "id"`,
    [
      new Date().toISOString(),
      toStorable(entry.principal.name).slice(0, 254),
      entry.principal.role,
      entry.action,
      entry.target === null ? null : toStorable(redactText(entry.target)).slice(0, 300),
      entry.params === null ? null : JSON.stringify(auditParams(entry.params)),
      toStorable(entry.ip).slice(0, 100),
    ],
  );
  const id = rows[0]!.id;
  return {
    async done(outcome, error) {
      await services.sql
        .query(`UPDATE "AuditLog" SET "outcome" = $1, "error" = $2 WHERE "id" = $3`, [
          outcome,
          error ? toStorable(error).slice(0, 2000) : null,
          id,
        ])
        .catch((failure: Error) =>
          console.error(
            `audit: the outcome of ${entry.action} (row ${id}) was not recorded: ${redactText(failure.message)}`,
          ),
        );
    },
  };
}
