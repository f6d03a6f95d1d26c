import { z } from 'zod';
import { ALERT_SEVERITIES, type AlertRuleKind } from '../runtime/alert-vocabulary';
import { QUEUE_NAME_PATTERN, QUEUE_NAME_RULE } from '../runtime/states';

/**
 * What a rule watches: one zod schema per kind, checked when a rule is saved and again when it is
 * evaluated (a rule saved by an older version stays readable, or says why not). Job types are
 * checked against the catalogue by the API (this module stays free of the registry).
 */

const jobType = z
  .string()
  .regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/, 'type is a job type such as report.generate')
  .max(100);
const queue = z.string().regex(QUEUE_NAME_PATTERN, QUEUE_NAME_RULE);
const windowMinutes = z
  .number()
  .int()
  .min(1)
  .max(24 * 60, 'windowMinutes is at most 1440 (a day)');
const severity = z.enum(ALERT_SEVERITIES);

/** Both optional: a job type, a queue, that type on that queue, or every job when neither. */
const scope = { type: jobType.optional(), queue: queue.optional() };

export const ALERT_CONDITIONS = {
  failure_rate: z
    .object({
      ...scope,
      windowMinutes: windowMinutes.default(15),
      thresholdPercent: z.number().gt(0).max(100),
      /** Fewer finished jobs than this in the window: too few to judge, the rule stays as it is. */
      minVolume: z.number().int().min(1).max(1_000_000).default(10),
    })
    .strict(),
  failure_count: z
    .object({ ...scope, windowMinutes: windowMinutes.default(15), threshold: z.number().int().min(1).max(1_000_000) })
    .strict(),
  backlog: z
    .object({
      queue,
      /** Tasks waiting for a worker (Temporal's approximate backlog count). */
      maxBacklog: z.number().int().min(1).max(100_000_000).optional(),
      /** Age of the oldest waiting task, in seconds. */
      maxOldestWaitSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600)
        .optional(),
    })
    .strict()
    .refine((value) => value.maxBacklog !== undefined || value.maxOldestWaitSeconds !== undefined, {
      message: 'give maxBacklog, maxOldestWaitSeconds or both',
    }),
  stuck: z.object({ minSeverity: severity.default('medium') }).strict(),
  no_workers: z
    .object({
      queue,
      forMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(5),
    })
    .strict(),
  schedule: z
    .object({
      /** One schedule, or every schedule when absent. */
      scheduleId: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,200}$/, 'scheduleId is a schedule id')
        .optional(),
      on: z
        .array(z.enum(['failed', 'missed']))
        .min(1)
        .max(2)
        .default(['failed', 'missed']),
    })
    .strict(),
  every_failure: z
    .object({
      type: jobType,
      /** Notifications per hour at most; past it, one summary says how many more failed. */
      maxPerHour: z.number().int().min(1).max(600).default(20),
    })
    .strict(),
  dependency: z
    .object({
      target: z.enum(['postgres', 'redis']),
      /** Also fire above this share of the resource: Postgres connections in use, Redis memory against maxmemory. */
      maxUsagePercent: z.number().gt(0).max(100).optional(),
    })
    .strict(),
} satisfies Record<AlertRuleKind, z.ZodType>;

export type AlertCondition<K extends AlertRuleKind = AlertRuleKind> = z.output<(typeof ALERT_CONDITIONS)[K]>;

/** A name a person reads in a list, a Slack message and an email subject: one line, no control characters. */
const ruleName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(100)
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .regex(/^[^\0-\x1f\x7f]*$/, 'name is one line without control characters');

const ruleFields = {
  name: ruleName,
  description: z.string().trim().max(1_000).nullable().default(null),
  severity: severity.default('medium'),
  enabled: z.boolean().default(true),
  /** Tell the channels again every this many minutes while the firing lasts; null: only when it starts and ends. */
  repeatMinutes: z
    .number()
    .int()
    .min(5, 'repeatMinutes is at least 5')
    .max(7 * 24 * 60)
    .nullable()
    .default(null),
  channelIds: z.array(z.uuid()).max(20).default([]),
};

const ruleOf = <K extends AlertRuleKind>(kind: K) =>
  z.object({ ...ruleFields, kind: z.literal(kind), condition: ALERT_CONDITIONS[kind] }).strict();

/** A rule as created or replaced (alerts.rules.create / update). */
export const alertRuleInput = z.discriminatedUnion('kind', [
  ruleOf('failure_rate'),
  ruleOf('failure_count'),
  ruleOf('backlog'),
  ruleOf('stuck'),
  ruleOf('no_workers'),
  ruleOf('schedule'),
  ruleOf('every_failure'),
  ruleOf('dependency'),
]);
export type AlertRuleInput = z.output<typeof alertRuleInput>;

/** A stored rule's condition, read back: the parsed condition, or why it no longer parses. */
export function parseCondition(
  kind: string,
  condition: unknown,
): { ok: true; kind: AlertRuleKind; condition: AlertCondition } | { ok: false; problem: string } {
  const schema = (ALERT_CONDITIONS as Record<string, z.ZodType<AlertCondition>>)[kind];
  if (!schema) return { ok: false, problem: `unknown rule kind ${kind}` };
  const parsed = schema.safeParse(condition);
  if (!parsed.success) return { ok: false, problem: z.prettifyError(parsed.error) };
  return { ok: true, kind: kind as AlertRuleKind, condition: parsed.data };
}
