import { z } from 'zod';
import { jobTypes } from '@jobdeck/workflows';

/** The catalogue: what can be enqueued, with a JSON Schema of each input and an example. */
export function jobTypeCatalogue() {
  return jobTypes.map((jobType) => ({
    type: jobType.type,
    description: jobType.description,
    queue: jobType.queue,
    workflowType: jobType.workflowType,
    retry: jobType.retry,
    example: jobType.example,
    inputSchema: z.toJSONSchema(jobType.input, { io: 'input', unrepresentable: 'any' }),
  }));
}
