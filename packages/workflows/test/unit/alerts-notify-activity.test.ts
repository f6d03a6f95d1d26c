// The alerts.notify activity against real receivers in this process (an HTTP server, an SMTP server),
// with Temporal's activity context and the database stubbed: what each channel sends, and how each
// failure is classified for retries.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { smtpSink, type SmtpSink } from '../../../../tests/support/smtp-sink';
import { sealChannelConfig } from '../../src/alerts/channel-secrets';
import type { AlertChannelConfig } from '../../src/alerts/channels';
import { parseEncryptionKeys } from '../../src/codec/keys';
import { createOutboundClient, createOutboundPolicy, parseWebhookSecrets } from '../../src/outbound';
import type { ActivityDeps } from '../../src/runtime/activity-deps';
import type { AlertChannelKind, AlertNotificationContent } from '../../src/runtime/alert-vocabulary';
import { rejectionOf } from './support/rejection';

const activityInfo = { attempt: 1 };
vi.mock('@temporalio/activity', () => ({
  Context: {
    current: () => ({
      info: {
        workflowExecution: { workflowId: 'alerts.notify-key-n1', runId: 'r' },
        attempt: activityInfo.attempt,
        heartbeatDetails: undefined,
      },
      cancellationSignal: new AbortController().signal,
      heartbeat: () => {},
    }),
  },
}));
const { alertsNotifyActivities } = await import('../../src/jobs/alerts-notify/activities');

const keys = parseEncryptionKeys(`k1:${Buffer.alloc(32, 7).toString('base64')}`);
const logs: Array<{ level: string; message: string; data?: unknown }> = [];
let row: unknown = null;
const records = {
  progress: async () => {},
  log: async (_id: string, level: string, message: string, _attempt: number, data?: unknown) =>
    void logs.push({ level, message, data }),
};
const alerting = {
  dashboardUrl: null,
  encryptionKeys: keys,
  redisUrl: null,
  smtpUrl: null as string | null,
  mailFrom: 'Jobdeck <alerts@jobdeck.test>',
};
const deps = {
  db: { alertNotification: { findUnique: async () => row } },
  records,
  outbound: createOutboundClient({ policy: createOutboundPolicy('127.0.0.1') }),
  webhookSecrets: parseWebhookSecrets('default-key', ''),
  alerting,
} as unknown as ActivityDeps;
const { deliverNotification } = alertsNotifyActivities(deps);
const NOTIFICATION_ID = '6f1c2a34-58b7-4c1d-9e0f-1a2b3c4d5e6f';

const content: AlertNotificationContent = {
  event: 'fired',
  ruleId: 'r1',
  ruleName: 'Reports failing',
  ruleKind: 'failure_rate',
  severity: 'high',
  subject: 'report.generate',
  title: 'Failure rate of report.generate 40% > 10%\r\nBcc: victim@example.com',
  message: 'Failures <b>rose</b> & stayed up.',
  facts: [
    { label: 'Failure rate', value: '40%' },
    { label: 'Threshold', value: '10%' },
  ],
  startedAt: '2026-11-30T00:10:00.000Z',
  resolvedAt: null,
  url: 'https://jobdeck.example.com/alerts/firings/f1',
};

function notification<K extends AlertChannelKind>(kind: K, config: AlertChannelConfig<K>, enabled = true) {
  row = {
    id: NOTIFICATION_ID,
    event: 'fired',
    content,
    channel: { id: 'c1', name: `ops ${kind}`, kind, enabled, config: sealChannelConfig(kind, config, keys) },
  };
}

interface Receiver {
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: string }>;
  connections: number;
  server: Server;
}
const servers: Server[] = [];
async function receiver(host: string, status = 200): Promise<Receiver> {
  const received: Receiver = { url: '', requests: [], connections: 0, server: createServer() };
  received.server.on('connection', () => received.connections++);
  received.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.requests.push({ headers: req.headers, body });
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => received.server.listen(0, host, resolve));
  received.url = `http://${host}:${(received.server.address() as AddressInfo).port}/hook`;
  servers.push(received.server);
  return received;
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ApplicationFailure);
let sink: SmtpSink | undefined;

afterEach(async () => {
  logs.length = 0;
  activityInfo.attempt = 1;
  alerting.smtpUrl = null;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await sink?.close();
  sink = undefined;
});
afterAll(() => expect(JSON.stringify(logs)).not.toContain('tok-secret'));

describe('alerts.notify delivery', () => {
  it('webhook: POSTs { event, alert, channel, deliveryId } signed as webhook.deliver signs', async () => {
    const hook = await receiver('127.0.0.1');
    activityInfo.attempt = 3;
    notification('webhook', { url: hook.url, headers: { 'X-Api-Token': 'tok-secret' } });
    const result = await deliverNotification({ notificationId: NOTIFICATION_ID });
    expect(result).toMatchObject({ outcome: 'delivered', channelKind: 'webhook', status: 200 });
    const { headers, body } = hook.requests[0]!;
    const expected = createHmac('sha256', 'default-key')
      .update(`${headers['x-jobdeck-timestamp']}.${NOTIFICATION_ID}.${hook.url}.${body}`)
      .digest('hex');
    expect(headers).toMatchObject({
      'x-jobdeck-signature': `t=${headers['x-jobdeck-timestamp']},v2=${expected}`,
      'x-jobdeck-delivery': NOTIFICATION_ID,
      'x-jobdeck-attempt': '3',
      'x-api-token': 'tok-secret',
    });
    expect(JSON.parse(body)).toEqual({
      event: 'fired',
      alert: content,
      channel: { id: 'c1', name: 'ops webhook', kind: 'webhook' },
      deliveryId: NOTIFICATION_ID,
    });
  });

  it('slack: text and blocks with the facts and a button to the dashboard, mrkdwn escaped', async () => {
    const hook = await receiver('127.0.0.1');
    notification('slack', { webhookUrl: hook.url });
    await deliverNotification({ notificationId: NOTIFICATION_ID });
    const message = JSON.parse(hook.requests[0]!.body);
    expect(message.text).toContain('HIGH · Firing');
    expect(message.text).toContain(content.url);
    const types = message.blocks.map((block: { type: string }) => block.type);
    expect(types).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(message.blocks[0].text).toMatchObject({ type: 'plain_text' });
    expect(message.blocks[0].text.text).not.toMatch(/[\r\n]/);
    expect(message.blocks[1].text.text).toBe('Failures &lt;b&gt;rose&lt;/b&gt; &amp; stayed up.');
    expect(message.blocks[2].fields).toEqual([
      { type: 'mrkdwn', text: '*Failure rate*\n40%' },
      { type: 'mrkdwn', text: '*Threshold*\n10%' },
    ]);
    expect(message.blocks[4].elements[0]).toMatchObject({ type: 'button', url: content.url });
    // The URL is the credential: logs name its host only.
    expect(JSON.stringify(logs)).not.toContain('/hook');
  });

  it('email: one mail with a one-line subject, From, To, text and escaped HTML bodies and the link', async () => {
    sink = await smtpSink();
    alerting.smtpUrl = sink.url;
    notification('email', { to: ['oncall@example.com', 'lead@example.com'] });
    const result = await deliverNotification({ notificationId: NOTIFICATION_ID });
    expect(result).toMatchObject({ outcome: 'delivered', accepted: ['oncall@example.com', 'lead@example.com'] });
    const [mail] = sink.mails;
    expect(mail!.to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(mail!.from).toBe('alerts@jobdeck.test');
    expect(mail!.subject).toBe('[Jobdeck] high Failure rate of report.generate 40% > 10% Bcc: victim@example.com');
    expect(mail!.headers.bcc).toBeUndefined();
    expect(mail!.headers['x-jobdeck-notification']).toBe(NOTIFICATION_ID);
    expect(mail!.text).toContain('Failure rate: 40%');
    expect(mail!.text).toContain(`Open in Jobdeck: ${content.url}`);
    expect(mail!.html).toContain('Failures &lt;b&gt;rose&lt;/b&gt; &amp; stayed up.');
    expect(mail!.html).toContain(`<a href="${content.url}">`);
  });

  it('email: a `?proxy=` in SMTP_URL cannot route the connection past the outbound policy', async () => {
    sink = await smtpSink();
    alerting.smtpUrl = `${sink.url}?proxy=${encodeURIComponent('socks5://127.0.0.2:1080')}`;
    notification('email', { to: ['oncall@example.com'] });
    expect(await deliverNotification({ notificationId: NOTIFICATION_ID })).toMatchObject({ outcome: 'delivered' });
    expect(sink.mails).toHaveLength(1);
  });

  it('email: a 550 for every recipient fails at once (SmtpRejected), a missing SMTP_URL too', async () => {
    sink = await smtpSink({ rejectRecipient: () => true });
    alerting.smtpUrl = sink.url;
    notification('email', { to: ['nobody@example.com'] });
    const rejected = await failure(deliverNotification({ notificationId: NOTIFICATION_ID }));
    expect(rejected).toMatchObject({ type: 'SmtpRejected', nonRetryable: true });
    expect(rejected.message).toMatch(/refused the mail \(550\)/);

    alerting.smtpUrl = null;
    const missing = await failure(deliverNotification({ notificationId: NOTIFICATION_ID }));
    expect(missing).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
    expect(missing.message).toMatch(/SMTP_URL is not set/);
  });

  it('email: a server down is retried; a host the outbound policy refuses is refused without a connection', async () => {
    sink = await smtpSink();
    const port = sink.port;
    await sink.close();
    sink = undefined;
    alerting.smtpUrl = `smtp://user:pw-secret@127.0.0.1:${port}`;
    notification('email', { to: ['oncall@example.com'] });
    const down = await failure(deliverNotification({ notificationId: NOTIFICATION_ID }));
    expect(down).toMatchObject({ type: 'SmtpUnreachable' });
    expect(down.nonRetryable).toBeFalsy();
    expect(down.message).not.toContain('pw-secret');

    sink = await smtpSink();
    alerting.smtpUrl = `smtp://127.0.0.2:${sink.port}`;
    const refused = await failure(deliverNotification({ notificationId: NOTIFICATION_ID }));
    expect(refused).toMatchObject({ type: 'OutboundRefused', nonRetryable: true });
    expect(sink.connections()).toBe(0);
    alerting.smtpUrl = `smtp://169.254.169.254:25`;
    expect(await failure(deliverNotification({ notificationId: NOTIFICATION_ID }))).toMatchObject({
      type: 'OutboundRefused',
    });
  });

  it('webhook and slack to refused addresses: refused without a request; 4xx final, 5xx retried', async () => {
    const other = await receiver('127.0.0.2');
    notification('slack', { webhookUrl: other.url });
    expect(await failure(deliverNotification({ notificationId: NOTIFICATION_ID }))).toMatchObject({
      type: 'OutboundRefused',
      nonRetryable: true,
    });
    expect(other.connections).toBe(0);

    const gone = await receiver('127.0.0.1', 404);
    notification('slack', { webhookUrl: gone.url });
    expect(await failure(deliverNotification({ notificationId: NOTIFICATION_ID }))).toMatchObject({
      type: 'HttpClientError',
      nonRetryable: true,
    });
    const broken = await receiver('127.0.0.1', 503);
    notification('webhook', { url: broken.url });
    const error = await failure(deliverNotification({ notificationId: NOTIFICATION_ID }));
    expect(error).toMatchObject({ type: 'HttpServerError' });
    expect(error.nonRetryable).toBeFalsy();
  });

  it('skips, without failing, a notification that is gone or whose channel is disabled', async () => {
    row = null;
    expect(await deliverNotification({ notificationId: NOTIFICATION_ID })).toMatchObject({
      outcome: 'skipped',
      summary: expect.stringMatching(/^skipped: notification .* no longer exists/),
    });
    const hook = await receiver('127.0.0.1');
    notification('webhook', { url: hook.url }, false);
    expect(await deliverNotification({ notificationId: NOTIFICATION_ID })).toMatchObject({
      outcome: 'skipped',
      summary: 'skipped: channel "ops webhook" is disabled',
    });
    expect(hook.requests).toHaveLength(0);
  });
});
