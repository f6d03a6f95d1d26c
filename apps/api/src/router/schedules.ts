import { z } from 'zod';
import {
  backfillRequest,
  backfillSchedule,
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  triggerSchedule,
  updateSchedule,
} from '../schedules/service';
import { OVERLAP_POLICIES } from '@jobdeck/workflows';
import { checkSpec, scheduleCreate, scheduleId, scheduleUpdate, specCheck } from '../schedules/spec';
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
    .mutation(({ ctx, input }) => deleteSchedule(ctx.services, input.id)),

  pause: adminProcedure
    .input(z.object({ id: scheduleId, note }).strict())
    .mutation(({ ctx, input }) => pauseSchedule(ctx.services, input.id, ctx.principal.name, input.note)),

  resume: adminProcedure
    .input(z.object({ id: scheduleId, note }).strict())
    .mutation(({ ctx, input }) => resumeSchedule(ctx.services, input.id, ctx.principal.name, input.note)),

  /** Runs the schedule's action now; by default regardless of what is still running (allow_all). */
  trigger: adminProcedure
    .input(z.object({ id: scheduleId, overlap: z.enum(OVERLAP_POLICIES).default('allow_all') }).strict())
    .mutation(({ ctx, input }) => triggerSchedule(ctx.services, input.id, input.overlap)),

  /** Runs every action the spec would have taken in a past range. */
  backfill: adminProcedure.input(backfillRequest).mutation(({ ctx, input }) => backfillSchedule(ctx.services, input)),
});
