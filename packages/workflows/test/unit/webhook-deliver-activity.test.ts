// The webhook activity against loopback receivers, with Temporal's activity context and the
// database stubbed: what is sent, what is refused and how each failure is classified.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityDeps } from '../../src/runtime/activity-deps';
import { createOutboundClient, createOutboundPolicy, parseWebhookSecrets } from '../../src/outbound';
import { createJobRecorder } from '../../src/runtime/records/recorder';
import { rejectionOf } from './support/rejection';

const activityInfo = { attempt: 1 };
vi.mock('@temporalio/activity', () => ({
  Context: {
    current: () => ({
      info: {
        workflowExecution: { workflowId: 'webhook.deliver-test-1', runId: 'r' },
        attempt: activityInfo.attempt,
        heartbeatDetails: undefined,
      },
      cancellationSignal: new AbortController().signal,
      heartbeat: () => {},
    }),
  },
}));
const { webhookActivities } = await import('../../src/jobs/webhook-deliver/activities');

const logs: Array<{ level: string; message: string; data?: unknown }> = [];
const db = {
  job: { updateMany: async () => ({ count: 1 }) },
  jobLog: { create: async ({ data }: { data: { level: string; message: string; data?: unknown } }) => logs.push(data) },
};
// The recorder writes log lines as plain SQL: each INSERT into "JobLog" is kept as the row it writes.
const sql = {
  query: async (text: string, params: unknown[] = []) => {
    const columns = /INSERT INTO "JobLog" \(([^)]*)\)/
      .exec(text)?.[1]
      ?.split(',')
      .map((column) => column.trim().replace(/"/g, ''));
    if (columns) {
      const row = Object.fromEntries(columns.map((column, i) => [column, params[i] ?? undefined]));
      logs.push({
        ...row,
        data: typeof row.data === 'string' ? JSON.parse(row.data) : undefined,
      } as (typeof logs)[number]);
    }
    return { rowCount: 1, rows: [] };
  },
};
const events = { publish: async () => {} };
const deps = {
  db,
  events,
  records: createJobRecorder({ db: db as never, sql: sql as never, events: events as never }),
  outbound: createOutboundClient({ policy: createOutboundPolicy('127.0.0.1') }),
  webhookSecrets: parseWebhookSecrets('default-key', 'partner=partner-key'),
} as unknown as ActivityDeps;
const { deliverWebhook } = webhookActivities(deps);

interface Receiver {
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: string }>;
  connections: number;
  server: Server;
}
const receivers: Receiver[] = [];

async function receiver(
  host: string,
  answer: (body: string) => { status: number; body?: string; headers?: Record<string, string> },
): Promise<Receiver> {
  const received: Receiver = { url: '', requests: [], connections: 0, server: createServer() };
  received.server.on('connection', () => received.connections++);
  received.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.requests.push({ headers: req.headers, body });
      const reply = answer(body);
      res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => received.server.listen(0, host, resolve));
  received.url = `http://${host}:${(received.server.address() as AddressInfo).port}/hook`;
  receivers.push(received);
  return received;
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, ApplicationFailure);

afterEach(async () => {
  logs.length = 0;
  activityInfo.attempt = 1;
  for (const { server } of receivers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('deliverWebhook', () => {
  it('signs timestamp, delivery id, URL and body (v2), and sends the delivery id and attempt', async () => {
    const hook = await receiver('127.0.0.1', () => ({ status: 200, body: '{"ok":true}' }));
    activityInfo.attempt = 2;
    const result = await deliverWebhook({
      url: hook.url,
      payload: { event: 'order.paid' },
      headers: { 'X-Trace': 't1' },
      timeoutMs: 5_000,
    });
    expect(result).toMatchObject({ status: 200, responseBody: '{"ok":true}' });
    const [request] = hook.requests;
    const t = request!.headers['x-jobdeck-timestamp'];
    const expected = createHmac('sha256', 'default-key')
      .update(`${t}.webhook.deliver-test-1.${hook.url}.${request!.body}`)
      .digest('hex');
    expect(request!.headers).toMatchObject({
      'x-jobdeck-signature': `t=${t},v2=${expected}`,
      'x-jobdeck-delivery': 'webhook.deliver-test-1',
      'x-jobdeck-attempt': '2',
      'content-type': 'application/json',
      'x-trace': 't1',
    });
    expect(request!.body).toBe('{"event":"order.paid"}');
  });

  it('signs with the per-endpoint key a delivery names', async () => {
    const hook = await receiver('127.0.0.1', () => ({ status: 204 }));
    await deliverWebhook({ url: hook.url, payload: {}, secretName: 'partner', timeoutMs: 5_000 });
    const { headers, body } = hook.requests[0]!;
    const expected = createHmac('sha256', 'partner-key')
      .update(`${headers['x-jobdeck-timestamp']}.webhook.deliver-test-1.${hook.url}.${body}`)
      .digest('hex');
    expect(headers['x-jobdeck-signature']).toMatch(new RegExp(`,v2=${expected}$`));
  });

  it('fails at once, without a request, on an unknown secretName', async () => {
    const hook = await receiver('127.0.0.1', () => ({ status: 200 }));
    const error = await failure(deliverWebhook({ url: hook.url, payload: {}, secretName: 'crm', timeoutMs: 5_000 }));
    expect(error).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
    expect(error.message).toBe('no webhook secret named "crm" in the worker\'s JOBDECK_WEBHOOK_SECRETS');
    expect(hook.connections).toBe(0);
  });

  it('fails at once, naming the rule, on an address the policy refuses', async () => {
    const hook = await receiver('127.0.0.2', () => ({ status: 200 }));
    const error = await failure(deliverWebhook({ url: hook.url, payload: {}, timeoutMs: 5_000 }));
    expect(error).toMatchObject({ type: 'OutboundRefused', nonRetryable: true });
    expect(error.message).toBe(
      'outbound policy refused 127.0.0.2: loopback address (allow it with JOBDECK_OUTBOUND_ALLOW)',
    );
    expect(hook.connections).toBe(0);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', message: error.message })]);
  });

  it('does not follow a redirect, and says why', async () => {
    const target = await receiver('127.0.0.1', () => ({ status: 200 }));
    const hook = await receiver('127.0.0.1', () => ({
      status: 307,
      headers: { location: `${target.url}?token=abc123` },
    }));
    const error = await failure(deliverWebhook({ url: hook.url, payload: {}, timeoutMs: 5_000 }));
    expect(error).toMatchObject({ type: 'HttpRedirect', nonRetryable: true });
    expect(error.message).toMatch(
      /answered 307 Temporary Redirect, redirecting to .*: webhooks do not follow redirects/,
    );
    expect(error.message).not.toContain('abc123');
    expect(target.connections).toBe(0);
  });

  it('keeps at most 1 KiB of the answer, with its secrets redacted, in the result and the logs', async () => {
    const answer = JSON.stringify({ access_token: 'tok_live_secret', note: 'n'.repeat(4000) });
    const hook = await receiver('127.0.0.1', () => ({ status: 200, body: answer }));
    const result = await deliverWebhook({ url: hook.url, payload: {}, timeoutMs: 5_000 });
    expect(Buffer.byteLength(result.responseBody)).toBeLessThanOrEqual(1024);
    expect(result.responseBody).not.toContain('tok_live_secret');
    expect(result.responseBody).toMatch(/^\{"access_token":"\[redacted\]","note":"nnn/);
    expect(JSON.stringify(logs)).not.toContain('tok_live_secret');
    expect(logs.at(-1)).toMatchObject({ level: 'info', data: { responseBody: result.responseBody } });
  });

  it('retries 5xx and gives up at once on other 4xx, logging the redacted answer', async () => {
    const failing = await receiver('127.0.0.1', () => ({ status: 503, body: 'busy; token=abc123' }));
    expect(await failure(deliverWebhook({ url: failing.url, payload: {}, timeoutMs: 5_000 }))).toMatchObject({
      type: 'HttpServerError',
      nonRetryable: false,
    });
    const refusing = await receiver('127.0.0.1', () => ({ status: 422 }));
    expect(await failure(deliverWebhook({ url: refusing.url, payload: {}, timeoutMs: 5_000 }))).toMatchObject({
      type: 'HttpClientError',
      nonRetryable: true,
    });
    expect(JSON.stringify(logs)).not.toContain('abc123');
  });
});
