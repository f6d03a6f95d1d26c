// Alert channels through the API (issue 12): their secrets (a Slack URL, webhook header values)
// sealed at rest and never answered in clear, to any role, nor written to the audit trail or the
// process logs; an edit keeps a secret left out or sent back as read; "Send test" starts a durable
// job; deleting a channel takes it out of its rules.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { openChannelConfig } from '@jobdeck/workflows/alerts';
import { parseEncryptionKeys } from '../../packages/workflows/src/codec/keys';
import { clientAs, db, env, eventually, http, temporalCli, webhookReceiver } from '../support/harness';

const tag = randomBytes(3).toString('hex');
const SLACK_SECRET = `T0${tag}/B0${tag}/XkeepThisPathSecret${tag}`;
const HEADER_SECRET = `hdr-value-${randomBytes(8).toString('hex')}`;
const slackUrl = `https://hooks.slack.com/services/${SLACK_SECRET}`;

type Caller = { client: JobdeckClient; token: string };
let viewer: Caller;
let operator: Caller;
let admin: Caller;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;

beforeAll(async () => {
  [viewer, operator, admin] = await Promise.all([clientAs('viewer'), clientAs('operator'), clientAs('admin')]);
  receiver = await webhookReceiver(() => 200);
});

afterAll(async () => {
  await receiver?.close();
  await db.alertRule.deleteMany({ where: { name: { contains: tag } } });
  await db.alertChannel.deleteMany({ where: { name: { contains: tag } } });
});

const code = (code: string) => ({ data: { code } });

/** A plain-HTTP call's refusal: its status, the paths of the fields it names, and its words. */
async function refusal(procedure: string, input: unknown) {
  const response = await http(procedure, { token: admin.token, input });
  const issues: Array<{ path: string[] }> = response.json?.error?.data?.issues ?? [];
  return {
    status: response.status,
    paths: issues.map((issue) => issue.path.join('.')),
    message: String(response.json?.error?.message ?? ''),
  };
}

describe('alerts api channels', () => {
  it('alerts api: channel secrets never come back in clear, to any role, nor in the audit trail', async () => {
    const started = new Date();
    const slack = await admin.client.alerts.channels.create.mutate({
      name: `Slack ${tag}`,
      kind: 'slack',
      config: { webhookUrl: slackUrl },
    });
    const hook = await admin.client.alerts.channels.create.mutate({
      name: `Hook ${tag}`,
      kind: 'webhook',
      config: {
        url: receiver.url,
        headers: { 'X-Team': HEADER_SECRET, 'X-Api-Key': `${HEADER_SECRET}-2` },
      },
    });
    // Masked: the origin shows, the path (the credential) does not.
    expect(slack.config.webhookUrl).toMatch(/^https:\/\/hooks\.slack\.com\/(…\/••••|\[redacted\])$/);
    expect(hook.config).toMatchObject({
      url: receiver.url,
      headers: { 'X-Team': '••••', 'X-Api-Key': expect.stringMatching(/^(••••|\[redacted\])$/) },
    });
    for (const { client } of [viewer, operator, admin]) {
      const answer = JSON.stringify(await client.alerts.channels.list.query());
      expect(answer).toContain(`Slack ${tag}`);
      expect(answer).not.toContain(SLACK_SECRET.slice(0, 12));
      expect(answer).not.toContain(HEADER_SECRET);
    }
    const plain = await http('alerts.channels.list', { token: viewer.token });
    expect(plain.status).toBe(200);
    expect(plain.text).not.toContain(SLACK_SECRET.slice(0, 12));
    // At rest, sealed: the row holds neither in clear.
    const stored = JSON.stringify(await db.alertChannel.findMany({ where: { id: { in: [slack.id, hook.id] } } }));
    expect(stored).not.toContain(SLACK_SECRET.slice(0, 12));
    expect(stored).not.toContain(HEADER_SECRET);

    // An edit that leaves the secret out, or sends back the masked value, keeps it.
    const keys = parseEncryptionKeys(env.encryptionKeys);
    const opened = async (id: string) => {
      const row = await db.alertChannel.findUniqueOrThrow({ where: { id } });
      return openChannelConfig(row.kind as 'slack', row.config, keys) as Record<string, unknown>;
    };
    const edit = (id: string, channel: object) =>
      admin.client.alerts.channels.update.mutate({ id, channel: channel as never });
    await edit(slack.id, { name: `Slack ${tag} renamed`, kind: 'slack', config: {} });
    expect(await opened(slack.id)).toEqual({ webhookUrl: slackUrl });
    // As the dashboard does: the config it read, sent back unchanged.
    await edit(slack.id, { name: `Slack ${tag}`, kind: 'slack', config: slack.config });
    expect(await opened(slack.id)).toEqual({ webhookUrl: slackUrl });
    await edit(hook.id, { name: `Hook ${tag}`, kind: 'webhook', config: hook.config });
    expect(await opened(hook.id)).toMatchObject({
      headers: { 'X-Team': HEADER_SECRET, 'X-Api-Key': `${HEADER_SECRET}-2` },
    });
    await edit(hook.id, {
      name: `Hook ${tag}`,
      kind: 'webhook',
      config: { url: receiver.url, headers: { 'X-Team': '••••', 'X-New': 'plain' } },
    });
    expect((await opened(hook.id)).headers).toEqual({ 'X-Team': HEADER_SECRET, 'X-New': 'plain' });
    const newUrl = `https://hooks.slack.com/services/${tag}/new`;
    await edit(slack.id, { name: `Slack ${tag}`, kind: 'slack', config: { webhookUrl: newUrl } });
    expect(await opened(slack.id)).toEqual({ webhookUrl: newUrl });
    // A channel that becomes another kind has no secret to keep: it needs all its settings.
    const retyped = await refusal('alerts.channels.update', {
      id: hook.id,
      channel: { name: `Hook ${tag}`, kind: 'slack', config: {} },
    });
    expect(retyped).toMatchObject({ status: 400, paths: ['channel.config.webhookUrl'] });
    // A refused secret is not echoed in the refusal either.
    const badUrl = await refusal('alerts.channels.create', {
      name: `bad ${tag}`,
      kind: 'slack',
      config: { webhookUrl: `ftp://hooks.slack.com/${SLACK_SECRET}` },
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.message).not.toContain(SLACK_SECRET.slice(0, 12));

    const audit = await db.auditLog.findMany({
      where: { action: { startsWith: 'alerts.channels.' }, at: { gte: started } },
    });
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(['alerts.channels.create', 'alerts.channels.update']),
    );
    const trail = JSON.stringify(audit.map((row) => [row.target, row.params, row.error]));
    expect(trail).not.toContain(SLACK_SECRET.slice(0, 12));
    expect(trail).not.toContain(HEADER_SECRET);

    // "Send test": an admin's, a durable alerts.notify job; the dashboard channel's is a live event.
    await expect(operator.client.alerts.channels.test.mutate({ id: hook.id })).rejects.toMatchObject(code('FORBIDDEN'));
    const test = await admin.client.alerts.channels.test.mutate({ id: hook.id });
    expect(test.jobId).toMatch(/^alerts\.notify-/);
    expect(await db.alertNotification.findUnique({ where: { id: test.notificationId! } })).toMatchObject({
      event: 'test',
      channelId: hook.id,
      jobId: test.jobId,
    });
    const dashboard = await admin.client.alerts.channels.create.mutate({
      name: `Bell ${tag}`,
      kind: 'dashboard',
      config: {},
    });
    const heard: Array<{ kind: string; channelName?: string; by?: string }> = [];
    const bell = await new Promise<{ unsubscribe(): void }>((resolve, reject) => {
      const subscription = viewer.client.events.subscribe.subscribe(
        { kinds: ['alert'] },
        {
          onStarted: () => resolve(subscription),
          onData: (data) => void heard.push(data as (typeof heard)[number]),
          onError: reject,
        },
      );
    });
    expect(await admin.client.alerts.channels.test.mutate({ id: dashboard.id })).toEqual({
      jobId: null,
      notificationId: null,
    });
    await eventually("every bell to hear the dashboard channel's test", async () =>
      heard.some(
        (event) => event.kind === 'alert.test' && event.channelName === `Bell ${tag}` && event.by === 'admin@localhost',
      ),
    );
    bell.unsubscribe();
    const listed = await eventually('the test to show on its channel', async () =>
      (await viewer.client.alerts.channels.list.query()).find(
        (channel) => channel.id === hook.id && channel.lastNotification,
      ),
    );
    expect(listed.lastNotification).toMatchObject({ event: 'test', jobId: test.jobId });
    // Only the worker opens the secret, to deliver: the receiver gets the header in clear, Temporal's
    // history of the job never holds it (its input is the notification's id).
    const delivered = await eventually('the test notification to arrive', async () =>
      receiver.requests.find((request) => request.headers['x-team'] === HEADER_SECRET),
    );
    expect(delivered.headers['x-new']).toBe('plain');
    const history = await temporalCli(['workflow', 'show', '--workflow-id', test.jobId!, '--output', 'json']);
    expect(history).not.toContain(HEADER_SECRET);
  });

  it('alerts api: deleting a channel takes it out of its rules', async () => {
    const [a, b] = await Promise.all(
      ['a', 'b'].map((letter) =>
        admin.client.alerts.channels.create.mutate({ name: `Bell ${letter} ${tag}`, kind: 'dashboard', config: {} }),
      ),
    );
    const rule = await admin.client.alerts.rules.create.mutate({
      name: `two channels ${tag}`,
      kind: 'stuck',
      condition: {},
      channelIds: [a!.id, b!.id],
    });
    expect(rule.channels.map((channel) => channel.id).sort()).toEqual([a!.id, b!.id].sort());
    expect((await viewer.client.alerts.channels.list.query()).find((channel) => channel.id === a!.id)?.rules).toBe(1);
    expect(await admin.client.alerts.channels.delete.mutate({ id: a!.id })).toEqual({ id: a!.id, removedFromRules: 1 });
    expect((await viewer.client.alerts.rules.get.query({ id: rule.id })).channels.map((c) => c.id)).toEqual([b!.id]);
  });

  it('alerts api: no channel secret reaches the process logs (API, worker, Temporal)', async () => {
    const logDir = process.env.JOBDECK_TEST_LOG_DIR;
    if (!logDir) return;
    for (const file of readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
      const text = readFileSync(join(logDir, file), 'utf8');
      expect({ file, slack: text.includes(SLACK_SECRET.slice(0, 12)), header: text.includes(HEADER_SECRET) }).toEqual({
        file,
        slack: false,
        header: false,
      });
    }
  });
});
