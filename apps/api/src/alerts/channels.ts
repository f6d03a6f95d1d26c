// Alert channels: where firings are told (alerts.channels.*). Secret fields (a Slack URL, webhook
// header values) are sealed as they are written and masked in every answer: the API never answers
// one in clear, to any role; only the worker delivering a notification opens them.
//
// Deleting a channel takes it out of every rule that used it (the schema cascades), with its
// notification rows: a rule left with no channel still fires and is shown, it only tells no one.
import type { AlertChannel, Prisma } from '@jobdeck/db';
import type { z } from 'zod';
import { ZodRealError } from 'zod';
import { DomainError } from '@jobdeck/workflows/control';
import { REDACTED } from '@jobdeck/workflows';
import {
  alertChannelInput,
  MASK,
  SECRET_FIELDS,
  maskChannelConfig,
  mergeChannelConfig,
  sealChannelConfig,
  sendTestNotification,
  type AlertChannelConfig,
  type AlertChannelInput,
} from '@jobdeck/workflows/alerts';
import type { AlertChannelKind } from '@jobdeck/workflows/vocabulary';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import type { ChannelEdit } from './inputs';
import { refusedWrite } from './refusals';

const channelInclude = {
  _count: { select: { rules: true } },
  notifications: { orderBy: { createdAt: 'desc' }, take: 1 },
} satisfies Prisma.AlertChannelInclude;

type ChannelWithLast = Prisma.AlertChannelGetPayload<{ include: typeof channelInclude }>;

function channelView(channel: ChannelWithLast, jobStates: Map<string, string>) {
  const last = channel.notifications[0];
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    enabled: channel.enabled,
    config: maskChannelConfig(channel.kind as AlertChannelKind, channel.config),
    rules: channel._count.rules,
    lastNotification: last
      ? {
          at: last.createdAt.toISOString(),
          event: last.event,
          jobId: last.jobId,
          // Not started yet (the next evaluation starts it), or its job's state as the record has it.
          state: last.jobId ? (jobStates.get(last.jobId) ?? 'queued') : 'pending',
        }
      : null,
    createdBy: channel.createdBy,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
export type ChannelView = ReturnType<typeof channelView>;

async function viewsOf(services: Services, channels: ChannelWithLast[]): Promise<ChannelView[]> {
  const jobIds = channels.flatMap((channel) => channel.notifications.flatMap((last) => last.jobId ?? []));
  const jobs = jobIds.length
    ? await services.db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true, state: true } })
    : [];
  const states = new Map(jobs.map((job) => [job.id, job.state as string]));
  return channels.map((channel) => channelView(channel, states));
}

async function findChannel(services: Services, id: string): Promise<AlertChannel> {
  const channel = await services.db.alertChannel.findUnique({ where: { id } });
  if (!channel) throw new DomainError('NOT_FOUND', `no alert channel ${id}`);
  return channel;
}

async function viewOf(services: Services, id: string): Promise<ChannelView> {
  const channel = await services.db.alertChannel.findUniqueOrThrow({ where: { id }, include: channelInclude });
  return (await viewsOf(services, [channel]))[0]!;
}

export async function listChannels(services: Services) {
  return viewsOf(
    services,
    await services.db.alertChannel.findMany({ include: channelInclude, orderBy: { name: 'asc' } }),
  );
}

export async function createChannel(services: Services, principal: Principal, input: AlertChannelInput) {
  const channel = await services.db.alertChannel
    .create({
      data: {
        name: input.name,
        kind: input.kind,
        enabled: input.enabled,
        config: sealChannelConfig(input.kind, input.config, services.config.encryptionKeys) as Prisma.InputJsonObject,
        createdBy: principal.name,
      },
    })
    .catch((error: unknown) => refusedWrite(error, 'channel', input.name));
  return viewOf(services, channel.id);
}

/**
 * Replaces a channel. A secret field left out or sent back masked keeps the stored secret; a channel
 * that changes kind has no secret to keep, so it is validated as a new one (its secrets required).
 */
export async function updateChannel(services: Services, id: string, edit: ChannelEdit) {
  const stored = await findChannel(services, id);
  const sameKind = stored.kind === edit.kind;
  let incoming = edit as AlertChannelInput;
  if (!sameKind) {
    const parsed = alertChannelInput.safeParse(edit);
    if (!parsed.success) throw unfitForNewKind(parsed.error, edit.kind);
    incoming = parsed.data;
  }
  const config = mergeChannelConfig(
    incoming.kind,
    asMasked(incoming.kind, incoming.config as AlertChannelConfig),
    sameKind ? stored.config : {},
    services.config.encryptionKeys,
  );
  await services.db.alertChannel
    .update({
      where: { id },
      data: { name: edit.name, kind: edit.kind, enabled: edit.enabled, config: config as Prisma.InputJsonObject },
    })
    .catch((error: unknown) => refusedWrite(error, 'channel', edit.name));
  return viewOf(services, id);
}

/**
 * A secret as the caller read it may also carry the answers' own redaction (`[redacted]`: every answer
 * passes redactSecrets, which hides a Slack URL's path and an Authorization header on its own): sent
 * back, it means "unchanged" as the mask does, so it is turned into the mask that merging recognises.
 */
function asMasked(kind: AlertChannelKind, config: AlertChannelConfig): AlertChannelConfig {
  const redacted = (value: unknown) =>
    typeof value === 'string' && (value.includes(REDACTED) || value.includes(encodeURI(REDACTED)));
  const copy: Record<string, unknown> = { ...config };
  for (const field of SECRET_FIELDS[kind]) {
    const value = copy[field];
    if (redacted(value)) copy[field] = MASK;
    else if (value && typeof value === 'object')
      copy[field] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, redacted(item) ? MASK : item]),
      );
  }
  return copy as AlertChannelConfig;
}

function unfitForNewKind(error: z.ZodError, kind: string): DomainError {
  const issues = error.issues.map((issue) => ({ ...issue, path: ['channel', ...issue.path] }));
  return new DomainError(
    'BAD_REQUEST',
    `a channel that becomes ${kind} needs all its settings, secrets included: ` +
      issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    { cause: new ZodRealError(issues) },
  );
}

export async function deleteChannel(services: Services, id: string) {
  await findChannel(services, id);
  const rules = await services.db.alertRuleChannel.count({ where: { channelId: id } });
  await services.db.alertChannel.delete({ where: { id } }).catch((error: unknown) => refusedWrite(error, 'channel'));
  return { id, removedFromRules: rules };
}

/** "Send test": one test notification, delivered by its own alerts.notify job (the dashboard channel has none). */
export async function testChannel(services: Services, principal: Principal, id: string) {
  await findChannel(services, id);
  const { jobId, notificationId } = await sendTestNotification(
    { ...services, dashboardUrl: services.config.dashboardUrl ?? null },
    id,
    principal.name,
  );
  return { jobId, notificationId };
}
