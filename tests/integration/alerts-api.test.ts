// The alerts API (issue 12): rules an admin manages and everyone reads, silenced by operators; bad
// input refused field by field; the history of firings a page at a time; the bell's read state per
// reader (channels and their secrets: alerts-api-channels.test.ts). Firings are written here as the
// evaluation writes them, so that what the API answers does not wait on a minute's schedule.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db, eventually, http } from '../support/harness';

const tag = randomBytes(3).toString('hex');

type Caller = { client: JobdeckClient; token: string };
let viewer: Caller;
let operator: Caller;
let admin: Caller;

beforeAll(async () => {
  [viewer, operator, admin] = await Promise.all([clientAs('viewer'), clientAs('operator'), clientAs('admin')]);
});

afterAll(async () => {
  await db.alertRule.deleteMany({ where: { name: { contains: tag } } });
  await db.alertChannel.deleteMany({ where: { name: { contains: tag } } });
});

const code = (code: string) => ({ data: { code } });

/** A plain-HTTP call's refusal: its status, the paths of the fields it names, and its words. */
async function refusal(procedure: string, input: unknown, token = admin.token, method: 'GET' | 'POST' = 'POST') {
  const response = await http(procedure, { token, input, method });
  const issues: Array<{ path: string[] }> = response.json?.error?.data?.issues ?? [];
  return {
    status: response.status,
    paths: issues.map((issue) => issue.path.join('.')),
    message: String(response.json?.error?.message ?? ''),
  };
}

const failureRate = (name: string, extra: object = {}) => ({
  name,
  kind: 'failure_rate' as const,
  condition: { type: 'data.sync', thresholdPercent: 20 },
  ...extra,
});

/** A firing as the evaluation writes it. */
async function fire(ruleId: string, subject: string, startedAt: Date, open = true) {
  return db.alertFiring.create({
    data: {
      ruleId,
      subject,
      openKey: open ? `${ruleId}:${subject}` : null,
      severity: 'high',
      message: `${subject} is failing`,
      facts: { value: 42 },
      startedAt,
      lastSeenAt: startedAt,
      resolvedAt: open ? null : new Date(startedAt.getTime() + 60_000),
    },
  });
}

/** The evaluation leaves alone the firings of a rule whose condition it cannot read: these stay as written. */
async function unreadable(ruleId: string) {
  await db.alertRule.update({ where: { id: ruleId }, data: { condition: { written: 'by hand', tag } } });
}

describe('alerts api', () => {
  it('alerts api: rules by role — viewers read, operators silence, admins manage', async () => {
    const name = `Sync failures ${tag}`;
    await expect(viewer.client.alerts.rules.create.mutate(failureRate(name))).rejects.toMatchObject(code('FORBIDDEN'));
    await expect(operator.client.alerts.rules.create.mutate(failureRate(name))).rejects.toMatchObject(
      code('FORBIDDEN'),
    );
    const created = await admin.client.alerts.rules.create.mutate(failureRate(name, { repeatMinutes: 30 }));
    expect(created).toMatchObject({
      name,
      kind: 'failure_rate',
      condition: { type: 'data.sync', thresholdPercent: 20, windowMinutes: 15, minVolume: 10 },
      severity: 'medium',
      state: 'ok',
      firing: false,
      openFirings: 0,
      channels: [],
      createdBy: 'admin@localhost',
      silencedUntil: null,
    });
    expect((await viewer.client.alerts.rules.list.query()).find((rule) => rule.id === created.id)).toMatchObject({
      name,
    });
    expect(await viewer.client.alerts.rules.get.query({ id: created.id })).toMatchObject({ name, recentFirings: [] });
    await expect(admin.client.alerts.rules.create.mutate(failureRate(` ${name} `))).rejects.toMatchObject(
      code('CONFLICT'),
    );

    // Silence: an operator's, with a note; a viewer may not.
    const until = new Date(Date.now() + 2 * 3600_000).toISOString();
    await expect(
      viewer.client.alerts.rules.silence.mutate({ id: created.id, until, note: 'deploy' }),
    ).rejects.toMatchObject(code('FORBIDDEN'));
    const silenced = await operator.client.alerts.rules.silence.mutate({ id: created.id, until, note: 'deploy' });
    expect(silenced).toMatchObject({
      state: 'silenced',
      silenceNote: 'deploy',
      silencedBy: expect.stringMatching(/^token:/),
    });
    expect(new Date(silenced.silencedUntil!).toISOString()).toBe(until);
    expect(await operator.client.alerts.rules.unsilence.mutate({ id: created.id })).toMatchObject({
      state: 'ok',
      silencedUntil: null,
    });
    await expect(
      operator.client.alerts.rules.setEnabled.mutate({ id: created.id, enabled: false }),
    ).rejects.toMatchObject(code('FORBIDDEN'));

    // Replacing a rule keeps its open firings (the next evaluation judges them); disabling resolves them.
    await unreadable(created.id);
    const firing = await fire(created.id, 'data.sync', new Date());
    const updated = await admin.client.alerts.rules.update.mutate({
      id: created.id,
      rule: { ...failureRate(`${name} renamed`), severity: 'critical' },
    });
    expect(updated).toMatchObject({ name: `${name} renamed`, severity: 'critical', openFirings: 1, lastError: null });
    const disabled = await admin.client.alerts.rules.setEnabled.mutate({ id: created.id, enabled: false });
    expect(disabled).toMatchObject({ state: 'disabled', enabled: false, openFirings: 0 });
    expect(await db.alertFiring.findUnique({ where: { id: firing.id } })).toMatchObject({
      openKey: null,
      resolvedAt: expect.any(Date),
    });
    await expect(operator.client.alerts.rules.evaluate.mutate({ id: created.id })).rejects.toMatchObject(
      code('PRECONDITION_FAILED'),
    );

    await expect(viewer.client.alerts.rules.delete.mutate({ id: created.id })).rejects.toMatchObject(code('FORBIDDEN'));
    expect(await admin.client.alerts.rules.delete.mutate({ id: created.id })).toEqual({ id: created.id });
    // Its firings go with it.
    expect(await db.alertFiring.count({ where: { ruleId: created.id } })).toBe(0);
    await expect(viewer.client.alerts.rules.get.query({ id: created.id })).rejects.toMatchObject(code('NOT_FOUND'));
    for (const call of [
      () => admin.client.alerts.rules.delete.mutate({ id: created.id }),
      () => admin.client.alerts.rules.update.mutate({ id: created.id, rule: failureRate(`gone ${tag}`) }),
      () => operator.client.alerts.rules.silence.mutate({ id: created.id, until, note: 'x' }),
      () => admin.client.alerts.channels.delete.mutate({ id: created.id }),
      () => viewer.client.alerts.firings.get.query({ id: created.id }),
    ])
      await expect(call()).rejects.toMatchObject(code('NOT_FOUND'));
  });

  it('alerts api: bad input is a 400 naming the field', async () => {
    const name = `valid ${tag}`;
    const cases: Array<[string, unknown, string]> = [
      ['alerts.rules.create', { ...failureRate(name), kind: 'sometimes' }, 'kind'],
      ['alerts.rules.create', { ...failureRate(name), condition: { queue: 'default', threshold: 3 } }, 'condition'],
      [
        'alerts.rules.create',
        failureRate(name, { condition: { type: 'no.such-type', thresholdPercent: 5 } }),
        'condition.type',
      ],
      [
        'alerts.rules.create',
        failureRate(name, { condition: { queue: 'Bad Queue!', thresholdPercent: 5 } }),
        'condition.queue',
      ],
      ['alerts.rules.create', failureRate(`two\nlines ${tag}`), 'name'],
      ['alerts.rules.create', failureRate(`nul\u0000 ${tag}`), 'name'],
      ['alerts.rules.create', failureRate(name, { colour: 'red' }), ''],
      ['alerts.rules.create', failureRate(name, { repeatMinutes: 1 }), 'repeatMinutes'],
      ['alerts.rules.create', failureRate(name, { channelIds: [crypto.randomUUID()] }), 'channelIds.0'],
      ['alerts.rules.update', { id: 'not-a-uuid', rule: failureRate(name) }, 'id'],
      ['alerts.channels.create', { name, kind: 'pager', config: {} }, 'kind'],
      ['alerts.channels.create', { name, kind: 'slack', config: { webhookUrl: 'ftp://x/y' } }, 'config.webhookUrl'],
      ['alerts.channels.create', { name, kind: 'email', config: { to: ['nobody'] } }, 'config.to.0'],
      ['alerts.inbox.markRead', {}, ''],
      ['alerts.inbox.markRead', { ids: [crypto.randomUUID()], all: true }, ''],
    ];
    for (const [procedure, input, path] of cases) {
      const answer = await refusal(procedure, input);
      expect({ procedure, input, status: answer.status }).toEqual({ procedure, input, status: 400 });
      if (path) expect(answer.paths.some((found) => found === path || found.startsWith(`${path}.`))).toBe(true);
    }
    const rule = await admin.client.alerts.rules.create.mutate(failureRate(name));
    const silence = (until: string, note = 'maintenance') =>
      refusal('alerts.rules.silence', { id: rule.id, until, note });
    expect(await silence(new Date(Date.now() - 60_000).toISOString())).toMatchObject({ status: 400, paths: ['until'] });
    expect(await silence(new Date(Date.now() + 31 * 86_400_000).toISOString())).toMatchObject({
      status: 400,
      paths: ['until'],
      message: expect.stringMatching(/30 days/),
    });
    expect(await silence('tomorrow')).toMatchObject({ status: 400, paths: ['until'] });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(await silence(tomorrow, 'n'.repeat(501))).toMatchObject({ status: 400, paths: ['note'] });
    expect(await silence(tomorrow, '  ')).toMatchObject({ status: 400, paths: ['note'] });
    const unknown = await refusal('alerts.rules.get', { id: crypto.randomUUID() }, viewer.token, 'GET');
    expect(unknown.status).toBe(404);
    expect((await refusal('alerts.firings.list', { cursor: 'bogus' }, viewer.token, 'GET')).paths).toEqual(['cursor']);
  });

  it('alerts api: firings page by page, and the bell read per reader', async () => {
    const bell = await admin.client.alerts.channels.create.mutate({
      name: `Inbox ${tag}`,
      kind: 'dashboard',
      config: {},
    });
    const shown = await admin.client.alerts.rules.create.mutate(
      failureRate(`in the bell ${tag}`, { channelIds: [bell.id] }),
    );
    const hidden = await admin.client.alerts.rules.create.mutate(failureRate(`not in the bell ${tag}`));
    await Promise.all([unreadable(shown.id), unreadable(hidden.id)]);
    const base = Date.now() - 3600_000;
    const firings = [];
    for (let i = 0; i < 5; i++) firings.push(await fire(shown.id, `queue-${i}`, new Date(base + i * 1000), i >= 3));
    await fire(hidden.id, 'elsewhere', new Date(base));
    const newestFirst = firings.map((firing) => firing.id).reverse();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } =
        await viewer.client.alerts.firings.list.query({ ruleId: shown.id, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(newestFirst);
    const open = await viewer.client.alerts.firings.list.query({ ruleId: shown.id, open: true });
    expect(open.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 2));
    expect(open.items[0]).toMatchObject({
      ruleName: shown.name,
      ruleKind: 'failure_rate',
      read: false,
      resolvedAt: null,
    });
    expect((await viewer.client.alerts.rules.get.query({ id: shown.id })).recentFirings).toHaveLength(5);

    // The bell: only the rule with a dashboard channel, newest first; read state per reader.
    const inbox = await viewer.client.alerts.inbox.list.query({ limit: 200 });
    expect(inbox.filter((item) => item.ruleId === shown.id).map((item) => item.id)).toEqual(newestFirst);
    expect(inbox.some((item) => item.ruleId === hidden.id)).toBe(false);
    const unread = async (caller: Caller) => (await caller.client.alerts.inbox.unreadCount.query()).unread;
    const [viewerBefore, operatorBefore] = [await unread(viewer), await unread(operator)];
    expect(viewerBefore).toBeGreaterThanOrEqual(5);
    expect(await viewer.client.alerts.inbox.markRead.mutate({ ids: newestFirst.slice(0, 2) })).toEqual({ marked: 2 });
    expect(await viewer.client.alerts.inbox.markRead.mutate({ ids: newestFirst.slice(0, 2) })).toEqual({ marked: 0 });
    expect(await unread(viewer)).toBe(viewerBefore - 2);
    expect(await unread(operator)).toBe(operatorBefore);
    // Opening a firing marks it read, for who opened it only.
    const detail = await operator.client.alerts.firings.get.query({ id: newestFirst[4]! });
    expect(detail).toMatchObject({ read: true, rule: { id: shown.id, state: 'ok' }, notifications: [] });
    expect(await unread(operator)).toBe(operatorBefore - 1);
    const readByViewer = await viewer.client.alerts.firings.list.query({ ruleId: shown.id });
    expect(readByViewer.items.map((item) => item.read)).toEqual([true, true, false, false, false]);
    await viewer.client.alerts.inbox.markRead.mutate({ all: true });
    expect(await unread(viewer)).toBe(0);
    expect(await unread(operator)).toBe(operatorBefore - 1);
  });

  it('alerts api: "evaluate now" enqueues an alerts.evaluate job for the rule, as its caller', async () => {
    const rule = await admin.client.alerts.rules.create.mutate({
      name: `evaluate me ${tag}`,
      kind: 'stuck',
      condition: {},
    });
    await expect(viewer.client.alerts.rules.evaluate.mutate({ id: rule.id })).rejects.toMatchObject(code('FORBIDDEN'));
    const { jobId } = await operator.client.alerts.rules.evaluate.mutate({ id: rule.id });
    const job = await eventually('the evaluation job record', () =>
      db.job.findUnique({ where: { id: jobId } }).then((row) => row ?? undefined),
    );
    expect(job).toMatchObject({ type: 'alerts.evaluate', input: { ruleIds: [rule.id] } });
    expect(job.requestedBy).toMatch(/^token:test operator/);
  });

  it('alerts api: the stuck-jobs list of the overview still answers', async () => {
    expect(Array.isArray(await viewer.client.alerts.list.query())).toBe(true);
    expect(Array.isArray(await viewer.client.alerts.list.query({ includeResolved: true, limit: 5 }))).toBe(true);
  });
});
