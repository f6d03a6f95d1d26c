import { Prisma, type JobTemplate } from '@jobdeck/db';
import { ZodRealError } from 'zod';
import { findJobType, keepRedactedSecrets } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import { enqueueJob, enqueueOptions } from '../jobs/enqueue';
import type { JobOptions } from '@jobdeck/workflows/control';
import type { Services } from '../services';

/** A template as written by an admin; its input was checked against its type by the input's validation. */
export interface TemplateFields {
  name: string;
  description?: string;
  type: string;
  input: unknown;
  options: JobOptions;
}

function view(template: JobTemplate) {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    type: template.type,
    input: template.input as unknown,
    options: template.options as JobOptions,
    createdBy: template.createdBy,
    updatedBy: template.updatedBy,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}

/** Prisma's refusals of a write as the caller's: a taken name, a template gone meanwhile. */
function refusedWrite(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
    throw new DomainError('CONFLICT', `a template named ${JSON.stringify(name)} already exists`);
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
    throw new DomainError('NOT_FOUND', 'no such template');
  throw error;
}

async function findTemplate(services: Services, id: string): Promise<JobTemplate> {
  const template = await services.db.jobTemplate.findUnique({ where: { id } });
  if (!template) throw new DomainError('NOT_FOUND', `no template ${id}`);
  return template;
}

export async function listTemplates(services: Services) {
  return (await services.db.jobTemplate.findMany({ orderBy: { name: 'asc' } })).map(view);
}

export async function getTemplate(services: Services, id: string) {
  return view(await findTemplate(services, id));
}

export async function createTemplate(services: Services, principal: Principal, fields: TemplateFields) {
  const data = {
    ...fields,
    input: findJobType(fields.type)!.input.parse(fields.input ?? {}) as object,
    createdBy: principal.name,
    updatedBy: principal.name,
  };
  return view(
    await services.db.jobTemplate.create({ data }).catch((error: unknown) => refusedWrite(error, fields.name)),
  );
}

export async function updateTemplate(
  services: Services,
  principal: Principal,
  request: TemplateFields & { id: string },
) {
  const { id, ...fields } = request;
  const stored = await services.db.jobTemplate.findUnique({ where: { id }, select: { input: true } });
  if (!stored) throw new DomainError('NOT_FOUND', 'no such template');
  // The editor saw secrets redacted: a field still reading [redacted] keeps the stored secret.
  const edited = keepRedactedSecrets(request.input ?? {}, stored.input);
  // An update replaces the template, as schedules.update replaces a schedule: an optional field left
  // out takes its default (no description, no options), whichever field it is.
  const data = {
    ...fields,
    description: fields.description ?? null,
    input: findJobType(request.type)!.input.parse(edited) as object,
    updatedBy: principal.name,
  };
  return view(
    await services.db.jobTemplate
      .update({ where: { id }, data })
      .catch((error: unknown) => refusedWrite(error, request.name)),
  );
}

export async function deleteTemplate(services: Services, id: string) {
  const { count } = await services.db.jobTemplate.deleteMany({ where: { id } });
  if (!count) throw new DomainError('NOT_FOUND', `no template ${id}`);
  return { ok: true };
}

/** Enqueues a job from the template, exactly as jobs.enqueue would. */
export async function runTemplate(services: Services, principal: Principal, id: string) {
  const template = await findTemplate(services, id);
  const jobType = findJobType(template.type);
  if (!jobType) throw new DomainError('BAD_REQUEST', `template ${template.name}: unknown job type ${template.type}`);
  const parsed = jobType.input.safeParse(template.input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['input', ...issue.path] }));
    throw new DomainError('BAD_REQUEST', `template ${template.name} no longer fits ${template.type}`, {
      cause: new ZodRealError(issues),
    });
  }
  const options = enqueueOptions.parse(template.options ?? {});
  return enqueueJob(
    services,
    principal,
    { type: template.type, input: parsed.data, options },
    { templateId: template.id },
  );
}
