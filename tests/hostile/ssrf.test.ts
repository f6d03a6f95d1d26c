// SSRF through webhook.deliver, attacked through the API as an operator would. The stack allows
// 127.0.0.1 only (JOBDECK_OUTBOUND_ALLOW in scripts/lib/stack.mjs); every other spelling of this
// machine must fail the job at once, and the receivers listening there must see no connection.
// Only loopback is ever aimed at (the network rule for tests): the decisions for private,
// link-local and metadata addresses are unit-tested with a stubbed network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, http, waitForState } from '../support/harness';
import { receiverPool } from '../support/loopback-receiver';

let operator: JobdeckClient;
let viewerToken: string;
const receivers = receiverPool();
const receiver = receivers.start;

async function deliver(url: string, input: Record<string, unknown> = {}): Promise<string> {
  const { id } = await operator.jobs.enqueue.mutate({
    type: 'webhook.deliver',
    input: { url, payload: { event: 'ssrf.probe' }, ...input },
  });
  return id;
}

/** The job as a viewer reads it over plain HTTP: what anyone with the lowest role can see. */
async function asViewer(id: string) {
  const response = await http('jobs.get', { token: viewerToken, input: { id }, method: 'GET' });
  expect(response.status).toBe(200);
  return { job: response.json.result.data, text: response.text };
}

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ token: viewerToken } = await clientAs('viewer'));
});

afterAll(async () => {
  await receivers.closeAll();
});

describe('webhook.deliver and the outbound policy', () => {
  it('refuses every spelling of a loopback address outside the allow-list: failed after 1 attempt, rule named, nothing received', async () => {
    const hidden = await receiver('127.0.0.2');
    // Connecting to 0.0.0.0 reaches 127.0.0.1, which is allowed: a receiver there shows that the
    // unspecified address is refused as such, not merely unreachable.
    const behindUnspecified = await receiver('127.0.0.1');
    const probes = [
      { url: hidden.url, rule: 'loopback address' },
      { url: `http://[::ffff:127.0.0.2]:${hidden.port}/hook`, rule: 'loopback address' },
      { url: `http://2130706434:${hidden.port}/hook`, rule: 'loopback address' },
      { url: `http://0x7f000002:${hidden.port}/hook`, rule: 'loopback address' },
      { url: `http://127.0.0.2.:${hidden.port}/hook`, rule: 'loopback address' },
      { url: `http://0.0.0.0:${behindUnspecified.port}/hook`, rule: 'unspecified address \\(reaches this machine\\)' },
    ];
    const ids = await Promise.all(probes.map((probe) => deliver(probe.url)));
    for (const [index, id] of ids.entries()) {
      const job = await waitForState(operator, id, ['failed']);
      expect(job.attempts, probes[index]!.url).toBe(1);
      expect(job.error).toMatch(
        new RegExp(`^outbound policy refused .+: ${probes[index]!.rule} \\(allow it with JOBDECK_OUTBOUND_ALLOW\\)$`),
      );
      expect(job.temporal?.status).toBe('FAILED');
      expect(job.logs.some((log) => log.level === 'error' && log.message === job.error)).toBe(true);
    }
    expect(hidden.connections()).toBe(0);
    expect(behindUnspecified.connections()).toBe(0);
  });

  it('names the address in the error, as an operator reads it', async () => {
    const hidden = await receiver('127.0.0.2');
    const id = await deliver(hidden.url);
    const { job } = await asViewer((await waitForState(operator, id, ['failed'])).id);
    expect(job.error).toBe(
      'outbound policy refused 127.0.0.2: loopback address (allow it with JOBDECK_OUTBOUND_ALLOW)',
    );
  });

  it('does not follow a redirect from an allowed receiver to a refused one', async () => {
    const hidden = await receiver('127.0.0.2');
    const redirecting = await receiver('127.0.0.1', () => ({ status: 302, headers: { location: hidden.url } }));
    const id = await deliver(redirecting.url);
    const job = await waitForState(operator, id, ['failed']);
    expect(job.attempts).toBe(1);
    expect(job.error).toMatch(
      /answered 302 Found, redirecting to http:\/\/127\.0\.0\.2:\d+\/hook: webhooks do not follow redirects/,
    );
    expect(redirecting.requests).toHaveLength(1);
    expect(hidden.connections()).toBe(0);
  });

  it('keeps a JSON answer capped at 1 KiB and redacted in the result and logs a viewer reads', async () => {
    const token = `tok_${Date.now()}_hostile_access`;
    const answering = await receiver('127.0.0.1', () => ({
      status: 200,
      body: JSON.stringify({ access_token: token, refresh_token: token, scope: 'read', padding: 'p'.repeat(4096) }),
    }));
    const id = await deliver(answering.url);
    await waitForState(operator, id, ['completed']);
    const { job, text } = await asViewer(id);
    expect(text).not.toContain(token);
    const responseBody: string = job.result.responseBody;
    expect(Buffer.byteLength(responseBody)).toBeLessThanOrEqual(1024);
    expect(responseBody).toMatch(
      /^\{"access_token":"\[redacted\]","refresh_token":"\[redacted\]","scope":"read","padding":"ppp/,
    );
    expect(responseBody).toMatch(/…\[truncated\]$/);
    const delivered = job.logs.find((log: { message: string }) => log.message.startsWith('delivered to'));
    expect(delivered.data.responseBody).toBe(responseBody);
  });

  it('keeps a text answer with token=… redacted in the logs of a failed delivery', async () => {
    const token = `hostile${Date.now()}secretvalue`;
    const answering = await receiver('127.0.0.1', () => ({
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: `bad request; retry with token=${token}&user=ops or password: ${token}`,
    }));
    const id = await deliver(answering.url);
    const failed = await waitForState(operator, id, ['failed']);
    expect(failed.attempts).toBe(1);
    const { job, text } = await asViewer(id);
    expect(text).not.toContain(token);
    const logged = job.logs.find((log: { data: { responseBody?: string } | null }) => log.data?.responseBody);
    expect(logged.data.responseBody).toMatch(/^bad request; retry with token=\[redacted\]&user=ops/);
  });
});
