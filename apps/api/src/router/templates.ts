import { z } from 'zod';
import { jobOptions } from '@jobdeck/workflows/control';
import { checkJobInput } from '../schedules/spec';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  runTemplate,
  updateTemplate,
} from '../templates/service';
import { adminProcedure, operatorProcedure, router, viewerProcedure } from '../trpc';

const templateId = z.uuid('id is not a template id');

const templateFields = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(100),
    description: z.string().trim().max(1_000).optional(),
    type: z.string().max(100),
    input: z.unknown(),
    options: jobOptions.default({}),
  })
  .strict();

const templateCreate = templateFields.superRefine((value, ctx) => checkJobInput(value.type, value.input, ctx));
const templateUpdate = templateFields
  .extend({ id: templateId })
  .superRefine((value, ctx) => checkJobInput(value.type, value.input, ctx));

const byId = z.object({ id: templateId }).strict();

export const templatesRouter = router({
  list: viewerProcedure.query(({ ctx }) => listTemplates(ctx.services)),

  get: viewerProcedure.input(byId).query(({ ctx, input }) => getTemplate(ctx.services, input.id)),

  create: adminProcedure
    .input(templateCreate)
    .mutation(({ ctx, input }) => createTemplate(ctx.services, ctx.principal, input)),

  update: adminProcedure
    .input(templateUpdate)
    .mutation(({ ctx, input }) => updateTemplate(ctx.services, ctx.principal, input)),

  delete: adminProcedure.input(byId).mutation(({ ctx, input }) => deleteTemplate(ctx.services, input.id)),

  /** Enqueues a job from the template, exactly as jobs.enqueue would. */
  run: operatorProcedure.input(byId).mutation(({ ctx, input }) => runTemplate(ctx.services, ctx.principal, input.id)),
});
