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
