import { z } from 'zod';
import {
  channelAuditInput,
  channelById,
  channelCreate,
  channelUpdate,
  firingById,
  firingsList,
  inboxList,
  inboxMarkRead,
  ruleById,
  ruleCreate,
  ruleEnabled,
  ruleSilence,
  ruleUpdate,
} from '../alerts/inputs';
import { createChannel, deleteChannel, listChannels, testChannel, updateChannel } from '../alerts/channels';
import { evaluateRuleNow } from '../alerts/evaluate-now';
import { getFiring, listFirings } from '../alerts/firings';
import { listInbox, markRead, unreadCount } from '../alerts/inbox';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  setRuleEnabled,
  silenceRule,
  unsilenceRule,
  updateRule,
} from '../alerts/rules';
import { listAlerts } from '../alerts/stuck-jobs';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc';

/** Rules: admins write them; operators silence them and ask for an evaluation now; everyone reads. */
const rulesRouter = router({
  list: viewerProcedure.query(({ ctx }) => listRules(ctx.services)),
  get: viewerProcedure.input(ruleById).query(({ ctx, input }) => getRule(ctx.services, ctx.principal, input.id)),
  create: adminProcedure.input(ruleCreate).mutation(({ ctx, input }) => createRule(ctx.services, ctx.principal, input)),
  update: adminProcedure.input(ruleUpdate).mutation(({ ctx, input }) => updateRule(ctx.services, input.id, input.rule)),
  delete: adminProcedure.input(ruleById).mutation(({ ctx, input }) => deleteRule(ctx.services, input.id)),
  setEnabled: adminProcedure
    .input(ruleEnabled)
    .mutation(({ ctx, input }) => setRuleEnabled(ctx.services, input.id, input.enabled)),
  silence: operatorProcedure
    .input(ruleSilence)
    .mutation(({ ctx, input }) => silenceRule(ctx.services, ctx.principal, input)),
  unsilence: operatorProcedure.input(ruleById).mutation(({ ctx, input }) => unsilenceRule(ctx.services, input.id)),
  /** "Evaluate now": an alerts.evaluate job for this rule alone. */
  evaluate: operatorProcedure
    .input(ruleById)
    .mutation(({ ctx, input }) => evaluateRuleNow(ctx.services, ctx.principal, input.id)),
});

/** Channels: admins write and test them; everyone reads them, secrets masked. */
const channelsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listChannels(ctx.services)),
  create: adminProcedure
    .meta({ auditInput: channelAuditInput })
    .input(channelCreate)
    .mutation(({ ctx, input }) => createChannel(ctx.services, ctx.principal, input)),
  update: adminProcedure
    .meta({ auditInput: channelAuditInput })
    .input(channelUpdate)
    .mutation(({ ctx, input }) => updateChannel(ctx.services, input.id, input.channel)),
  delete: adminProcedure.input(channelById).mutation(({ ctx, input }) => deleteChannel(ctx.services, input.id)),
  test: adminProcedure
    .input(channelById)
    .mutation(({ ctx, input }) => testChannel(ctx.services, ctx.principal, input.id)),
});

const firingsRouter = router({
  list: viewerProcedure.input(firingsList).query(({ ctx, input }) => listFirings(ctx.services, ctx.principal, input)),
  /** Also marks the firing read for the caller. */
  get: viewerProcedure.input(firingById).query(({ ctx, input }) => getFiring(ctx.services, ctx.principal, input.id)),
});

/** The dashboard's bell: firings of rules with an enabled dashboard channel, read per reader. */
const inboxRouter = router({
  list: viewerProcedure.input(inboxList).query(({ ctx, input }) => listInbox(ctx.services, ctx.principal, input.limit)),
  unreadCount: viewerProcedure.query(({ ctx }) => unreadCount(ctx.services, ctx.principal)),
  markRead: viewerProcedure
    .input(inboxMarkRead)
    .mutation(({ ctx, input }) => markRead(ctx.services, ctx.principal, input)),
});

export const alertsRouter = router({
  /** Stuck jobs found by the maintenance.stuck-check schedule: open ones by default, worst first. */
  list: viewerProcedure
    .input(
      z
        .object({ includeResolved: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) })
        .strict()
        .default({ includeResolved: false, limit: 50 }),
    )
    .query(({ ctx, input }) => listAlerts(ctx.services, input)),
  rules: rulesRouter,
  channels: channelsRouter,
  firings: firingsRouter,
  inbox: inboxRouter,
});
