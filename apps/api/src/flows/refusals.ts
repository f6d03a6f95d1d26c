// A flow refused before anything starts: every problem, each naming its node, answered 400 field by
// field exactly as a validation error is (the DomainError's zod cause; see toDomainTRPCError).
import { ZodError } from 'zod';
import type { Actor, JobCatalog } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import { checkFlowNodes, type FlowDefinition, type FlowProblem } from '@jobdeck/workflows/flows';

/** The 400 for a list of problems: the message joins them, `data.issues` lists them by path. */
export function flowRefusal(problems: FlowProblem[], at: Array<string | number> = []): DomainError {
  const issues = problems.map((problem) => ({
    code: 'custom' as const,
    path: [...at, ...problem.path],
    message: problem.message,
    input: undefined,
  }));
  return new DomainError('BAD_REQUEST', problems.map((problem) => problem.message).join('; '), {
    cause: new ZodError(issues),
  });
}

/**
 * What the job types say of a flow whose shape zod already accepted (types exist, the requester may
 * start each, inputs valid): flows.start and a flow.run sent through jobs.enqueue refuse alike.
 * `at` is where the definition sits in the request (`['input']` for jobs.enqueue).
 */
export function refuseInvalidFlow(
  flow: FlowDefinition,
  catalog: JobCatalog,
  actor: Actor,
  at: Array<string | number> = [],
): void {
  const problems = checkFlowNodes(flow, catalog, actor);
  if (problems.length) throw flowRefusal(problems, at);
}
