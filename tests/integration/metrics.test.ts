// Prometheus metrics as an operator scrapes them: a worker's /metrics on its own address, counting
// exactly the jobs it ran (by type, queue and outcome, retried attempts not counted twice), and the
// API's /metrics behind a viewer token, with request counts by procedure that made-up paths cannot
// grow, and the queue gauges read from Temporal.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import {
  clientAs,
  db,
  env,
  eventually,
  spawnWorker,
  waitForPoller,
  waitForState,
  webhookReceiver,
} from '../support/harness';

interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
// No types ship with it. It throws on any line that is not valid exposition text.
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

/** Samples of one family whose labels include `labels`, summed (0 when none). */
function valueOf(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((candidate) => candidate.name === name);
  return (family?.metrics ?? [])
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value))
    .reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

/**
 * A histogram's `_count` series. The parser folds labelled histograms into one unlabelled sample, so
 * its `_count` lines are parsed as a gauge of their own (still by the parser: labels, escapes).
 */
function histogramCounts(text: string, name: string): Family[] {
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}_count{`) || line === `${name}_count`);
  return parsePrometheus(`# TYPE ${name}_count gauge\n${lines.join('\n')}\n`);
}

// A private queue, so that only the worker spawned here runs its jobs.
const QUEUE = 'metrics-it';
let operator: JobdeckClient;
let viewerToken: string;
let worker: ReturnType<typeof spawnWorker> | undefined;
let workerMetricsUrl = '';

beforeAll(async () => {
  ({ client: operator } = await clientAs('operator'));
  ({ token: viewerToken } = await clientAs('viewer'));
  worker = spawnWorker(`${QUEUE}:4`, { JOBDECK_WORKER_METRICS_PORT: '0' });
  await waitForPoller(QUEUE, worker);
  workerMetricsUrl = /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(worker.output.join(''))?.[1] ?? '';
}, 120_000);

afterAll(() => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
});

async function scrapeWorker(): Promise<{ text: string; families: Family[] }> {
  const response = await fetch(workerMetricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, families: parsePrometheus(text) };
}

async function scrapeApi(token: string | null): Promise<{ status: number; text: string }> {
  const response = await fetch(`${env.apiUrl}/metrics`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text() };
}

describe('worker /metrics', () => {
  it('counts the jobs it ran by type, queue and outcome, once each however many attempts they took', async () => {
    expect(workerMetricsUrl).not.toBe('');
    const before = await scrapeWorker();
    expect(valueOf(before.families, 'jobdeck_jobs_started_total', { queue: QUEUE })).toBe(0);

    const refusing = await webhookReceiver(() => 400); // not retried: the job fails on its first attempt
    const flaky = await webhookReceiver((attempt) => (attempt === 1 ? 500 : 200)); // retried once, then completes
    try {
      const ids = await Promise.all([
        ...[1, 2, 3].map((n) =>
          operator.jobs.enqueue.mutate({
            type: 'data.sync',
            input: { source: 'it.metrics', records: 5 + n },
            options: { queue: QUEUE },
          }),
        ),
        ...[1, 2].map((n) =>
          operator.jobs.enqueue.mutate({
            type: 'webhook.deliver',
            input: { url: refusing.url, payload: { n } },
            options: { queue: QUEUE },
          }),
        ),
        operator.jobs.enqueue.mutate({
          type: 'webhook.deliver',
          input: { url: flaky.url, payload: { n: 3 } },
          options: { queue: QUEUE },
        }),
      ]);
      const ended = await Promise.all(
        ids.map(({ id }) => waitForState(operator, id, ['completed', 'failed', 'cancelled'], 90_000)),
      );
      expect(ended.map((job) => job.state)).toEqual([
        'completed',
        'completed',
        'completed',
        'failed',
        'failed',
        'completed',
      ]);
      expect(ended[5]!.attempts).toBe(2);
    } finally {
      await refusing.close();
      await flaky.close();
    }

    const { text, families } = await eventually('the worker to count every end', async () => {
      const scraped = await scrapeWorker();
      return valueOf(scraped.families, 'jobdeck_jobs_finished_total', { queue: QUEUE }) === 6 ? scraped : undefined;
    });
    const sync = { type: 'data.sync', queue: QUEUE };
    const webhook = { type: 'webhook.deliver', queue: QUEUE };
    expect(valueOf(families, 'jobdeck_jobs_started_total', sync)).toBe(3);
    expect(valueOf(families, 'jobdeck_jobs_started_total', webhook)).toBe(3);
    expect(valueOf(families, 'jobdeck_jobs_finished_total', { ...sync, outcome: 'completed' })).toBe(3);
    expect(valueOf(families, 'jobdeck_jobs_finished_total', { ...sync, outcome: 'failed' })).toBe(0);
    expect(valueOf(families, 'jobdeck_jobs_finished_total', { ...webhook, outcome: 'completed' })).toBe(1);
    expect(valueOf(families, 'jobdeck_jobs_finished_total', { ...webhook, outcome: 'failed' })).toBe(2);

    const runs = histogramCounts(text, 'jobdeck_job_run_seconds');
    expect(valueOf(runs, 'jobdeck_job_run_seconds_count', { ...sync, outcome: 'completed' })).toBe(3);
    expect(valueOf(runs, 'jobdeck_job_run_seconds_count', { ...webhook, outcome: 'completed' })).toBe(1);
    expect(valueOf(runs, 'jobdeck_job_run_seconds_count', { ...webhook, outcome: 'failed' })).toBe(2);
    const waits = histogramCounts(text, 'jobdeck_job_wait_seconds');
    expect(valueOf(waits, 'jobdeck_job_wait_seconds_count', { queue: QUEUE })).toBe(6);

    // Attempts are the activity's: the flaky delivery's two, the refused ones' one each.
    const deliver = { activity: 'deliverWebhook', queue: QUEUE };
    expect(valueOf(families, 'jobdeck_activity_attempts_total', { ...deliver, outcome: 'failed' })).toBe(3);
    expect(valueOf(families, 'jobdeck_activity_attempts_total', { ...deliver, outcome: 'completed' })).toBe(1);
    // The process figures are there too, under the same prefix.
    expect(families.some((family) => family.name === 'jobdeck_process_resident_memory_bytes')).toBe(true);
  }, 150_000);

  it('answers only GET /metrics', async () => {
    const other = await fetch(workerMetricsUrl.replace(/\/metrics$/, '/'));
    expect(other.status).toBe(404);
    const post = await fetch(workerMetricsUrl, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});

describe('API /metrics', () => {
  it('refuses callers without a valid token, and says nothing of the server', async () => {
    for (const token of [null, 'not-a-token', 'jd_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const { status, text } = await scrapeApi(token);
      expect(status).toBe(401);
      expect(text).not.toMatch(/jobdeck_|\/work|node_modules|\bat \w+ \(/);
      expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/token/i) });
    }
  });

  it('counts calls by procedure and code, and made-up paths under "unknown" only', async () => {
    const read = async () => parsePrometheus((await scrapeApi(viewerToken)).text);
    const before = await read();
    const { client: viewer } = await clientAs('viewer');
    for (let i = 0; i < 3; i++) await viewer.system.info.query();
    const madeUp = [`metrics.${Date.now()}`, 'x'.repeat(200), '__proto__'];
    for (const path of madeUp) {
      const response = await fetch(`${env.apiUrl}/trpc/${path}`, {
        headers: { authorization: `Bearer ${viewerToken}` },
      });
      expect(response.status).toBe(404);
    }

    const after = await read();
    const delta = (labels: Record<string, string>) =>
      valueOf(after, 'jobdeck_api_requests_total', labels) - valueOf(before, 'jobdeck_api_requests_total', labels);
    expect(delta({ procedure: 'system.info', code: 'OK' })).toBe(3);
    expect(delta({ procedure: 'unknown', code: 'NOT_FOUND' })).toBe(madeUp.length);
    const procedures = new Set(
      after.find((family) => family.name === 'jobdeck_api_requests_total')!.metrics.map((s) => s.labels?.procedure),
    );
    for (const path of madeUp) expect(procedures.has(path)).toBe(false);
    for (const procedure of procedures) expect(procedure).toMatch(/^([a-z][A-Za-z]*\.)+[a-z][A-Za-z]*$|^unknown$/);
  });

  it('reports backlog, workers and job counts per queue, and the live subscribers', async () => {
    const families = await eventually('the private queue in the gauges', async () => {
      const { status, text } = await scrapeApi(viewerToken);
      expect(status).toBe(200);
      const parsed = parsePrometheus(text);
      const workers = parsed.find((family) => family.name === 'jobdeck_queue_workers');
      return workers?.metrics.some((sample) => sample.labels?.queue === QUEUE) ? parsed : undefined;
    });
    expect(valueOf(families, 'jobdeck_queue_workers', { queue: QUEUE })).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'jobdeck_queue_backlog', { queue: QUEUE })).toBe(0);
    for (const name of ['jobdeck_queue_backlog', 'jobdeck_queue_backlog_age_seconds', 'jobdeck_queue_workers'])
      expect(families.find((family) => family.name === name)?.metrics.map((s) => s.labels?.queue)).toContain('sync');
    expect(valueOf(families, 'jobdeck_jobs', { type: 'data.sync', queue: QUEUE, state: 'completed' })).toBe(3);
    expect(valueOf(families, 'jobdeck_jobs', { type: 'webhook.deliver', queue: QUEUE, state: 'failed' })).toBe(2);
    expect(families.find((family) => family.name === 'jobdeck_live_subscribers')?.metrics).toHaveLength(1);
    // Every source is counted from zero, so that an alert on its rate works before the first failure.
    expect(
      families.find((family) => family.name === 'jobdeck_scrape_errors_total')?.metrics.map((s) => s.labels?.source),
    ).toEqual(expect.arrayContaining(['temporal', 'postgres', 'alerts']));
    // Rules by state, each state present (at zero when no rule is in it).
    expect(
      families.find((family) => family.name === 'jobdeck_alert_rules')?.metrics.map((s) => s.labels?.state),
    ).toEqual(expect.arrayContaining(['ok', 'firing', 'silenced', 'disabled']));
  });

  it('reports alert rules by state, and each firing rule by id, name and kind', async () => {
    const stamp = Date.now();
    // A name with a quote, a backslash and a newline: the exposition escapes it, the parser gives it back.
    const names = [`it "metrics" \\ firing\n${stamp}`, `it metrics silenced ${stamp}`, `it metrics disabled ${stamp}`];
    const read = async () => parsePrometheus((await scrapeApi(viewerToken)).text);
    const before = await read();
    const ids: string[] = [];
    try {
      for (const [index, name] of names.entries()) {
        const rows = await db.$queryRawUnsafe<Array<{ id: string }>>(
          `INSERT INTO "AlertRule" ("id", "name", "kind", "condition", "enabled", "state", "silencedUntil", "createdBy", "updatedAt")
           VALUES (gen_random_uuid(), $1, 'backlog', '{}'::jsonb, $2, 'firing', $3, 'it', now()) RETURNING "id"::text AS "id"`,
          name,
          index !== 2,
          index === 1 ? new Date(Date.now() + 3_600_000) : null,
        );
        ids.push(rows[0]!.id);
      }
      const after = await read();
      const delta = (state: string) =>
        valueOf(after, 'jobdeck_alert_rules', { state }) - valueOf(before, 'jobdeck_alert_rules', { state });
      expect([delta('firing'), delta('silenced'), delta('disabled')]).toEqual([1, 1, 1]);
      const firing = after.find((family) => family.name === 'jobdeck_alert_firing')!.metrics;
      expect(firing.filter((sample) => ids.includes(sample.labels?.rule_id ?? ''))).toEqual([
        { value: '1', labels: { rule_id: ids[0], rule_name: names[0], kind: 'backlog' } },
      ]);
    } finally {
      if (ids.length) await db.$executeRawUnsafe(`DELETE FROM "AlertRule" WHERE "id"::text = ANY($1::text[])`, ids);
    }
  });
});
