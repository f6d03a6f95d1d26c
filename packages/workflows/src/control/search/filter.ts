// jobs.search's filter: what the API validates, saved views store, and bulk actions and exports
// select by. Every key is checked and a key the API does not know is refused: a filter is never ignored.
import { z } from 'zod';
import { PRIORITIES, JOB_STATES } from '../../runtime/states';
import { SEARCH_SORTS, type SearchSort } from '../../runtime/search-vocabulary';
import { dateTime } from '../dates';
import { jobIdSchema } from '../job-id';
import { queueName } from '../start';
import { parseSearchText } from './text';

export { SEARCH_SORTS, type SearchSort };

const jobTypeName = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9.-]*$/, 'a job type such as webhook.deliver');

function timeRange(what: string) {
  return z
    .object({ from: dateTime(`${what}.from`).optional(), to: dateTime(`${what}.to`).optional() })
    .strict()
    .refine((range) => !range.from || !range.to || Date.parse(range.from) < Date.parse(range.to), {
      message: `${what}: from must be before to`,
    });
}

function countRange(what: string, max: number) {
  const bound = z.number().int(`${what} is a whole number`).min(0).max(max);
  return z
    .object({ min: bound.optional(), max: bound.optional() })
    .strict()
    .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
      message: `${what}: min must not be above max`,
    });
}

/** Run and wait times are capped at 24 days in the record (an integer of milliseconds). */
const MAX_MS = 2_147_483_647;

export const jobSearch = z
  .object({
    /** Free text; see parseSearchText and the README for the syntax. */
    q: z
      .string()
      .max(500)
      .superRefine((q, ctx) => {
        const parsed = parseSearchText(q);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
      })
      .optional(),
    states: z.array(z.enum(JOB_STATES)).min(1).max(JOB_STATES.length).optional(),
    types: z.array(jobTypeName).min(1).max(50).optional(),
    queues: z.array(queueName).min(1).max(50).optional(),
    priorities: z.array(z.enum(PRIORITIES)).min(1).max(PRIORITIES.length).optional(),
    /** Exactly: a user's email or `token:<name>`. */
    requestedBy: z.string().trim().min(1).max(320).optional(),
    scheduleId: z
      .string()
      .max(200)
      .regex(/^[\w.:-]+$/, 'scheduleId is a schedule id such as sched-nightly-sync')
      .optional(),
    templateId: z.uuid('templateId is a template id').optional(),
    /** Retries of this job. */
    retryOf: jobIdSchema.optional(),
    created: timeRange('created').optional(),
    started: timeRange('started').optional(),
    finished: timeRange('finished').optional(),
    /** Run time (start to finish) and wait time (due to first start), in milliseconds. */
    runMs: countRange('runMs', MAX_MS).optional(),
    waitMs: countRange('waitMs', MAX_MS).optional(),
    attempts: countRange('attempts', 1_000_000).optional(),
    /** Whether the job has an error message (a failed attempt or a failed end). */
    hasError: z.boolean().optional(),
    /** Jobs a retry superseded are left out unless asked for, as in jobs.list. */
    includeSuperseded: z.boolean().optional(),
    sort: z.enum(SEARCH_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();
export type JobSearch = z.output<typeof jobSearch>;
