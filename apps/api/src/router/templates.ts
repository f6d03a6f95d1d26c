import { Prisma, type JobTemplate } from '@jobdeck/db';
import { TRPCError } from '@trpc/server';
import { z, ZodRealError } from 'zod';
import { findJobType, keepRedactedSecrets } from '@jobdeck/workflows';
import { enqueueJob, enqueueOptions } from '../jobs/enqueue';
import { checkJobInput, jobOptions } from '../schedules/spec';
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

function view(template: JobTemplate) {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    type: template.type,
    input: template.input as unknown,
    options: template.options as z.output<typeof jobOptions>,
    createdBy: template.createdBy,
    updatedBy: template.updatedBy,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}

function uniqueName(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new TRPCError({ code: 'CONFLICT', message: `a template named ${JSON.stringify(name)} already exists` });
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
    throw new TRPCError({ code: 'NOT_FOUND', message: 'no such template' });
  throw error;
}

export const templatesRouter = router({
  list: viewerProcedure.query(async ({ ctx }) =>
    (await ctx.services.db.jobTemplate.findMany({ orderBy: { name: 'asc' } })).map(view),
  ),

  get: viewerProcedure.input(z.object({ id: templateId }).strict()).query(async ({ ctx, input }) => {
    const template = await ctx.services.db.jobTemplate.findUnique({ where: { id: input.id } });
    if (!template) throw new TRPCError({ code: 'NOT_FOUND', message: `no template ${input.id}` });
    return view(template);
  }),

  create: adminProcedure.input(templateCreate).mutation(async ({ ctx, input }) => {
    const data = {
      ...input,
      input: findJobType(input.type)!.input.parse(input.input ?? {}) as object,
      createdBy: ctx.principal.name,
      updatedBy: ctx.principal.name,
    };
    return view(
      await ctx.services.db.jobTemplate.create({ data }).catch((error: unknown) => uniqueName(error, input.name)),
    );
  }),

  update: adminProcedure.input(templateUpdate).mutation(async ({ ctx, input }) => {
    const { id, ...fields } = input;
    const stored = await ctx.services.db.jobTemplate.findUnique({ where: { id }, select: { input: true } });
    if (!stored) throw new TRPCError({ code: 'NOT_FOUND', message: 'no such template' });
    // The editor saw secrets redacted: a field still reading [redacted] keeps the stored secret.
    const edited = keepRedactedSecrets(input.input ?? {}, stored.input);
    // An update replaces the template, as schedules.update replaces a schedule: an optional field left
    // out takes its default (no description, no options), whichever field it is.
    const data = {
      ...fields,
      description: fields.description ?? null,
      input: findJobType(input.type)!.input.parse(edited) as object,
      updatedBy: ctx.principal.name,
    };
    return view(
      await ctx.services.db.jobTemplate
        .update({ where: { id }, data })
        .catch((error: unknown) => uniqueName(error, input.name)),
    );
  }),

  delete: adminProcedure.input(z.object({ id: templateId }).strict()).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.services.db.jobTemplate.deleteMany({ where: { id: input.id } });
    if (!count) throw new TRPCError({ code: 'NOT_FOUND', message: `no template ${input.id}` });
    return { ok: true };
  }),

  /** Enqueues a job from the template, exactly as jobs.enqueue would. */
  run: operatorProcedure.input(z.object({ id: templateId }).strict()).mutation(async ({ ctx, input }) => {
    const template = await ctx.services.db.jobTemplate.findUnique({ where: { id: input.id } });
    if (!template) throw new TRPCError({ code: 'NOT_FOUND', message: `no template ${input.id}` });
    const jobType = findJobType(template.type);
    if (!jobType)
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `template ${template.name}: unknown job type ${template.type}`,
      });
    const parsed = jobType.input.safeParse(template.input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['input', ...issue.path] }));
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `template ${template.name} no longer fits ${template.type}`,
        cause: new ZodRealError(issues),
      });
    }
    const options = enqueueOptions.parse(template.options ?? {});
    return enqueueJob(ctx.services, ctx.principal, { type: template.type, input: parsed.data, options });
  }),
});
