import { z } from 'zod';
import { FLOW_JOB_TYPE, jobTypes } from '@jobdeck/workflows';
import { enqueueOptions, startJobWorkflow, type EnqueueOptions, type EnqueueResult } from '@jobdeck/workflows/control';
import type * as registry from '@jobdeck/workflows/registry';
import type { FlowDefinition } from '@jobdeck/workflows/flows';
import type { Principal } from '../auth/tokens';
import { refuseInvalidFlow } from '../flows/refusals';
import type { Services } from '../services';

export {
  enqueueOptions,
  queueName,
  buildJobStart,
  newJobId,
  keyedJobId,
  type EnqueueOptions,
  type EnqueueResult,
} from '@jobdeck/workflows/control';

const MAX_INPUT_BYTES = 256 * 1024;

type Registry = typeof registry;
/** What a typed client sends: the input's type follows from the job type. */
export type EnqueueRequest = {
  [K in keyof Registry]: { type: Registry[K]['type']; input: z.input<Registry[K]['input']>; options?: EnqueueOptions };
}[keyof Registry];
type ParsedEnqueueRequest = { type: string; input: unknown; options?: z.output<typeof enqueueOptions> };

const typeNames = jobTypes.map((jobType) => jobType.type);
const variants = jobTypes.map((jobType) =>
  z.object({ type: z.literal(jobType.type), input: jobType.input, options: enqueueOptions.optional() }).strict(),
);

export const enqueueRequest = z
  .discriminatedUnion('type', variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]], {
    error: (issue) => (issue.code === 'invalid_union' ? `type must be one of ${typeNames.join(', ')}` : undefined),
  })
  .superRefine((request, ctx) => {
    if (Buffer.byteLength(JSON.stringify(request.input ?? null)) > MAX_INPUT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['input'],
        message: `input is larger than ${MAX_INPUT_BYTES / 1024} KiB; pass a reference to the data instead`,
      });
    }
  }) as unknown as z.ZodType<ParsedEnqueueRequest, EnqueueRequest>;

export async function enqueueJob(
  services: Services,
  principal: Principal,
  request: ParsedEnqueueRequest,
  /** Where the job comes from, when not straight from a caller: the template it is run from. */
  origin: { templateId?: string } = {},
): Promise<EnqueueResult> {
  const requestedBy = { name: principal.name, role: principal.role };
  // A flow enqueued as a job is refused exactly as flows.start refuses it (its shape zod checked already).
  if (request.type === FLOW_JOB_TYPE)
    refuseInvalidFlow(request.input as FlowDefinition, services.catalog, requestedBy, ['input']);
  return startJobWorkflow(services, {
    ...request,
    ...origin,
    requestedBy,
  });
}
