// Webhook signatures as a receiver checks them (the docs/SECURITY.md example): bound to the
// receiver's own URL and the delivery id, so a request captured by one receiver cannot be replayed
// to another, and a per-endpoint key signs for its endpoint only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, env, http, waitForState } from '../support/harness';
import { receiverPool, type ReceivedWebhook } from '../support/loopback-receiver';

const partnerSecret = /(?:^|,)partner=([^,]+)/.exec(process.env.JOBDECK_WEBHOOK_SECRETS ?? '')?.[1];
let operator: JobdeckClient;
let operatorToken: string;
const receivers = receiverPool();
const receiver = receivers.start;

/** What a receiver does with its own secret and its own URL, as docs/SECURITY.md shows. */
function verify(
  secret: string,
  ownUrl: string,
  headers: IncomingMessage['headers'],
  body: string,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),v2=([0-9a-f]{64})$/.exec(String(headers['x-jobdeck-signature'] ?? ''));
  const delivery = headers['x-jobdeck-delivery'];
  if (!match || typeof delivery !== 'string') return false;
  const timestamp = Number(match[1]);
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${delivery}.${ownUrl}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

/** Replays a captured request, headers and body unchanged, to another receiver. */
async function replay(request: ReceivedWebhook, to: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of [
    'content-type',
    'x-jobdeck-signature',
    'x-jobdeck-delivery',
    'x-jobdeck-timestamp',
    'x-jobdeck-attempt',
  ]) {
    headers[name] = String(request.headers[name]);
  }
  await fetch(to, { method: 'POST', headers, body: request.body });
}

beforeAll(async () => {
  ({ client: operator, token: operatorToken } = await clientAs('operator'));
});

afterAll(async () => {
  await receivers.closeAll();
});

describe('webhook signatures (v2)', () => {
  it('verify at the receiver with its own URL, and fail when the same request is replayed to another receiver', async () => {
    const verdicts: boolean[] = [];
    const intended = await receiver('127.0.0.1', (_n, request) => {
      verdicts.push(verify(env.webhookSecret, intended.url, request.headers, request.body));
      return { status: 200 };
    });
    const other = await receiver('127.0.0.1', (_n, request) => {
      verdicts.push(verify(env.webhookSecret, other.url, request.headers, request.body));
      return { status: 401 };
    });
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: intended.url, payload: { event: 'order.paid' } },
    });
    await waitForState(operator, id, ['completed']);
    const [request] = intended.requests;
    expect(request!.headers['x-jobdeck-delivery']).toBe(id);
    expect(request!.headers['x-jobdeck-signature']).toMatch(/^t=\d+,v2=[0-9a-f]{64}$/);
    expect(request!.headers['x-jobdeck-signature']).not.toMatch(/v1=/);

    await replay(request!, other.url);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.body).toBe(request!.body);
    expect(verdicts).toEqual([true, false]);
  });

  it('keep one delivery id across retries (503, then 200), each attempt numbered and signed', async () => {
    const hook = await receiver('127.0.0.1', (attempt) => ({ status: attempt === 1 ? 503 : 200 }));
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: hook.url, payload: { event: 'retry' } },
    });
    const job = await waitForState(operator, id, ['completed']);
    expect(job.attempts).toBe(2);
    expect(hook.requests.map((request) => request.headers['x-jobdeck-delivery'])).toEqual([id, id]);
    expect(hook.requests.map((request) => request.headers['x-jobdeck-attempt'])).toEqual(['1', '2']);
    for (const request of hook.requests)
      expect(verify(env.webhookSecret, hook.url, request.headers, request.body)).toBe(true);
  });

  it('sign with the per-endpoint key a delivery names, which the default key does not verify', async () => {
    expect(partnerSecret, 'JOBDECK_WEBHOOK_SECRETS of the test stack names "partner"').toBeTruthy();
    const hook = await receiver('127.0.0.1');
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: hook.url, payload: { event: 'partner' }, secretName: 'partner' },
    });
    await waitForState(operator, id, ['completed']);
    const [request] = hook.requests;
    expect(verify(partnerSecret!, hook.url, request!.headers, request!.body)).toBe(true);
    expect(verify(env.webhookSecret, hook.url, request!.headers, request!.body)).toBe(false);
  });

  it('fail at once, without a request, when the named key does not exist, naming it but no key', async () => {
    const hook = await receiver('127.0.0.1');
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: hook.url, payload: {}, secretName: 'crm' },
    });
    const job = await waitForState(operator, id, ['failed']);
    expect(job.attempts).toBe(1);
    expect(job.error).toBe('no webhook secret named "crm" in the worker\'s JOBDECK_WEBHOOK_SECRETS');
    expect(hook.connections()).toBe(0);
    const shown = JSON.stringify(job);
    for (const secret of [env.webhookSecret, partnerSecret!]) expect(shown).not.toContain(secret);
  });

  it('refuse, with 400, headers that would override what Jobdeck signs or frames', async () => {
    for (const name of ['X-Jobdeck-Delivery', 'X-Jobdeck-Signature', 'Content-Type', 'Host', 'Transfer-Encoding']) {
      const response = await http('jobs.enqueue', {
        token: operatorToken,
        input: {
          type: 'webhook.deliver',
          input: { url: 'https://hooks.example.com/x', payload: {}, headers: { [name]: 'forged' } },
        },
      });
      expect(response.status, name).toBe(400);
      expect(response.json.error.message).toContain(`header "${name}" is set by Jobdeck and cannot be given`);
    }
  });
});
