// The dashboard's bell (alerts.inbox.*): the firings of rules that tell an enabled dashboard channel,
// newest first, read or unread per reader (a user's email or `token:<name>`, as saved views' owner).
import { Prisma } from '@jobdeck/db';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { ignoreGone } from './refusals';
import { firingSummary, firingSummaryInclude } from './summaries';

/** Firings whose rule tells an enabled dashboard channel. */
const inInbox = {
  rule: { channels: { some: { channel: { kind: 'dashboard', enabled: true } } } },
} satisfies Prisma.AlertFiringWhereInput;

export async function listInbox(services: Services, principal: Principal, limit: number) {
  const firings = await services.db.alertFiring.findMany({
    where: inInbox,
    include: firingSummaryInclude(principal.name),
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return firings.map(firingSummary);
}

export async function unreadCount(services: Services, principal: Principal) {
  const unread = await services.db.alertFiring.count({
    where: { ...inInbox, reads: { none: { reader: principal.name } } },
  });
  return { unread };
}

/** Marks firings read for the caller: these (ids of firings gone meanwhile are skipped), or all in the bell. */
export async function markRead(services: Services, principal: Principal, request: { ids?: string[]; all?: true }) {
  if (request.ids) {
    const existing = await services.db.alertFiring.findMany({
      where: { id: { in: request.ids } },
      select: { id: true },
    });
    const { count } = await services.db.alertRead
      .createMany({ data: existing.map(({ id }) => ({ firingId: id, reader: principal.name })), skipDuplicates: true })
      // One deleted meanwhile (its rule deleted): ask again, the rest is marked then.
      .catch((error: unknown) => ignoreGone(error) ?? { count: 0 });
    return { marked: count };
  }
  // One statement, however many: a bell unread for months is marked in one go.
  const marked = await services.db.$executeRaw(Prisma.sql`
    INSERT INTO "AlertRead" ("firingId", "reader", "readAt")
    SELECT f."id", ${principal.name}, now()
    FROM "AlertFiring" f
    WHERE EXISTS (
      SELECT 1 FROM "AlertRuleChannel" rc JOIN "AlertChannel" c ON c."id" = rc."channelId"
      WHERE rc."ruleId" = f."ruleId" AND c."kind" = 'dashboard' AND c."enabled"
    )
    ON CONFLICT ("firingId", "reader") DO NOTHING`);
  return { marked };
}
