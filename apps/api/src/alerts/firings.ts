// The history of firings (alerts.firings.*): newest first, a page at a time, each saying whether the
// caller has read it. Opening one marks it read for the caller.
import type { Prisma } from '@jobdeck/db';
import { z } from 'zod';
import { DomainError } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { badField, ignoreGone } from './refusals';
import { effectiveState, firingSummary, firingSummaryInclude } from './summaries';

/** Where the next page starts: the last firing shown, by (startedAt, id), both descending. */
const position = z.tuple([z.iso.datetime(), z.uuid()]);

function encodeCursor(startedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startedAt.toISOString(), id])).toString('base64url');
}

/** Any cursor is only a position in a list every viewer may read: checked for shape, not signed. */
function decodeCursor(text: string): { startedAt: Date; id: string } {
  let parsed: ReturnType<typeof position.safeParse>;
  try {
    parsed = position.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    parsed = { success: false } as ReturnType<typeof position.safeParse>;
  }
  if (!parsed.success)
    throw badField(['cursor'], 'not a cursor alerts.firings.list gave out; start from the first page');
  return { startedAt: new Date(parsed.data[0]), id: parsed.data[1] };
}

export async function listFirings(
  services: Services,
  principal: Principal,
  request: { ruleId?: string; open?: boolean; limit: number; cursor?: string | null },
) {
  const after = request.cursor ? decodeCursor(request.cursor) : null;
  const where: Prisma.AlertFiringWhereInput = {
    ...(request.ruleId ? { ruleId: request.ruleId } : {}),
    ...(request.open === undefined ? {} : { resolvedAt: request.open ? null : { not: null } }),
    ...(after
      ? {
          OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }],
        }
      : {}),
  };
  const rows = await services.db.alertFiring.findMany({
    where,
    include: firingSummaryInclude(principal.name),
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: request.limit + 1,
  });
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  return {
    items: page.map(firingSummary),
    nextCursor: rows.length > request.limit && last ? encodeCursor(last.startedAt, last.id) : null,
  };
}

/** One firing with its rule and the notifications it made; reading it marks it read for the caller. */
export async function getFiring(services: Services, principal: Principal, id: string) {
  const firing = await services.db.alertFiring.findUnique({
    where: { id },
    include: {
      ...firingSummaryInclude(principal.name),
      rule: true,
      notifications: {
        include: { channel: { select: { id: true, name: true, kind: true } } },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  if (!firing) throw new DomainError('NOT_FOUND', `no alert firing ${id}`);
  // A firing deleted since (its rule deleted) has nothing left to mark: the answer stands as read.
  await services.db.alertRead
    .createMany({ data: [{ firingId: id, reader: principal.name }], skipDuplicates: true })
    .catch(ignoreGone);
  const jobIds = firing.notifications.flatMap((notification) => notification.jobId ?? []);
  const jobs = jobIds.length
    ? await services.db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true, state: true } })
    : [];
  const states = new Map(jobs.map((job) => [job.id, job.state as string]));
  const { rule } = firing;
  return {
    ...firingSummary(firing),
    read: true,
    rule: {
      id: rule.id,
      name: rule.name,
      kind: rule.kind,
      state: effectiveState(rule),
      silencedUntil: rule.silencedUntil && rule.silencedUntil > new Date() ? rule.silencedUntil.toISOString() : null,
    },
    notifications: firing.notifications.map((notification) => ({
      id: notification.id,
      event: notification.event,
      channel: notification.channel,
      jobId: notification.jobId,
      jobState: notification.jobId ? (states.get(notification.jobId) ?? 'queued') : 'pending',
      createdAt: notification.createdAt.toISOString(),
    })),
  };
}
