// One redaction policy on every answer (security review, issue 7), end to end: a webhook job whose
// URL, headers and payload carry recognisable secrets (SECRET-…) is read back as a viewer through
// every procedure that shows it (job, list, template, schedule), as an admin through the audit
// trail, and live through the event stream; none may show a secret, all must show the rest. Editing
// the redacted copy keeps the stored secrets. (The table of single cases is the unit suite's
// packages/workflows/test/unit/redact.test.ts.)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobdeckClient, type JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, env, http, login, temporal, waitForState, webhookReceiver } from '../support/harness';
import { loopbackReceiver, type LoopbackReceiver } from '../support/loopback-receiver';
import { openStream, type OpenStream } from './support';

const SECRETS = [
  'SECRET-URL-1',
  'SECRET-AUTH-2',
  'SECRET-XAUTH-3',
  'SECRET-XSESSION-4',
  'SECRET-PWD-5',
  'SECRET-BEARER-6',
  'SECRET-ACCESSKEY-7',
  'SECRET-PASSWORD-8',
  'SECRET-DEEP-9',
];
const DEPTH = 25;
const suffix = randomBytes(4).toString('hex');

/** An object DEPTH levels deep whose innermost level holds an API key. */
function deepObject(): Record<string, unknown> {
  let level: Record<string, unknown> = { level: DEPTH, apiKey: 'SECRET-DEEP-9' };
  for (let depth = DEPTH - 1; depth >= 1; depth--) level = { level: depth, next: level };
  return level;
}

function innermost(value: any): any {
  let level = value;
  while (level && typeof level === 'object' && 'next' in level) level = level.next;
  return level;
}

function secretInput(hookUrl: string) {
  return {
    url: `${hookUrl}?access_token=SECRET-URL-1`,
    headers: { Authorization: 'Bearer SECRET-AUTH-2', 'X-Auth': 'SECRET-XAUTH-3', 'X-Session': 'SECRET-XSESSION-4' },
    payload: {
      pwd: 'SECRET-PWD-5',
      bearer: 'SECRET-BEARER-6',
      accessKey: 'SECRET-ACCESSKEY-7',
      password: 'SECRET-PASSWORD-8',
      nested: deepObject(),
      note: 'visible-marker',
    },
  };
}

let adminSession: string;
let admin: JobdeckClient;
let viewer: JobdeckClient;
let viewerToken: string;
let operator: JobdeckClient;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let jobId: string;
let templateId: string;
const templateName = `secrets check ${suffix}`;
const scheduleName = `Secrets check ${suffix}`;
let scheduleId: string;
let stream: OpenStream;
const receivers: LoopbackReceiver[] = [];

async function ok(procedure: string, token: string, input?: unknown, method?: 'GET' | 'POST') {
  const response = await http(procedure, { token, input, method });
  if (response.status !== 200) throw new Error(`${procedure} answered ${response.status}: ${response.text}`);
  return response;
}

/** A viewer's raw answer: the text as it travels, and the parsed data. */
async function asViewer(procedure: string, input?: unknown) {
  const response = await ok(procedure, viewerToken, input, 'GET');
  return { text: response.text, data: response.json.result.data };
}

/**
 * The update that saves a viewer's copy (secrets redacted) of a template or a schedule back as it
 * is, but for `changes`.
 */
function savedCopy(id: string, copy: any, changes: Record<string, unknown> = {}) {
  const timing =
    'cron' in copy
      ? {
          cron: copy.cron,
          intervals: copy.intervals,
          timezone: copy.timezone,
          jitterMs: copy.jitterMs,
          overlap: copy.overlap,
          catchupWindowMs: copy.catchupWindowMs,
          pauseOnFailure: copy.pauseOnFailure,
        }
      : {};
  const { name, type, input, options } = copy;
  return { id, name, description: copy.description ?? undefined, type, input, options, ...timing, ...changes };
}

/** One real change to a viewer's copy: its description, and a visible field of its input. */
function oneRealChange(copy: any) {
  const input = structuredClone(copy.input);
  input.payload.note = 'visible-marker-edited';
  return { description: 'edited by the secrets check', input };
}

function expectNoSecret(what: string, text: string) {
  const leaked = SECRETS.concat('SECRET-BODY-10', 'SECRET-').filter((secret) => text.includes(secret));
  expect({ what, leaked }).toEqual({ what, leaked: [] });
}

/** What a viewer must still see of the input: redaction hides the secrets, not the job. */
function expectInputShown(what: string, input: any) {
  expect({ what, note: input?.payload?.note }).toEqual({ what, note: 'visible-marker' });
  const url = new URL(input.url);
  expect({ what, host: url.host, path: url.pathname }).toEqual({ what, host: new URL(hook.url).host, path: '/hook' });
  expect({ what, param: url.searchParams.has('access_token') }).toEqual({ what, param: true });
  expect({ what, headers: Object.keys(input.headers ?? {}).sort() }).toEqual({
    what,
    headers: ['Authorization', 'X-Auth', 'X-Session'],
  });
  expect({ what, keys: Object.keys(input.payload).sort() }).toEqual({
    what,
    keys: ['accessKey', 'bearer', 'nested', 'note', 'password', 'pwd'],
  });
  expect({ what, firstLevel: input.payload.nested?.level }).toEqual({ what, firstLevel: 1 });
}

function expectStoredSecrets(what: string, input: any) {
  expect({
    what,
    authorization: input.headers.Authorization,
    xAuth: input.headers['X-Auth'],
    xSession: input.headers['X-Session'],
  }).toEqual({
    what,
    authorization: 'Bearer SECRET-AUTH-2',
    xAuth: 'SECRET-XAUTH-3',
    xSession: 'SECRET-XSESSION-4',
  });
  expect({
    what,
    pwd: input.payload.pwd,
    bearer: input.payload.bearer,
    accessKey: input.payload.accessKey,
    password: input.payload.password,
  }).toEqual({
    what,
    pwd: 'SECRET-PWD-5',
    bearer: 'SECRET-BEARER-6',
    accessKey: 'SECRET-ACCESSKEY-7',
    password: 'SECRET-PASSWORD-8',
  });
  expect({ what, deep: innermost(input.payload.nested) }).toEqual({
    what,
    deep: { level: DEPTH, apiKey: 'SECRET-DEEP-9' },
  });
}

beforeAll(async () => {
  adminSession = await login();
  admin = createJobdeckClient({ url: env.apiUrl, token: adminSession });
  ({ client: viewer, token: viewerToken } = await clientAs('viewer'));
  ({ client: operator } = await clientAs('operator'));
  hook = await webhookReceiver(() => 200);

  // Live, as a viewer, from before the job exists until it is done.
  stream = await openStream(env.apiUrl, viewerToken);
  expect(stream.status).toBe(200);

  ({ id: jobId } = await operator.jobs.enqueue.mutate({ type: 'webhook.deliver', input: secretInput(hook.url) }));
  await waitForState(viewer, jobId, ['completed']);

  const template = await admin.templates.create.mutate({
    name: templateName,
    description: 'secrets check',
    type: 'webhook.deliver',
    input: secretInput(hook.url),
  });
  templateId = template.id;
  ({ id: scheduleId } = await admin.schedules.create.mutate({
    name: scheduleName,
    type: 'webhook.deliver',
    input: secretInput(hook.url),
    cron: ['0 3 1 1 *'],
    paused: true,
  }));
});

afterAll(async () => {
  stream?.close();
  await hook?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  if (scheduleId) await admin.schedules.delete.mutate({ id: scheduleId }).catch(() => undefined);
  if (templateId) await admin.templates.delete.mutate({ id: templateId }).catch(() => undefined);
});

describe('one redaction policy on every answer', () => {
  it('the secrets are real: the webhook was delivered with them', () => {
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request!.headers.authorization).toBe('Bearer SECRET-AUTH-2');
    expect(request!.headers['x-auth']).toBe('SECRET-XAUTH-3');
    expect(request!.headers['x-session']).toBe('SECRET-XSESSION-4');
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ pwd: 'SECRET-PWD-5', password: 'SECRET-PASSWORD-8', note: 'visible-marker' });
    expect(innermost(body.nested)).toEqual({ level: DEPTH, apiKey: 'SECRET-DEEP-9' });
  });

  it('jobs.get (input, result, logs) as a viewer', async () => {
    const { text, data } = await asViewer('jobs.get', { id: jobId });
    expectNoSecret('jobs.get', text);
    expect(data).toMatchObject({ id: jobId, type: 'webhook.deliver', state: 'completed' });
    expectInputShown('jobs.get input', data.input);
    expect(data.input.headers.Authorization).toMatch(/redacted/);
    expect(data.result).toMatchObject({ status: 200 });
    expect(data.logs.length).toBeGreaterThan(0);
    expect(data.logs.some((log: { message: string }) => log.message.includes('delivered'))).toBe(true);
  });

  it('jobs.list as a viewer', async () => {
    const { text, data } = await asViewer('jobs.list', { type: 'webhook.deliver', limit: 100 });
    expectNoSecret('jobs.list', text);
    expect(data.items.map((item: { id: string }) => item.id)).toContain(jobId);
  });

  // A template and a schedule: each read alone and in its list, the input shown but no secret.
  for (const { kind, expected } of [
    { kind: 'templates', expected: () => ({ id: templateId, name: templateName, type: 'webhook.deliver' }) },
    {
      kind: 'schedules',
      expected: () => ({
        id: scheduleId,
        name: scheduleName,
        type: 'webhook.deliver',
        paused: true,
        cron: ['0 3 1 1 *'],
      }),
    },
  ]) {
    it(`${kind}.get and ${kind}.list as a viewer`, async () => {
      const { id } = expected();
      const one = await asViewer(`${kind}.get`, { id });
      expectNoSecret(`${kind}.get`, one.text);
      expect(one.data).toMatchObject(expected());
      expectInputShown(`${kind}.get input`, one.data.input);

      const all = await asViewer(`${kind}.list`);
      expectNoSecret(`${kind}.list`, all.text);
      const listed = all.data.find((item: { id: string }) => item.id === id);
      expect(listed).toBeDefined();
      expectInputShown(`${kind}.list input`, listed.input);
    });
  }

  it('audit.list as an admin: the enqueue, template and schedule rows keep their parameters, not their secrets', async () => {
    for (const [action, target] of [
      ['jobs.enqueue', jobId],
      ['templates.create', templateName],
      ['schedules.create', scheduleName],
    ] as const) {
      const response = await ok('audit.list', adminSession, { action, target }, 'GET');
      expectNoSecret(`audit.list ${action}`, response.text);
      const rows = response.json.result.data.items as Array<{ action: string; outcome: string; params: any }>;
      expect({ action, rows: rows.length }).toEqual({ action, rows: 1 });
      expect(rows[0]!.outcome).toBe('ok');
      expect(rows[0]!.params.type).toBe('webhook.deliver');
      expectInputShown(`audit.list ${action} params`, rows[0]!.params.input);
    }
  });

  it('the live stream, as a viewer, while the job ran', () => {
    expect(stream.text()).toContain(jobId);
    expectNoSecret('events.subscribe', stream.text());
  });

  it("templates.update with the viewer's redacted copy and one real change keeps the stored secrets and applies the change", async () => {
    const copy = (await asViewer('templates.get', { id: templateId })).data;
    const updated = await ok('templates.update', adminSession, savedCopy(templateId, copy, oneRealChange(copy)));
    expectNoSecret('templates.update answer', updated.text);

    const row = await db.jobTemplate.findUniqueOrThrow({ where: { id: templateId } });
    const stored = row.input as any;
    expect(row.description).toBe('edited by the secrets check');
    expect(stored.payload.note).toBe('visible-marker-edited');
    expectStoredSecrets('template row', stored);
    // Nothing of the redacted copy was stored as the value (the URL's query string has a test of its own, below).
    expect(JSON.stringify([stored.headers, stored.payload])).not.toContain('[redacted');

    const audit = await ok('audit.list', adminSession, { action: 'templates.update', target: templateId }, 'GET');
    expectNoSecret('audit.list templates.update', audit.text);
    expect(audit.json.result.data.items[0].params.input.payload.note).toBe('visible-marker-edited');
  });

  it("templates.update with the redacted copy keeps the secret of the URL's query string", async () => {
    const copy = (await asViewer('templates.get', { id: templateId })).data;
    const updated = await http('templates.update', { token: adminSession, input: savedCopy(templateId, copy) });
    expect(updated.status).toBe(200);
    const row = await db.jobTemplate.findUniqueOrThrow({ where: { id: templateId } });
    expect((row.input as any).url).toBe(`${hook.url}?access_token=SECRET-URL-1`);
  });

  it("schedules.update with the viewer's redacted copy and one real change keeps the secrets Temporal holds and applies the change", async () => {
    const copy = (await asViewer('schedules.get', { id: scheduleId })).data;
    const updated = await ok('schedules.update', adminSession, savedCopy(scheduleId, copy, oneRealChange(copy)));
    expectNoSecret('schedules.update answer', updated.text);

    // Read with the codec, as a worker would start the job.
    const description = await (await temporal()).schedule.getHandle(scheduleId).describe();
    const stored = (description.action.args?.[0] as { input: any }).input;
    expect(stored.payload.note).toBe('visible-marker-edited');
    expectStoredSecrets('schedule action', stored);
    // Nothing of the redacted copy was stored as the value (the URL's query string has a test of its own, below).
    expect(JSON.stringify([stored.headers, stored.payload])).not.toContain('[redacted');
    expect((await asViewer('schedules.get', { id: scheduleId })).data.description).toBe('edited by the secrets check');
    expect(description.state.paused).toBe(true);

    const audit = await ok('audit.list', adminSession, { action: 'schedules.update', target: scheduleId }, 'GET');
    expectNoSecret('audit.list schedules.update', audit.text);
  });

  it("schedules.update with the redacted copy keeps the secret of the URL's query string", async () => {
    const copy = (await asViewer('schedules.get', { id: scheduleId })).data;
    const updated = await http('schedules.update', { token: adminSession, input: savedCopy(scheduleId, copy) });
    expect(updated.status).toBe(200);
    const description = await (await temporal()).schedule.getHandle(scheduleId).describe();
    expect((description.action.args?.[0] as { input: any }).input.url).toBe(`${hook.url}?access_token=SECRET-URL-1`);
  });

  it("a receiver's answer carrying a token: the job's result and logs, as a viewer reads them (and as stored), do not show it", async () => {
    const answering = await loopbackReceiver('127.0.0.1', () => ({
      status: 200,
      body: '{"access_token":"SECRET-BODY-10","ok":true}',
    }));
    receivers.push(answering);
    const { id } = await operator.jobs.enqueue.mutate({
      type: 'webhook.deliver',
      input: { url: answering.url, payload: { event: 'secrets.body' } },
    });
    await waitForState(viewer, id, ['completed']);
    expect(answering.requests).toHaveLength(1);

    const { text, data } = await asViewer('jobs.get', { id });
    expectNoSecret('jobs.get of the answered job', text);
    expect(data.result.status).toBe(200);
    expect(JSON.parse(data.result.responseBody)).toEqual({ access_token: '[redacted]', ok: true });
    const withBody = data.logs.filter((log: { data: any }) => typeof log.data?.responseBody === 'string');
    expect(withBody.length).toBeGreaterThan(0);
    for (const log of withBody)
      expect(JSON.parse(log.data.responseBody)).toEqual({ access_token: '[redacted]', ok: true });

    const record = await db.job.findUniqueOrThrow({ where: { id } });
    const logs = await db.jobLog.findMany({ where: { jobId: id } });
    expect(JSON.stringify(record.result)).not.toContain('SECRET-BODY-10');
    expect(JSON.stringify(logs.map((log) => [log.message, log.data]))).not.toContain('SECRET-BODY-10');
  });
});
