// Job inputs, results and failures are encrypted in Temporal: what someone with access to Temporal
// (its database, its Web UI, its API) but not to Jobdeck's key reads there. Only the codec endpoint
// decrypts, for operators and admins.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal as proto } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { JobStateKey, JobTypeKey, RequestedByKey } from '@jobdeck/workflows';
import { clientAs, db, env, eventually, login, temporal, temporalCli, waitForState } from '../support/harness';

const NAMESPACE = 'default';
const UI_ORIGIN = 'http://127.0.0.1:8233';
const marker = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

let raw: Client; // Temporal as someone without the key sees it
let operator: JobdeckClient;
let operatorToken: string;
let viewerToken: string;
let adminSession: string;
const servers: Server[] = [];

/** A webhook target whose answer (status, reason phrase, body) carries what the test needs. */
async function receiver(status: number, reason: string, body: string, headers: Record<string, string> = {}) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, reason, { 'content-type': 'application/json', ...headers }).end(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function rawHistory(id: string) {
  const { history } = await raw.workflowService.getWorkflowExecutionHistory({
    namespace: NAMESPACE,
    execution: { workflowId: id },
    maximumPageSize: 1000,
  });
  return {
    events: history?.events ?? [],
    bytes: Buffer.from(proto.api.history.v1.History.encode(history ?? {}).finish()),
  };
}

async function rawDescription(id: string) {
  const response = await raw.workflowService.describeWorkflowExecution({
    namespace: NAMESPACE,
    execution: { workflowId: id },
  });
  return {
    response,
    bytes: Buffer.from(proto.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(response).finish()),
  };
}

const payloadJson = (payload: proto.api.common.v1.IPayload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
const metadataText = (payload: { metadata: Record<string, string> }, key: string) =>
  Buffer.from(payload.metadata[key] ?? '', 'base64').toString();
const dataJson = (payload: { data: string }) => JSON.parse(Buffer.from(payload.data, 'base64').toString());

async function codec(
  path: string,
  options: {
    token?: string;
    cookie?: string;
    origin?: string;
    body?: string;
    contentType?: string;
    method?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const response = await fetch(`${env.apiUrl}${path}`, {
    method: options.method ?? 'POST',
    headers,
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

// Shared by the tests below: one delivered webhook and one that failed, each with markers.
const delivered = { id: '', auth: marker('auth'), payload: marker('payload'), result: marker('result') };
const failed = { id: '', reason: marker('busy') };

beforeAll(async () => {
  raw = new Client({ connection: await Connection.connect({ address: env.temporalAddress }), namespace: NAMESPACE });
  ({ client: operator, token: operatorToken } = await clientAs('operator'));
  ({ token: viewerToken } = await clientAs('viewer'));
  adminSession = await login();

  const url = await receiver(200, 'OK', JSON.stringify({ received: true, echo: delivered.result }));
  ({ id: delivered.id } = await operator.jobs.enqueue.mutate({
    type: 'webhook.deliver',
    input: { url, payload: { note: delivered.payload }, headers: { Authorization: `Bearer ${delivered.auth}` } },
  }));
  await waitForState(operator, delivered.id, ['completed']);
});

afterAll(async () => {
  for (const server of servers) server.close();
  await db.$disconnect();
});

describe('payload encryption in Temporal', () => {
  it('keeps a webhook input (Authorization header, payload) and its result out of the raw history', async () => {
    const { events, bytes } = await rawHistory(delivered.id);
    for (const secret of [delivered.auth, delivered.payload, delivered.result])
      expect(bytes.includes(secret), secret).toBe(false);

    const started = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(started.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(started.metadata!['encryption-key-id']!).toString()).toBe(env.encryptionKeys.split(':')[0]);
    const activityInputs = events.map((event) => event.activityTaskScheduledEventAttributes).filter(Boolean);
    expect(activityInputs.length).toBeGreaterThan(0);
    for (const scheduled of activityInputs) {
      for (const payload of scheduled!.input?.payloads ?? [])
        expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
    }
    const completed = events.find(
      (event) => event.workflowExecutionCompletedEventAttributes,
    )!.workflowExecutionCompletedEventAttributes!;
    expect(Buffer.from(completed.result!.payloads![0]!.metadata!.encoding!).toString()).toBe('binary/encrypted');

    // The markers were there, encrypted: a client with the key reads them back.
    const result = await (await temporal()).workflow.getHandle(delivered.id).result();
    expect(JSON.stringify(result)).toContain(delivered.result);
  });

  it('keeps failure messages and stacks out of the raw history and description, and jobs.get still shows them', async () => {
    const url = await receiver(503, `Busy ${failed.reason}`, '{}', { 'retry-after': '2' });
    ({ id: failed.id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url, payload: { n: 1 } },
      options: { maxAttempts: 3 },
    }));

    // While it retries, Temporal's pending activity holds the last failure, encoded…
    const retrying = await eventually('a pending activity with its last failure', async () => {
      const job = await operator.jobs.get.query({ id: failed.id });
      return job.pendingActivities.find((activity) => activity.lastFailure?.includes(failed.reason));
    });
    expect(retrying.lastFailure).toMatch(/answered 503 Busy/);
    const description = await rawDescription(failed.id);
    expect(description.bytes.includes(failed.reason)).toBe(false);
    expect(description.response.pendingActivities?.[0]?.lastFailure?.message).toBe('Encoded failure');

    await waitForState(operator, failed.id, ['failed']);
    const { events, bytes } = await rawHistory(failed.id);
    expect(bytes.includes(failed.reason)).toBe(false);
    expect(bytes.includes('webhook-deliver/activities')).toBe(false); // no stack frames either
    const workflowFailure = events.find((event) => event.workflowExecutionFailedEventAttributes)!
      .workflowExecutionFailedEventAttributes!.failure!;
    expect(workflowFailure.message).toBe('Encoded failure');

    // …and decodes through the data converter, workflow sandbox included.
    const error = await (
      await temporal()
    ).workflow
      .getHandle(failed.id)
      .result()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    let cause = (error as Error).cause as Error | undefined;
    while (cause?.cause) cause = cause.cause as Error;
    expect(cause?.message).toContain(failed.reason);
  });

  it('leaves the search attributes readable, so visibility queries and the UI lists still work', async () => {
    const { response } = await rawDescription(delivered.id);
    const attributes = decodeTypedSearchAttributes(response.workflowExecutionInfo?.searchAttributes?.indexedFields);
    expect(attributes.get(JobTypeKey)).toBe('webhook.deliver');
    // A closed job's state is its ExecutionStatus; JobState keeps the last live state it showed.
    expect(attributes.get(JobStateKey)).toMatch(/^(waiting|active)$/);
    expect(attributes.get(RequestedByKey)).toMatch(/^token:test operator/);
    const listed = await raw.workflow.count(`JobType='webhook.deliver' AND WorkflowId='${delivered.id}'`);
    expect(listed.count).toBe(1);
  });
});

describe('payload encryption: the codec endpoint', () => {
  async function startedInput() {
    const { events } = await rawHistory(delivered.id);
    return events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!.map(payloadJson);
  }

  it('refuses anonymous callers (401) and viewers (403), decodes for operators with secrets redacted', async () => {
    const body = JSON.stringify({ payloads: await startedInput() });
    const anonymous = await codec('/codec/decode', { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.text).not.toContain(delivered.payload);
    expect((await codec('/codec/decode', { body, token: 'jd_t_notarealtokennotarealtoken' })).status).toBe(401);
    const viewer = await codec('/codec/decode', { body, token: viewerToken });
    expect(viewer.status).toBe(403);
    expect(viewer.json.error).toMatch(/operator/);
    expect(viewer.text).not.toContain(delivered.payload);

    const decoded = await codec('/codec/decode', { body, token: operatorToken, headers: { 'x-namespace': NAMESPACE } });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('cache-control')).toBe('no-store');
    const [payload] = decoded.json.payloads;
    expect(metadataText(payload, 'encoding')).toBe('json/plain');
    const envelope = dataJson(payload);
    expect(envelope.type).toBe('webhook.deliver');
    expect(envelope.input.payload.note).toBe(delivered.payload);
    expect(envelope.input.headers.Authorization).toBe('[redacted]');
    expect(decoded.text).not.toContain(delivered.auth);
    expect(Buffer.from(payload.data, 'base64').toString()).not.toContain(delivered.auth);
  });

  it('takes the session cookie the browser sends exactly like the bearer header', async () => {
    const body = JSON.stringify({ payloads: await startedInput() });
    const byCookie = await codec('/codec/decode', { body, cookie: `theme=dark; jobdeck_session=${adminSession}` });
    expect(byCookie.status).toBe(200);
    expect(dataJson(byCookie.json.payloads[0]).input.payload.note).toBe(delivered.payload);
    expect(
      (await codec('/codec/decode', { body, cookie: 'jobdeck_session=jd_s_forgedforgedforgedforged' })).status,
    ).toBe(401);
    expect((await codec('/codec/decode', { body, cookie: `jobdeck_session=${viewerToken}` })).status).toBe(403);
  });

  it('serves /codec/{namespace}/… and encodes what it is given, which then decodes', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"hello":"codec"}').toString('base64'),
    };
    const encoded = await codec(`/codec/${NAMESPACE}/encode`, {
      body: JSON.stringify({ payloads: [plain] }),
      token: operatorToken,
    });
    expect(encoded.status).toBe(200);
    expect(metadataText(encoded.json.payloads[0], 'encoding')).toBe('binary/encrypted');
    const decoded = await codec(`/codec/${NAMESPACE}/decode`, {
      body: JSON.stringify(encoded.json),
      token: operatorToken,
    });
    expect(dataJson(decoded.json.payloads[0])).toEqual({ hello: 'codec' });
    // Payloads that were never encrypted (older histories) pass through.
    const passthrough = await codec('/codec/decode', {
      body: JSON.stringify({ payloads: [plain] }),
      token: operatorToken,
    });
    expect(dataJson(passthrough.json.payloads[0])).toEqual({ hello: 'codec' });
  });

  it('allows the Temporal UI origin with credentials, and no other origin', async () => {
    const preflight = (origin: string) =>
      codec('/codec/decode', {
        method: 'OPTIONS',
        origin,
        headers: {
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Content-Type.*X-Namespace.*Authorization/);

    // An origin is only a header here: nothing is sent anywhere but the API on loopback.
    const other = await preflight('http://127.0.0.1:5999');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();

    const body = JSON.stringify({ payloads: await startedInput() });
    expect(
      (
        await codec('/codec/decode', { body, cookie: `jobdeck_session=${adminSession}`, origin: UI_ORIGIN })
      ).headers.get('access-control-allow-origin'),
    ).toBe(UI_ORIGIN);
    expect(
      (
        await codec('/codec/decode', {
          body,
          cookie: `jobdeck_session=${adminSession}`,
          origin: 'http://localhost:5999',
        })
      ).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('answers malformed requests with a 4xx JSON error, never a 500', async () => {
    const encrypted = (await startedInput())[0]!;
    const tamperedData = Buffer.from(encrypted.data, 'base64');
    tamperedData[tamperedData.length - 1] = tamperedData[tamperedData.length - 1]! ^ 0xff;
    const cases: Array<[string, Parameters<typeof codec>[1], number, RegExp]> = [
      ['/codec/decode', { body: 'not json' }, 400, /not JSON/],
      ['/codec/decode', { body: '[]' }, 400, /invalid payloads/],
      ['/codec/decode', { body: '{"payloads":"x"}' }, 400, /payloads/],
      ['/codec/decode', { body: '{"payloads":[{"data":"***"}]}' }, 400, /payloads\.0\.data: not base64/],
      ['/codec/decode', { body: '{"payloads":[{"metadata":{"encoding":1}}]}' }, 400, /payloads\.0\.metadata\.encoding/],
      [
        '/codec/decode',
        { body: JSON.stringify({ payloads: [{ ...encrypted, data: tamperedData.toString('base64') }] }) },
        400,
        /payloads\.0: .*does not decrypt/,
      ],
      [
        '/codec/decode',
        {
          body: JSON.stringify({
            payloads: [
              {
                ...encrypted,
                metadata: { ...encrypted.metadata, 'encryption-key-id': Buffer.from('gone').toString('base64') },
              },
            ],
          }),
        },
        400,
        /key id "gone"/,
      ],
      [
        '/codec/decode',
        { body: JSON.stringify({ payloads: Array.from({ length: 1001 }, () => ({})) }) },
        400,
        /payloads/,
      ],
      ['/codec/decode', { body: 'x'.repeat(5 * 1024 * 1024) }, 413, /larger than/],
      ['/codec/decode', { body: '{"payloads":[]}', contentType: 'text/plain' }, 415, /application\/json/],
      ['/codec/decode', { body: '{"payloads":[]}', headers: { 'x-namespace': '../../etc' } }, 400, /namespace/],
      ['/codec/decode', { method: 'GET' }, 405, /POST/],
      ['/codec/unknown', { body: '{}' }, 404, /no route/],
    ];
    for (const [path, options, status, message] of cases) {
      const response = await codec(path, { token: operatorToken, ...options });
      expect(response.status, `${path} ${options?.body?.slice(0, 60)}`).toBe(status);
      expect(response.json.error, `${path} ${options?.body?.slice(0, 60)}`).toMatch(message);
    }
    expect((await codec('/codec/decode', { token: operatorToken, body: '{"payloads":[]}' })).json).toEqual({
      payloads: [],
    });
  });

  it('lets the temporal CLI show the decoded history, given the codec endpoint and a token', async () => {
    // The CLI's JSON keeps payload data in base64: read every payload as the tool would show it.
    const payloadTexts = (output: string) => {
      const texts: string[] = [];
      JSON.parse(output, (key, value) => {
        if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString('utf8'));
        return value;
      });
      return texts.join('\n');
    };
    const show = ['workflow', 'show', '--workflow-id', delivered.id, '--output', 'json'];
    const encrypted = payloadTexts(await temporalCli(show));
    expect(encrypted).not.toContain(delivered.payload);
    const output = await temporalCli([
      ...show,
      '--codec-endpoint',
      `${env.apiUrl}/codec/{namespace}`,
      '--codec-auth',
      `Bearer ${operatorToken}`,
    ]);
    const decoded = payloadTexts(output);
    expect(decoded).toContain(delivered.payload);
    expect(decoded).toContain(delivered.result);
    expect(decoded).toContain('"Authorization":"[redacted]"');
    expect(decoded + output).not.toContain(delivered.auth);
  });
});
