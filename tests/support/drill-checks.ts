// What every fault drill asserts afterwards: no job lost (each closed in Temporal as expected), no
// side effect doubled beyond at-least-once (deliveries per id, sync outputs exact), and the Postgres
// record agreeing with Temporal (state, attempts, finish time within 1 s).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import type { JobdeckClient } from '@jobdeck/api/client';
import { BOOKKEEPING_ACTIVITIES } from '@jobdeck/workflows/activities';
import { BOOKKEEPING_QUEUE } from '@jobdeck/workflows';
import type { LoopbackReceiver } from './loopback-receiver';
import { until, type DrillStack } from './drill-stack';
import { jsonOrNull } from './json';

export interface Answered {
  status: number;
  json: any;
  ms: number;
  error?: string;
}

/** A call of a procedure over HTTP with a bearer token; an answer, never a throw. */
type Call = (url: string, procedure: string, token: string, input: unknown, timeoutMs?: number) => Promise<Answered>;

/**
 * One POST on a fresh connection (no keep-alive): a connection refused (nobody listening) and a
 * connection cut after the request was sent (a dropped request) are told apart by error code.
 */
export const post: Call = (url, procedure, token, input, timeoutMs = 30_000) => {
  const started = Date.now();
  const body = JSON.stringify(input);
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, json: null, ms: Date.now() - started, error: error.code ?? error.message });
    const req = request(
      `${url}/trpc/${procedure}`,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, json: jsonOrNull(text), ms: Date.now() - started });
        });
        res.on('error', failed);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', failed);
    req.end(body);
  });
};

export const get: Call = (url, procedure, token, input, timeoutMs = 30_000) => {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  return fetch(`${url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { authorization: `Bearer ${token}` },
    signal,
  })
    .then(async (res) => ({ status: res.status, json: await res.json().catch(() => null), ms: Date.now() - started }))
    .catch((error: Error) => ({ status: 0, json: null, ms: Date.now() - started, error: error.name }));
};

/** The exact output a data.sync of `records` records from `source` must leave (see data-sync/activities.ts). */
export function expectedSyncOutput(source: string, records: number): string {
  let text = '';
  for (let index = 0; index < records; index++) {
    const checksum = createHash('sha1').update(`${source}:${index}`).digest('hex').slice(0, 12);
    text += `${JSON.stringify({ id: `${source}-${index}`, index, checksum })}\n`;
  }
  return text;
}

/** Jobs whose sync output is not byte for byte what the source holds. */
export async function inexactSyncOutputs(
  stack: DrillStack,
  syncs: Array<{ id: string; source: string; records: number }>,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const sync of syncs) {
    const text = await readFile(join(stack.storageDir, 'sync', `${sync.id}.jsonl`), 'utf8').catch(() => '(missing)');
    if (text !== expectedSyncOutput(sync.source, sync.records))
      wrong.push(`${sync.id}: ${text.split('\n').length - 1} lines`);
  }
  return wrong;
}

/** POSTs per delivery id (the X-Jobdeck-Delivery header). */
export function deliveriesById(receiver: LoopbackReceiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of receiver.requests) {
    const id = String(request.headers['x-jobdeck-delivery']);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function summarizeDeliveries(ids: string[], receiver: LoopbackReceiver) {
  const counts = deliveriesById(receiver);
  const per = ids.map((id) => counts.get(id) ?? 0);
  return {
    never: per.filter((n) => n === 0).length,
    once: per.filter((n) => n === 1).length,
    twice: per.filter((n) => n === 2).length,
    more: per.filter((n) => n > 2).length,
  };
}

const STATES: Record<string, string> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'completed',
};

export interface TemporalView {
  id: string;
  status: string;
  closeTime?: Date;
  attempts: number;
  workers: string[];
}

/** Temporal's account of a job: status, close time, and the attempts and worker identities of its own activities. */
export async function describeJob(temporal: Client, id: string): Promise<TemporalView> {
  const handle = temporal.workflow.getHandle(id);
  const description = await handle.describe();
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, boolean>();
  let attempts = 0;
  const workers = new Set<string>();
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s)
      scheduled.set(
        String(event.eventId),
        s.taskQueue?.name !== BOOKKEEPING_QUEUE && !BOOKKEEPING_ACTIVITIES.has(s.activityType?.name ?? ''),
      );
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId))) {
      attempts = Math.max(attempts, started.attempt ?? 1);
      if (started.identity) workers.add(started.identity);
    }
  }
  return { id, status: description.status.name, closeTime: description.closeTime, attempts, workers: [...workers] };
}

/** Waits until every job is closed in Temporal; returns each one's view. */
export async function waitClosed(
  temporal: Client,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, TemporalView>> {
  const views = new Map<string, TemporalView>();
  await until(
    `${ids.length} jobs to close`,
    async () => {
      const open = ids.filter((id) => !views.has(id));
      for (let i = 0; i < open.length; i += 10) {
        await Promise.all(
          open.slice(i, i + 10).map(async (id) => {
            const view = await describeJob(temporal, id).catch(() => null);
            if (view && view.status !== 'RUNNING') views.set(id, view);
          }),
        );
      }
      return views.size === ids.length;
    },
    timeoutMs,
    500,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}: ${ids.length - views.size} still running (${ids
        .filter((id) => !views.has(id))
        .slice(0, 5)
        .join(', ')}…)`,
    );
  });
  return views;
}

/** Postgres records that disagree with Temporal: state, attempts, finishedAt vs close time (1 s). */
export async function recordMismatches(stack: DrillStack, views: Map<string, TemporalView>): Promise<string[]> {
  const client = new pg.Client({ connectionString: stack.pg.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; state: string; attempts: number; finishedAt: Date | null }>(
      'SELECT id, state::text AS state, attempts, "finishedAt" FROM "Job" WHERE id = ANY($1)',
      [[...views.keys()]],
    );
    const records = new Map(rows.map((row) => [row.id, row]));
    const problems: string[] = [];
    for (const view of views.values()) {
      const record = records.get(view.id);
      if (!record) {
        problems.push(`${view.id}: no record`);
        continue;
      }
      const state = STATES[view.status] ?? view.status;
      if (record.state !== state) problems.push(`${view.id}: state ${record.state} vs Temporal ${state}`);
      if (record.attempts !== view.attempts)
        problems.push(`${view.id}: attempts ${record.attempts} vs Temporal ${view.attempts}`);
      const skew =
        record.finishedAt && view.closeTime
          ? Math.abs(record.finishedAt.getTime() - view.closeTime.getTime())
          : Infinity;
      if (skew > 1_000)
        problems.push(
          `${view.id}: finishedAt ${record.finishedAt?.toISOString() ?? 'null'} vs close ${view.closeTime?.toISOString()}`,
        );
    }
    return problems;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Mismatches once the record had its chance to catch up: the reconciler job is run first when the
 * product has one (`maintenance.reconcile`), then the records are compared until they agree or the time is up.
 */
export async function settledMismatches(
  stack: DrillStack,
  client: JobdeckClient,
  views: Map<string, TemporalView>,
  timeoutMs = 30_000,
): Promise<string[]> {
  const types = await client.jobs.types.query().catch(() => [] as Array<{ type: string }>);
  if ((types as Array<{ type: string }>).some((type) => type.type === 'maintenance.reconcile')) {
    await client.jobs.enqueue
      .mutate({ type: 'maintenance.reconcile' as never, input: {} as never })
      .catch((error: Error) => console.warn(`reconcile not started: ${error.message}`));
  }
  let problems: string[] = [];
  await until(
    'records to agree with Temporal',
    async () => (problems = await recordMismatches(stack, views)).length === 0,
    timeoutMs,
    1_000,
  ).catch(() => undefined);
  return problems;
}

/** Counts of Postgres job rows matching a condition (drills mark their inputs to find them). */
export async function countRows(stack: DrillStack, where: string, params: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: stack.pg.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Job" WHERE ${where}`, params);
    return Number(rows[0]!.n);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface DrillOutcome {
  /** Jobs Temporal closed otherwise than completed, as `<id>: <status>`. */
  notCompleted: string[];
  /** POSTs per delivery id of the drill's webhooks: never, once, twice, more. */
  deliveries: ReturnType<typeof summarizeDeliveries>;
  /** Syncs whose output is not byte for byte what the source holds. */
  inexact: string[];
  /** Records that still disagree with Temporal once the reconciler ran. */
  mismatches: string[];
  /** The same, counted, for the drill's printed figures. */
  figures: {
    notCompleted: number;
    deliveries: ReturnType<typeof summarizeDeliveries>;
    inexactSyncs: number;
    recordMismatches: number;
  };
}

/** What every drill checks once its jobs are closed: each completed, deliveries per id, sync outputs, records. */
export async function drillOutcome(
  drill: { stack: DrillStack; receiver: LoopbackReceiver; client: JobdeckClient },
  views: Map<string, TemporalView>,
  jobs: { webhooks: string[]; syncs?: Array<{ id: string; source: string; records: number }>; settleMs?: number },
): Promise<DrillOutcome> {
  const notCompleted = [...views.values()]
    .filter((view) => view.status !== 'COMPLETED')
    .map((view) => `${view.id}: ${view.status}`);
  const deliveries = summarizeDeliveries(jobs.webhooks, drill.receiver);
  const inexact = await inexactSyncOutputs(drill.stack, jobs.syncs ?? []);
  const mismatches = await settledMismatches(drill.stack, drill.client, views, jobs.settleMs);
  return {
    notCompleted,
    deliveries,
    inexact,
    mismatches,
    figures: {
      notCompleted: notCompleted.length,
      deliveries,
      inexactSyncs: inexact.length,
      recordMismatches: mismatches.length,
    },
  };
}

/** Prints a drill's figures on one line, then the first ten of each list that is not empty. */
export function report(drill: string, what: string, figures: object, lists: Record<string, string[]> = {}): void {
  console.log(`${drill} (${what}): ${JSON.stringify(figures)}`);
  for (const [name, list] of Object.entries(lists))
    if (list.length) console.log(`${drill} ${name} (first 10):\n  ${list.slice(0, 10).join('\n  ')}`);
}
