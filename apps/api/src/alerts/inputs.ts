// What the alerts procedures accept: the shared rule and channel schemas (packages/workflows/src/alerts),
// plus what only the API can check (job types against the catalogue) and the small inputs of its own.
import { z } from 'zod';
import { findJobType, REDACTED } from '@jobdeck/workflows';
import { ALERT_CHANNEL_CONFIGS, SECRET_FIELDS, alertChannelInput, alertRuleInput } from '@jobdeck/workflows/alerts';
import type { AlertChannelKind } from '@jobdeck/workflows/vocabulary';

export const ruleId = z.uuid('id is not a rule id');
export const channelId = z.uuid('id is not a channel id');
export const firingId = z.uuid('id is not a firing id');

/** A silence lasts at most this long: past it, disable the rule instead (a forgotten silence should end). */
export const MAX_SILENCE_DAYS = 30;
export const MAX_SILENCE_NOTE = 500;

/** A condition's job type must be one the catalogue knows: a typo would watch nothing, silently. */
const knownJobTypes = (rule: { condition: object }, ctx: z.RefinementCtx) => {
  const type = (rule.condition as { type?: unknown }).type;
  if (typeof type === 'string' && !findJobType(type))
    ctx.addIssue({
      code: 'custom',
      path: ['condition', 'type'],
      message: `no job type ${type} (see jobs.types)`,
      input: type,
    });
};

export const ruleCreate = alertRuleInput.superRefine(knownJobTypes);
export type RuleFields = z.output<typeof ruleCreate>;
export const ruleUpdate = z.object({ id: ruleId, rule: ruleCreate }).strict();
export const ruleById = z.object({ id: ruleId }).strict();
export const ruleEnabled = z.object({ id: ruleId, enabled: z.boolean() }).strict();

export const ruleSilence = z
  .object({
    id: ruleId,
    until: z.iso
      .datetime({ offset: true, error: 'until is an ISO date and time, such as 2026-12-01T08:00:00Z' })
      .transform((text) => new Date(text))
      .refine((until) => until.getTime() > Date.now(), 'until must be in the future')
      .refine(
        (until) => until.getTime() <= Date.now() + MAX_SILENCE_DAYS * 24 * 3600_000,
        `until is at most ${MAX_SILENCE_DAYS} days ahead; disable the rule for longer`,
      ),
    note: z
      .string()
      .trim()
      .min(1, 'note is required: say why the rule is silenced')
      .max(MAX_SILENCE_NOTE, `note: at most ${MAX_SILENCE_NOTE} characters`),
  })
  .strict();

// ------------------------------------------------------------------------------------ channels

export const channelCreate = alertChannelInput;

/**
 * A channel as replaced: the same as created, except that its secret fields may be left out (or sent
 * back masked, as read): the stored value is kept, so renaming a channel does not need its Slack URL.
 */
const channelEditOf = <K extends AlertChannelKind>(kind: K) => {
  const config = ALERT_CHANNEL_CONFIGS[kind] as unknown as z.ZodObject;
  const optionalSecrets = Object.fromEntries(
    // A masked value passes its own schema (`https://hooks.slack.com/…/••••`, a header value `••••`).
    SECRET_FIELDS[kind].map((field) => [field, config.shape[field]!.optional()]),
  );
  return z
    .object({
      name: (alertChannelInput.options[0].shape.name as z.ZodString).clone(),
      enabled: z.boolean().default(true),
      kind: z.literal(kind),
      config: config.extend(optionalSecrets).strict(),
    })
    .strict();
};

export const channelEdit = z.discriminatedUnion('kind', [
  channelEditOf('webhook'),
  channelEditOf('slack'),
  channelEditOf('email'),
  channelEditOf('dashboard'),
]);
export type ChannelEdit = z.output<typeof channelEdit>;
export const channelUpdate = z.object({ id: channelId, channel: channelEdit }).strict();
export const channelById = z.object({ id: channelId }).strict();

/**
 * A channel input as the audit trail keeps it: its secret fields replaced (a Slack URL is a credential
 * although its field's name does not say so). Works on the raw input, which may be anything.
 */
export function channelAuditInput(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const masked = (channel: unknown): unknown => {
    if (!channel || typeof channel !== 'object') return channel;
    const { kind, config } = channel as { kind?: unknown; config?: unknown };
    if (!config || typeof config !== 'object') return channel;
    // An unknown kind is refused by validation, but its row is written first: hide every value then.
    const secrets = Object.hasOwn(SECRET_FIELDS, String(kind))
      ? SECRET_FIELDS[kind as AlertChannelKind]
      : Object.keys(config);
    const hidden = Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key, secrets.includes(key) ? REDACTED : value]),
    );
    return { ...channel, config: hidden };
  };
  const fields = input as Record<string, unknown>;
  return 'channel' in fields ? { ...fields, channel: masked(fields.channel) } : masked(fields);
}

// ------------------------------------------------------------------------------------- firings

export const firingsList = z
  .object({
    ruleId: ruleId.optional(),
    open: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).nullish(),
  })
  .strict()
  .default({ limit: 50 });
export const firingById = z.object({ id: firingId }).strict();

export const inboxList = z
  .object({ limit: z.number().int().min(1).max(200).default(30) })
  .strict()
  .default({ limit: 30 });
export const inboxMarkRead = z
  .object({ ids: z.array(firingId).min(1).max(200).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((value) => (value.ids === undefined) !== (value.all === undefined), {
    message: 'give either ids or all: true',
  });
