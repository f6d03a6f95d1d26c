import { z } from 'zod';
import {
  backfillRequest,
  createSchedule,
  getSchedule,
  listSchedules,
  scheduleCommand,
  updateSchedule,
} from '../schedules/service';
import {
  checkSpec,
  OVERLAP_POLICIES,
  overlapToTemporal,
  scheduleCreate,
  scheduleId,
  scheduleUpdate,
  specCheck,
} from '../schedules/spec';
import { adminProcedure, router, viewerProcedure } from '../trpc';

const note = z.string().trim().max(500).optional();

export const schedulesRouter = router({
  /** Every Temporal Schedule of the namespace, with its next runs and its cron expressions in words. */
  list: viewerProcedure.query(({ ctx }) => listSchedules(ctx.services)),

  /** One schedule: spec, policies, state, next runs (Temporal's nextActionTimes), recent runs with outcome. */
  get: viewerProcedure
    .input(z.object({ id: scheduleId }).strict())
    .query(({ ctx, input }) => getSchedule(ctx.services, input.id)),

  /** Checks cron expressions, intervals and a time zone, and says what they mean; nothing is saved. */
  validate: viewerProcedure.input(specCheck).query(({ input }) => checkSpec(input)),

  create: adminProcedure
    .input(scheduleCreate)
    .mutation(({ ctx, input }) => createSchedule(ctx.services, ctx.principal.name, input)),

  update: adminProcedure
    .input(scheduleUpdate)
    .mutation(({ ctx, input }) => updateSchedule(ctx.services, ctx.principal.name, input)),

  delete: adminProcedure
    .input(z.object({ id: scheduleId }).strict())
    .mutation(({ ctx, input }) => scheduleCommand(ctx.services, input.id, (handle) => handle.delete())),

  pause: adminProcedure
    .input(z.object({ id: scheduleId, note }).strict())
    .mutation(({ ctx, input }) =>
      scheduleCommand(ctx.services, input.id, (handle) =>
        handle.pause(input.note || `paused by ${ctx.principal.name}`),
      ),
    ),

  resume: adminProcedure
    .input(z.object({ id: scheduleId, note }).strict())
    .mutation(({ ctx, input }) =>
      scheduleCommand(ctx.services, input.id, (handle) =>
        handle.unpause(input.note || `resumed by ${ctx.principal.name}`),
      ),
    ),

  /** Runs the schedule's action now; by default regardless of what is still running (allow_all). */
  trigger: adminProcedure
    .input(z.object({ id: scheduleId, overlap: z.enum(OVERLAP_POLICIES).default('allow_all') }).strict())
    .mutation(({ ctx, input }) =>
      scheduleCommand(ctx.services, input.id, (handle) => handle.trigger(overlapToTemporal(input.overlap))),
    ),

  /** Runs every action the spec would have taken in a past range. */
  backfill: adminProcedure.input(backfillRequest).mutation(({ ctx, input }) =>
    scheduleCommand(ctx.services, input.id, (handle) =>
      handle.backfill([
        {
          start: new Date(input.start),
          end: new Date(input.end),
          overlap: input.overlap ? overlapToTemporal(input.overlap) : undefined,
        },
      ]),
    ),
  ),
});
