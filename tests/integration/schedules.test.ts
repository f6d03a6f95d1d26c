/**
 * Schedules are Temporal Schedules: what the API creates, the temporal CLI describes the same way;
 * their runs are ordinary jobs that link back to the schedule; built-in maintenance schedules exist
 * once however many API instances start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { loadApiConfig } from '../../apps/api/src/config';
import { ensureMaintenanceSchedules, MAINTENANCE_SCHEDULES } from '../../apps/api/src/schedules/maintenance';
import { createServices, type Services } from '../../apps/api/src/services';
import { clientAs, db, eventually, http, temporalCli, waitForState } from '../support/harness';

let admin: JobdeckClient;
let adminToken: string;
let viewer: JobdeckClient;
let viewerToken: string;
const suffix = Date.now().toString(36);
const created: string[] = [];
const smallSync = { source: 'it.schedules', records: 3, batchSize: 3 };

/** Creates a schedule that afterAll deletes. */
async function createSchedule(input: Parameters<JobdeckClient['schedules']['create']['mutate']>[0]): Promise<string> {
  const { id } = await admin.schedules.create.mutate(input);
  created.push(id);
  return id;
}

/** A schedule of small data.syncs, paused: it runs only when a test says. */
const pausedSmallSync = { type: 'data.sync', input: smallSync, paused: true } as const;

async function describeCli(id: string) {
  return JSON.parse(await temporalCli(['schedule', 'describe', '--schedule-id', id, '--output', 'json']));
}

beforeAll(async () => {
  ({ client: admin, token: adminToken } = await clientAs('admin'));
  ({ client: viewer, token: viewerToken } = await clientAs('viewer'));
});

afterAll(async () => {
  for (const id of created) await admin.schedules.delete.mutate({ id }).catch(() => undefined);
  await db.$disconnect();
});

describe('schedule CRUD', () => {
  it('creates a schedule that `temporal schedule describe` shows with the same spec', async () => {
    const id = await createSchedule({
      name: `IT spec ${suffix}`,
      description: 'weekday mornings in Paris',
      type: 'data.sync',
      input: smallSync,
      cron: ['30 4 * * 1-5'],
      intervals: [{ every: '1d', offset: '3h' }],
      timezone: 'Europe/Paris',
      overlap: 'buffer_one',
      jitterMs: 5_000,
      catchupWindowMs: 120_000,
      pauseOnFailure: true,
    });
    expect(id).toBe(`sched-it-spec-${suffix}`);

    const cli = await describeCli(id);
    const spec = cli.schedule.spec;
    expect(spec.timezoneName).toBe('Europe/Paris');
    expect(spec.structuredCalendar).toHaveLength(1);
    expect(spec.structuredCalendar[0].minute).toEqual([{ start: 30, end: 30, step: 1 }]);
    expect(spec.structuredCalendar[0].hour).toEqual([{ start: 4, end: 4, step: 1 }]);
    expect(spec.structuredCalendar[0].dayOfWeek).toEqual([{ start: 1, end: 5, step: 1 }]);
    expect(spec.interval).toEqual([{ interval: '86400s', phase: '10800s' }]);
    expect(spec.jitter).toBe('5s');
    expect(cli.schedule.policies.overlapPolicy).toMatch(/BUFFER_ONE/);
    expect(cli.schedule.policies.pauseOnFailure).toBe(true);
    expect(cli.schedule.action.startWorkflow.workflowType.name).toBe('dataSync');
    expect(cli.schedule.action.startWorkflow.taskQueue.name).toBe('sync');

    const view = await admin.schedules.get.query({ id });
    expect(view).toMatchObject({
      id,
      name: `IT spec ${suffix}`,
      type: 'data.sync',
      cron: ['30 4 * * 1-5'],
      timezone: 'Europe/Paris',
      overlap: 'buffer_one',
      catchupWindowMs: 120_000,
      pauseOnFailure: true,
      paused: false,
      createdBy: 'admin@localhost',
      updatedBy: 'admin@localhost',
    });
    expect(view.descriptions[0]).toMatch(/04:30.*Monday through Friday/);
    expect(view.nextRuns.length).toBeGreaterThan(0);
    expect(Date.parse(view.nextRuns[0]!)).toBeGreaterThan(Date.now() - 1_000);

    // Listed by the API and by the CLI (visibility catches up within moments).
    await eventually('the schedule in schedules.list', async () =>
      (await viewer.schedules.list.query()).some((schedule) => schedule.id === id),
    );
    await eventually('the schedule in `temporal schedule list`', async () =>
      (await temporalCli(['schedule', 'list'])).includes(id),
    );
  });

  it('updates a schedule, keeping its creator and recording who changed it', async () => {
    const id = created[0]!;
    const { token } = await clientAs('admin');
    await http('schedules.update', {
      token,
      input: {
        id,
        name: `IT spec ${suffix}`,
        type: 'data.sync',
        input: { ...smallSync, records: 4 },
        cron: ['0 6 * * *'],
        timezone: 'America/New_York',
        overlap: 'skip',
      },
    }).then((response) => expect(response.status).toBe(200));
    const cli = await describeCli(id);
    expect(cli.schedule.spec.timezoneName).toBe('America/New_York');
    expect(cli.schedule.spec.structuredCalendar[0].hour).toEqual([{ start: 6, end: 6, step: 1 }]);
    expect(cli.schedule.spec.interval ?? []).toEqual([]);
    expect(cli.schedule.policies.overlapPolicy).toMatch(/SKIP/);
    const view = await admin.schedules.get.query({ id });
    expect(view).toMatchObject({
      cron: ['0 6 * * *'],
      timezone: 'America/New_York',
      input: { records: 4 },
      createdBy: 'admin@localhost',
    });
    expect(Date.parse(view.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(view.createdAt));
  });

  it('pauses with a note and resumes, as Temporal shows', async () => {
    const id = created[0]!;
    await admin.schedules.pause.mutate({ id, note: 'maintenance window' });
    let cli = await describeCli(id);
    expect(cli.schedule.state.paused).toBe(true);
    expect(cli.schedule.state.notes).toBe('maintenance window');
    expect(await admin.schedules.get.query({ id })).toMatchObject({ paused: true, note: 'maintenance window' });

    await admin.schedules.resume.mutate({ id });
    cli = await describeCli(id);
    expect(cli.schedule.state.paused ?? false).toBe(false);
    expect(cli.schedule.state.notes).toMatch(/^resumed by /);
  });

  it('deletes a schedule', async () => {
    const id = created.shift()!;
    await admin.schedules.delete.mutate({ id });
    const response = await http('schedules.get', { token: adminToken, input: { id }, method: 'GET' });
    expect(response.status).toBe(404);
  });
});

describe('runs', () => {
  it('triggers now: the job completes and links back to its schedule', async () => {
    const id = await createSchedule({
      ...pausedSmallSync,
      name: `IT trigger ${suffix}`,
      cron: ['0 0 1 1 *'],
      note: 'only by hand',
    });
    await admin.schedules.trigger.mutate({ id });

    const jobId = await eventually(
      'the triggered run',
      async () => (await admin.schedules.get.query({ id })).recentActions[0]?.jobId,
      30_000,
      500,
    );
    expect(jobId.startsWith(`data.sync-${id}-`)).toBe(true);
    const job = await waitForState(admin, jobId, ['completed']);
    expect(job.scheduleId).toBe(id);
    expect(job.requestedBy).toBe(`schedule:${id}`);
    expect(job.resultSummary).toBe('3 records in 1 batches');

    const record = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(record.scheduleId).toBe(id);

    const listed = await eventually('the run in jobs.list filtered by schedule', async () => {
      const page = await viewer.jobs.list.query({ scheduleId: id });
      return page.items.some((item) => item.id === jobId) ? page : undefined;
    });
    expect(listed.items.every((item) => item.id.startsWith(`data.sync-${id}-`))).toBe(true);
    const other = await viewer.jobs.list.query({ scheduleId: `sched-none-${suffix}` });
    expect(other.items).toHaveLength(0);

    const view = await eventually('the run among the schedule runs', async () => {
      const current = await viewer.schedules.get.query({ id });
      return current.runs.some((run) => run.id === jobId && run.state === 'completed') ? current : undefined;
    });
    expect(view.actionsTaken).toBeGreaterThanOrEqual(1);
  });

  it('backfills a past range: an every-minute cron over three minutes starts three runs', async () => {
    const id = await createSchedule({
      ...pausedSmallSync,
      name: `IT backfill ${suffix}`,
      cron: ['* * * * *'],
      overlap: 'skip',
      note: 'backfill only',
    });
    // Whole minutes entirely in the past: m-2, m-1 and m fall in (m-2:30, m+0:30).
    const m = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const start = new Date(m - 150_000);
    const end = new Date(m + 30_000);
    await admin.schedules.backfill.mutate({
      id,
      start: start.toISOString(),
      end: end.toISOString(),
      overlap: 'allow_all',
    });

    const expected = [m - 120_000, m - 60_000, m].map(
      (time) => `data.sync-${id}-${new Date(time).toISOString().replace('.000Z', 'Z')}`,
    );
    const runs = await eventually('three backfilled runs', async () => {
      const page = await admin.jobs.list.query({ scheduleId: id, limit: 50 });
      return page.items.length >= 3 ? page.items : undefined;
    });
    expect(runs.map((run) => run.id).sort()).toEqual(expected.sort());
    for (const jobId of expected) await waitForState(admin, jobId, ['completed']);
  });
});

describe('built-in maintenance schedules', () => {
  let services: Services;
  afterAll(async () => services?.close());

  it('exist exactly once after several starts, even concurrent ones', async () => {
    services = await createServices(loadApiConfig());
    // The API ensured them at start; two more instances start at the same moment.
    const results = await Promise.all([ensureMaintenanceSchedules(services), ensureMaintenanceSchedules(services)]);
    for (const result of results)
      expect(result.map((entry) => entry.id).sort()).toEqual(MAINTENANCE_SCHEDULES.map((entry) => entry.id).sort());
    expect(results.flat().filter((entry) => entry.created)).toEqual([]);

    const listed = JSON.parse(await temporalCli(['schedule', 'list', '--output', 'json'])) as Array<{
      scheduleId: string;
    }>;
    for (const builtIn of MAINTENANCE_SCHEDULES)
      expect(listed.filter((entry) => entry.scheduleId === builtIn.id)).toHaveLength(1);

    const schedules = await eventually('maintenance schedules in schedules.list', async () => {
      const all = await viewer.schedules.list.query();
      return all.filter((schedule) => schedule.builtIn).length === MAINTENANCE_SCHEDULES.length ? all : undefined;
    });
    const stuck = schedules.find((schedule) => schedule.id === 'sched-maintenance-stuck-check')!;
    expect(stuck).toMatchObject({
      type: 'maintenance.stuck-check',
      cron: ['*/10 * * * *'],
      descriptions: ['Every 10 minutes'],
      createdBy: 'system',
    });
    const cleanup = schedules.find((schedule) => schedule.id === 'sched-maintenance-cleanup')!;
    expect(cleanup).toMatchObject({ type: 'maintenance.cleanup', cron: ['0 3 * * *'] });
    const reconcile = schedules.find((schedule) => schedule.id === 'sched-maintenance-reconcile')!;
    expect(reconcile).toMatchObject({ type: 'maintenance.reconcile', cron: ['* * * * *'], createdBy: 'system' });
  });

  it('keeps a user edit across a restart', async () => {
    const id = 'sched-maintenance-stuck-check';
    const before = await admin.schedules.get.query({ id });
    await admin.schedules.update.mutate({
      id,
      name: before.name,
      description: before.description ?? undefined,
      type: 'maintenance.stuck-check',
      input: { thresholdMinutes: 15 },
      cron: ['*/15 * * * *'],
    });
    await ensureMaintenanceSchedules(services);
    const after = await admin.schedules.get.query({ id });
    expect(after).toMatchObject({
      cron: ['*/15 * * * *'],
      input: { thresholdMinutes: 15 },
      builtIn: true,
      createdBy: 'system',
      updatedBy: 'admin@localhost',
    });
    // Back as it was, for whatever runs next.
    await admin.schedules.update.mutate({
      id,
      name: before.name,
      type: 'maintenance.stuck-check',
      input: { thresholdMinutes: 10 },
      cron: ['*/10 * * * *'],
    });
  });

  it('raises an alert for a stuck job and resolves it once the job moves', async () => {
    const jobId = `it-stuck-${suffix}`;
    const longAgo = new Date(Date.now() - 45 * 60_000);
    await db.job.create({
      data: {
        id: jobId,
        type: 'data.sync',
        queue: 'sync',
        state: 'active',
        input: {},
        requestedBy: 'it',
        maxAttempts: 1,
        createdAt: longAgo,
        startedAt: longAgo,
        lastHeartbeatAt: longAgo,
      },
    });
    await db.$executeRaw`UPDATE "Job" SET "updatedAt" = ${longAgo} WHERE id = ${jobId}`;

    const { id: checkId } = await admin.jobs.enqueue.mutate({
      type: 'maintenance.stuck-check',
      input: { thresholdMinutes: 10 },
    });
    await waitForState(admin, checkId, ['completed']);
    const alerts = await viewer.alerts.list.query();
    expect(alerts.find((alert) => alert.jobId === jobId)).toMatchObject({
      severity: 'medium',
      kind: 'stuck',
      jobType: 'data.sync',
      resolvedAt: null,
    });

    await db.job.update({ where: { id: jobId }, data: { state: 'completed', finishedAt: new Date() } });
    const { id: secondId } = await admin.jobs.enqueue.mutate({ type: 'maintenance.stuck-check', input: {} });
    await waitForState(admin, secondId, ['completed']);
    expect((await viewer.alerts.list.query()).some((alert) => alert.jobId === jobId)).toBe(false);
    const all = await viewer.alerts.list.query({ includeResolved: true });
    expect(all.find((alert) => alert.jobId === jobId)?.resolvedAt).toBeTruthy();
    await db.job.delete({ where: { id: jobId } });
  });
});

describe('templates', () => {
  it('creates a template, runs it now, and creates a schedule from it', async () => {
    const template = await admin.templates.create.mutate({
      name: `IT template ${suffix}`,
      type: 'data.sync',
      input: smallSync,
      options: { priority: 'high', maxAttempts: 2 },
    });
    expect(template).toMatchObject({
      type: 'data.sync',
      input: { ...smallSync, throttleMs: 0 },
      options: { priority: 'high', maxAttempts: 2 },
      createdBy: 'admin@localhost',
    });
    expect((await viewer.templates.list.query()).some((entry) => entry.id === template.id)).toBe(true);

    const { client: operator } = await clientAs('operator');
    const run = await operator.templates.run.mutate({ id: template.id });
    const job = await waitForState(admin, run.id, ['completed']);
    expect(job).toMatchObject({ type: 'data.sync', priority: 'high', maxAttempts: 2 });

    const id = await createSchedule({
      name: `IT from template ${suffix}`,
      templateId: template.id,
      cron: ['@daily'],
      paused: true,
    });
    expect(await admin.schedules.get.query({ id })).toMatchObject({
      type: 'data.sync',
      templateId: template.id,
      input: { records: 3 },
      options: { priority: 'high', maxAttempts: 2 },
    });

    // An update replaces the template: what it leaves out takes its default, description and options alike.
    const described = await admin.templates.update.mutate({
      id: template.id,
      name: template.name,
      description: 'nightly copy',
      type: 'data.sync',
      input: smallSync,
      options: { priority: 'high' },
    });
    expect(described).toMatchObject({ description: 'nightly copy', options: { priority: 'high' } });
    const replaced = await admin.templates.update.mutate({
      id: template.id,
      name: template.name,
      type: 'data.sync',
      input: smallSync,
    });
    expect(replaced).toMatchObject({ description: null, options: {} });

    const duplicate = await http('templates.create', {
      token: adminToken,
      input: { name: `IT template ${suffix}`, type: 'data.sync', input: smallSync },
    });
    expect(duplicate.status).toBe(409);
    const viewerRun = await http('templates.run', { token: viewerToken, input: { id: template.id } });
    expect(viewerRun.status).toBe(403);
    await admin.templates.delete.mutate({ id: template.id });
  });
});

describe('refusals', () => {
  const good = { name: `IT bad ${suffix}`, type: 'data.sync', input: smallSync, cron: ['0 3 * * *'] };
  const refused = async (input: unknown) => {
    const response = await http('schedules.create', { token: adminToken, input });
    return {
      status: response.status,
      paths: (response.json?.error?.data?.issues ?? []).map((issue: { path: string[] }) => issue.path.join('.')),
      message: String(response.json?.error?.message),
    };
  };

  it.each([
    [{ cron: ['61 * * * *'] }, 'cron.0', /minute "61" is out of range/],
    [{ cron: ['* * *'] }, 'cron.0', /5 fields/],
    [{ timezone: 'Mars/Olympus_Mons' }, 'timezone', /unknown time zone/],
    [{ overlap: 'sometimes' }, 'overlap', /overlap must be one of/],
    [{ startAt: '2031-01-02T00:00:00Z', endAt: '2031-01-01T00:00:00Z' }, 'endAt', /endAt must be after startAt/],
    [{ input: { source: 'x', records: -3 } }, 'input.records', /input\.records/],
    [{ type: 'no.such-type' }, 'type', /type must be one of/],
    [{ cron: [], intervals: [] }, 'cron', /at least one cron expression or interval/],
    [{ intervals: [{ every: 'soon' }] }, 'intervals.0.every', /duration/],
  ])('answers 400 with the field for %j', async (change, path, message) => {
    const { status, paths, message: text } = await refused({ ...good, ...change });
    expect(status).toBe(400);
    expect(paths).toContain(path);
    expect(text).toMatch(message);
  });

  it('answers 400 for a backfill that ends before it starts, 404 for an unknown schedule, 409 for a taken name', async () => {
    const now = Date.now();
    const backwards = await http('schedules.backfill', {
      token: adminToken,
      input: { id: 'sched-x', start: new Date(now - 60_000).toISOString(), end: new Date(now - 120_000).toISOString() },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.data.issues[0].path).toEqual(['end']);
    expect(
      (await http('schedules.trigger', { token: adminToken, input: { id: `sched-missing-${suffix}` } })).status,
    ).toBe(404);
    expect(
      (await http('schedules.pause', { token: adminToken, input: { id: `sched-missing-${suffix}` } })).status,
    ).toBe(404);

    await createSchedule({ ...good, name: `IT taken ${suffix}`, paused: true });
    expect(
      (await http('schedules.create', { token: adminToken, input: { ...good, name: `IT taken ${suffix}` } })).status,
    ).toBe(409);
  });

  it('lets a viewer look but not manage (403)', async () => {
    expect((await http('schedules.create', { token: viewerToken, input: good })).status).toBe(403);
    expect(
      (await http('schedules.trigger', { token: viewerToken, input: { id: 'sched-maintenance-cleanup' } })).status,
    ).toBe(403);
    expect(
      (
        await http('templates.create', {
          token: viewerToken,
          input: { name: 'x', type: 'data.sync', input: smallSync },
        })
      ).status,
    ).toBe(403);
    expect((await http('schedules.list', { token: viewerToken })).status).toBe(200);
    expect((await http('schedules.list', {})).status).toBe(401);
  });

  it('validates a spec for the form without saving anything', async () => {
    const result = await viewer.schedules.validate.query({
      cron: ['*/5 * * * *', '99 * * * *'],
      timezone: 'Nowhere/Town',
    });
    expect(result.cron.map((entry) => entry.valid)).toEqual([true, false]);
    expect(result.cron[0]!.description).toBe('Every 5 minutes');
    expect(result.timezone.valid).toBe(false);
  });
});
