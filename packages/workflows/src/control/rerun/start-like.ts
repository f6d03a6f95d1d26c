import { z } from 'zod';
import { checkFlowNodes } from '../../flows/check';
import type { FlowDefinition } from '../../flows/definition';
import { keepRedactedSecrets } from '../../runtime/redact';
import type { Actor } from '../../runtime/roles';
import { PRIORITIES, priorityFromKey } from '../../runtime/states';
import type { ControlDeps } from '../deps';
import { DomainError } from '../errors';
import { mergeInput } from '../merge-input';
import { checkMayStart, enqueueOptions, startJobWorkflow, type EnqueueOptions, type EnqueueResult } from '../start';
import { jobLogLine } from '../job-log';
import { FLOW_JOB_TYPE } from '../../runtime/flow-vocabulary';

/** Changes to the original's input, merged into it (objects deeply) as a retry's are. */
export const startLikeInput = z.record(z.string(), z.unknown());

/**
 * Enqueue options as a copy takes them: nothing defaults (a priority left out is the original's, not
 * `normal`). Checked again with enqueueOptions' own rules (delayMs or runAt, not both) when merged.
 */
export const startLikeOptions = z.object({ ...enqueueOptions.shape, priority: z.enum(PRIORITIES).optional() }).strict();

export interface StartLikeRequest {
  /** Merged into the original's input; a `[redacted]` left as the dashboard showed it keeps the stored secret. */
  input?: Record<string, unknown>;
  /** Enqueue options; what is left out is the original's (priority, attempts, timeout, queue). */
  options?: EnqueueOptions;
}

function refuseInput(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): never {
  throw new DomainError(
    'BAD_REQUEST',
    issues
      .map((issue) => `input${issue.path.length ? `.${issue.path.map(String).join('.')}` : ''}: ${issue.message}`)
      .join('; '),
  );
}

/**
 * A new job of the same type as an existing one, in any state, with its input (edited where asked)
 * validated again by the type's schema: "start like this one". The record's input holds the real
 * values (only what the API shows is redacted), so a redacted value sent back keeps the real one.
 */
export async function startLike(
  deps: ControlDeps,
  id: string,
  request: StartLikeRequest,
  actor: Actor,
): Promise<EnqueueResult & { copiedFrom: string }> {
  const record = await deps.db.job.findUnique({ where: { id } });
  if (!record) throw new DomainError('NOT_FOUND', `no job ${id}`);
  const jobType = deps.catalog.find(record.type);
  if (!jobType) throw new DomainError('PRECONDITION_FAILED', `job type ${record.type} is no longer registered`);
  checkMayStart(jobType, actor);
  const edits = request.input ? keepRedactedSecrets(request.input, record.input) : undefined;
  const parsed = jobType.input.safeParse(edits ? mergeInput(record.input, edits) : record.input);
  if (!parsed.success) refuseInput(parsed.error.issues);
  if (record.type === FLOW_JOB_TYPE) {
    const problems = checkFlowNodes(parsed.data as FlowDefinition, deps.catalog, actor);
    if (problems.length) refuseInput(problems);
  }
  // Left out or undefined: the original's.
  const given = Object.fromEntries(Object.entries(request.options ?? {}).filter(([, value]) => value !== undefined));
  const options = enqueueOptions.safeParse({
    priority: priorityFromKey(record.priority),
    maxAttempts: record.maxAttempts,
    timeoutMs: record.timeoutMs ?? undefined,
    queue: record.queue,
    ...given,
  });
  if (!options.success)
    throw new DomainError(
      'BAD_REQUEST',
      options.error.issues.map((issue) => `options.${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  const started = await startJobWorkflow(deps, {
    type: record.type,
    input: parsed.data,
    options: options.data,
    requestedBy: actor,
  });
  if (started.created) {
    await jobLogLine(deps, started.id, 'info', `started like ${id} by ${actor.name}${edits ? ', input edited' : ''}`);
    await jobLogLine(deps, id, 'info', `copied as ${started.id} by ${actor.name}`);
  }
  return { ...started, copiedFrom: id };
}
