// Alert channels delivering to real receivers: an HTTP receiver checks the webhook signature as a
// receiver would and the Slack message shape; an SMTP server in this process receives the mail.
// Every delivery is an alerts.notify job, keyed by its notification: retried while the receiver is
// down, given up at once when it cannot succeed, and never carrying a secret in its input or history.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { createEventBus, findJobType } from '@jobdeck/workflows';
import { sealChannelConfig, startPendingNotifications, type AlertChannelConfig } from '@jobdeck/workflows/alerts';
import { EncryptionCodec, parseEncryptionKeys } from '@jobdeck/workflows/codec';
import { keyedJobId, type ControlDeps } from '@jobdeck/workflows/control';
import type { AlertChannelKind, AlertNotificationContent } from '@jobdeck/workflows/vocabulary';
import { clientAs, db, env, eventually, spawnWorker, temporal, waitForPoller, waitForState } from '../support/harness';
import { receiverPool } from '../support/loopback-receiver';
import { smtpSink, type SmtpSink } from '../support/smtp-sink';

const keys = parseEncryptionKeys(env.encryptionKeys);
const SLACK_SECRET = `T0${process.pid}/B0ALERTS/s3cr3tSlackPath${process.pid}`;
const HEADER_TOKEN = `tok-alert-${process.pid}-secret`;
const receivers = receiverPool();
const created: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
let admin: JobdeckClient;
let viewer: JobdeckClient;
let deps: ControlDeps;

const content = (title: string): AlertNotificationContent => ({
  event: 'fired',
  ruleId: null,
  ruleName: 'Integration rule',
  ruleKind: 'failure_rate',
  severity: 'high',
  subject: 'report.generate',
  title,
  message: 'The failure rate of report.generate is above its threshold.',
  facts: [
    { label: 'Failure rate', value: '40%' },
    { label: 'Threshold', value: '10%' },
  ],
  startedAt: new Date().toISOString(),
  resolvedAt: null,
  url: 'http://127.0.0.1:5173/alerts/firings/f-it',
});

async function channel<K extends AlertChannelKind>(kind: K, config: AlertChannelConfig<K>) {
  const row = await db.alertChannel.create({
    data: {
      name: `it ${kind} ${randomUUID().slice(0, 8)}`,
      kind,
      config: sealChannelConfig(kind, config, keys) as object,
      createdBy: 'alert-channels test',
    },
  });
  created.push(row.id);
  return row;
}

/** `bound`: the row names its keyed job already, so that no evaluation starts it on the shared queue. */
async function notification(channelId: string, title: string, bound = false) {
  const id = randomUUID();
  return db.alertNotification.create({
    data: {
      id,
      channelId,
      event: 'fired',
      content: content(title) as object,
      jobId: bound ? keyedJobId('alerts.notify', id) : null,
    },
  });
}

/** Starts the notification's job as an evaluation does, and answers that job's id. */
async function start(notificationId: string): Promise<string> {
  await startPendingNotifications(deps, [notificationId]);
  const row = await db.alertNotification.findUniqueOrThrow({ where: { id: notificationId } });
  expect(row.jobId).toBe(keyedJobId('alerts.notify', notificationId));
  return row.jobId!;
}

/** What a receiver does with its own secret and its own URL (tests/hostile/webhook-signature.test.ts). */
function verify(secret: string, ownUrl: string, headers: IncomingMessage['headers'], body: string): boolean {
  const match = /^t=(\d+),v2=([0-9a-f]{64})$/.exec(String(headers['x-jobdeck-signature'] ?? ''));
  const delivery = headers['x-jobdeck-delivery'];
  if (!match || typeof delivery !== 'string') return false;
  const timestamp = Number(match[1]);
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${delivery}.${ownUrl}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

beforeAll(async () => {
  ({ client: admin } = await clientAs('admin'));
  ({ client: viewer } = await clientAs('viewer'));
  const events = createEventBus({ redisUrl: null, prefix: `it-alerts-${process.pid}:` });
  deps = {
    db,
    sql: null as never,
    temporal: await temporal(),
    events,
    namespace: 'default',
    catalog: { find: findJobType },
  };
});

afterAll(async () => {
  await receivers.closeAll();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await db.alertChannel.deleteMany({ where: { id: { in: created } } });
});

describe('alert channels', () => {
  it('webhook: signed as webhook.deliver signs, once, with the notification as its delivery id', async () => {
    const hook = await receivers.start('127.0.0.1');
    const row = await channel('webhook', { url: hook.url, headers: { 'X-Api-Token': HEADER_TOKEN } });
    const sent = await notification(row.id, 'webhook delivery');
    const jobId = await start(sent.id);
    // A second start of the same notification (a crash between the start and binding the row) is the same job.
    await db.alertNotification.update({ where: { id: sent.id }, data: { jobId: null } });
    await startPendingNotifications(deps, [sent.id]);
    expect((await db.alertNotification.findUniqueOrThrow({ where: { id: sent.id } })).jobId).toBe(jobId);

    const job = await waitForState(viewer, jobId, ['completed']);
    expect(job.resultSummary).toMatch(/^webhook 127\.0\.0\.1:\d+: HTTP 200/);
    // The header's token is the channel's secret: not in the job's input, result or logs.
    expect(JSON.stringify(job)).not.toContain(HEADER_TOKEN);
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(verify(env.webhookSecret, hook.url, request!.headers, request!.body)).toBe(true);
    expect(verify('another-secret', hook.url, request!.headers, request!.body)).toBe(false);
    expect(request!.headers).toMatchObject({ 'x-jobdeck-delivery': sent.id, 'x-api-token': HEADER_TOKEN });
    expect(JSON.parse(request!.body)).toEqual({
      event: 'fired',
      alert: sent.content,
      channel: { id: row.id, name: row.name, kind: 'webhook' },
      deliveryId: sent.id,
    });
  });

  it('slack: text and blocks with the facts and a link to the dashboard; the secret URL stays out of the job', async () => {
    const hook = await receivers.start('127.0.0.1', () => ({ status: 200, body: 'ok' }));
    const secretUrl = `${hook.url}/services/${SLACK_SECRET}`;
    const row = await channel('slack', { webhookUrl: secretUrl });
    const sent = await notification(row.id, 'slack delivery');
    const jobId = await start(sent.id);
    const job = await waitForState(viewer, jobId, ['completed']);
    const message = JSON.parse(hook.requests[0]!.body);
    expect(hook.requests[0]!.path).toBe(`/hook/services/${SLACK_SECRET}`);
    expect(message.text).toContain('slack delivery');
    expect(message.blocks.map((block: { type: string }) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'actions',
    ]);
    expect(message.blocks[0].text.text).toBe('HIGH · Firing: slack delivery');
    expect(message.blocks[2].fields).toContainEqual({ type: 'mrkdwn', text: '*Failure rate*\n40%' });
    expect(message.blocks[4].elements[0]).toMatchObject({ type: 'button', url: content('').url });

    // Nothing secret in what any reader sees of the job, nor in Temporal's history (decrypted here).
    expect(job.input).toEqual({ notificationId: sent.id });
    const history = await (await temporal()).workflow.getHandle(jobId).fetchHistory();
    // Payloads are encrypted by the codec: decrypted here, the input holds the notification's id only.
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [envelope] = await new EncryptionCodec(keys).decode(started);
    const decoded = Buffer.from(envelope!.data!).toString('utf8');
    expect(JSON.parse(decoded).input).toEqual({ notificationId: sent.id });
    for (const seen of [JSON.stringify(job), JSON.stringify(history), decoded]) {
      expect(seen).not.toContain(SLACK_SECRET);
      expect(seen).not.toContain('s3cr3tSlackPath');
    }
  });

  it('retries while the receiver is down and delivers once it is back: the alert is not lost', async () => {
    // A port nobody listens on (connection refused), listened on again after the first attempts.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const url = `http://127.0.0.1:${port}/down-then-up`;
    const row = await channel('webhook', { url });
    const sent = await notification(row.id, 'receiver down');
    const jobId = await start(sent.id);
    await eventually('a failed attempt', async () =>
      (await viewer.jobs.get.query({ id: jobId })).logs.some((log) => /unreachable/.test(log.message)),
    );
    const bodies: string[] = [];
    const back: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => back.close(resolve)));
    const job = await waitForState(viewer, jobId, ['completed'], 90_000);
    expect(job.attempts).toBeGreaterThan(1);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!).deliveryId).toBe(sent.id);
  });

  it('refuses a channel whose address the outbound policy refuses, at once and without a request', async () => {
    const other = await receivers.start('127.0.0.2');
    const refused = [
      await channel('webhook', { url: 'http://169.254.169.254/latest/meta-data' }),
      await channel('slack', { webhookUrl: 'http://10.0.0.1/services/x' }),
      await channel('webhook', { url: other.url }),
    ];
    for (const row of refused) {
      const jobId = await start((await notification(row.id, 'refused')).id);
      const job = await waitForState(viewer, jobId, ['failed']);
      expect(job.attempts).toBe(1);
      expect(job.error).toMatch(/outbound policy refused/);
    }
    expect(other.connections()).toBe(0);
  });

  it('email without SMTP_URL on the worker fails at once, saying so', async () => {
    const row = await channel('email', { to: ['oncall@example.com'] });
    const jobId = await start((await notification(row.id, 'no smtp')).id);
    const job = await waitForState(viewer, jobId, ['failed']);
    expect(job.attempts).toBe(1);
    expect(job.error).toMatch(/SMTP_URL is not set/);
  });

  describe('email through an SMTP server in this process', () => {
    // The stack's worker has no SMTP_URL (the server is started by this test): a worker of our own,
    // with SMTP_URL pointing here, polls a private queue that these notifications' jobs are started on.
    const queue = `alerts-mail-${process.pid}`;
    let sink: SmtpSink;

    beforeAll(async () => {
      sink = await smtpSink({ rejectRecipient: (address) => address.startsWith('nobody@') });
      cleanups.push(() => sink.close());
      const worker = spawnWorker(queue, {
        SMTP_URL: sink.url,
        JOBDECK_MAIL_FROM: 'Jobdeck Alerts <alerts@jobdeck.test>',
      });
      cleanups.push(async () => {
        worker.kill('SIGTERM');
        await new Promise((resolve) => worker.once('exit', resolve));
      });
      await waitForPoller(queue, worker);
    });

    /** The notification's keyed job on the private queue (the row bound first, so no evaluation starts it elsewhere). */
    async function startOnQueue(to: string[], title: string) {
      const row = await channel('email', { to });
      const sent = await notification(row.id, title, true);
      const { id } = await admin.jobs.enqueue.mutate({
        type: 'alerts.notify',
        input: { notificationId: sent.id },
        options: { queue, idempotencyKey: sent.id },
      });
      expect(id).toBe(sent.jobId);
      return { id, row };
    }

    it('delivers the mail: subject, From, To, text and HTML bodies, the link', async () => {
      const { id, row } = await startOnQueue(['oncall@example.com', 'lead@example.com'], 'mail delivery');
      const job = await waitForState(viewer, id, ['completed']);
      expect(job.resultSummary).toMatch(/^email via 127\.0\.0\.1:\d+: 2 of 2 recipients accepted/);
      const mail = sink.mails.find((received) => received.subject.includes('mail delivery'))!;
      expect(mail.subject).toBe('[Jobdeck] high mail delivery');
      expect(mail.from).toBe('alerts@jobdeck.test');
      expect(mail.headers.from).toBe('Jobdeck Alerts <alerts@jobdeck.test>');
      expect(mail.to).toEqual(['oncall@example.com', 'lead@example.com']);
      expect(mail.text).toContain('The failure rate of report.generate is above its threshold.');
      expect(mail.text).toContain('Failure rate: 40%');
      expect(mail.text).toContain(`Open in Jobdeck: ${content('').url}`);
      expect(mail.text).toContain(row.name);
      expect(mail.html).toContain(`<a href="${content('').url}">`);
    });

    it('fails at once, reporting it, when the server refuses the recipients (550)', async () => {
      const before = sink.mails.length;
      const { id } = await startOnQueue(['nobody@example.com'], 'mail refused');
      const job = await waitForState(viewer, id, ['failed']);
      expect(job.attempts).toBe(1);
      expect(job.error).toMatch(/refused the mail \(550\)/);
      expect(sink.mails.length).toBe(before);
    });
  });

  it('"send test" delivers a test notification through the channel; the dashboard channel\'s is a live event', async () => {
    const hook = await receivers.start('127.0.0.1');
    const row = await channel('webhook', { url: hook.url });
    const { jobId, notificationId } = await admin.alerts.channels.test.mutate({ id: row.id });
    expect(jobId).toBe(keyedJobId('alerts.notify', notificationId!));
    await waitForState(viewer, jobId!, ['completed']);
    const body = JSON.parse(hook.requests[0]!.body);
    expect(body.event).toBe('test');
    expect(body.alert.title).toBe(`Test notification to ${row.name}`);
    expect(body.alert.message).toContain('admin@localhost');
    expect(verify(env.webhookSecret, hook.url, hook.requests[0]!.headers, hook.requests[0]!.body)).toBe(true);

    const dashboard = await channel('dashboard', {});
    // No job: every open bell shows it (the alerts API test follows it on a stream).
    expect(await admin.alerts.channels.test.mutate({ id: dashboard.id })).toEqual({
      jobId: null,
      notificationId: null,
    });
  });
});
