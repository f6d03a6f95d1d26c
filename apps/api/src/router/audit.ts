import { z } from 'zod';
import { dateTime } from '@jobdeck/workflows/control';
import { listAudit } from '../audit/service';
import { adminProcedure, router } from '../trpc';

/** `actions` names every mutation of the router it is part of: what the audit trail can hold. */
export const createAuditRouter = (auditedActions: () => string[]) =>
  router({
    /** Every action the audit trail records (each mutation of the API), for the dashboard's filter. */
    actions: adminProcedure.query(() => auditedActions()),
    /** Newest first; the cursor is the id of the last row seen. */
    list: adminProcedure
      .input(
        z
          .object({
            actor: z.string().max(254).optional(),
            action: z
              .string()
              .regex(/^[a-zA-Z.]+$/, 'action is a procedure such as jobs.cancel')
              .max(100)
              .optional(),
            target: z.string().max(300).optional(),
            outcome: z.enum(['ok', 'error']).optional(),
            from: dateTime('from').optional(),
            to: dateTime('to').optional(),
            limit: z.number().int().min(1).max(200).default(50),
            cursor: z
              .string()
              .regex(/^\d{1,19}$/, 'cursor is a row number')
              // zod runs refinements after a failed regex too, where BigInt('x') would throw.
              .refine(
                (cursor) => !/^\d{1,19}$/.test(cursor) || BigInt(cursor) <= 9_223_372_036_854_775_807n,
                'cursor is a row number',
              )
              .nullish(),
            direction: z.enum(['forward', 'backward']).optional(),
          })
          .strict()
          .default({ limit: 50 }),
      )
      .query(({ ctx, input }) => listAudit(ctx.services, input)),
  });
