// Job records with known fields for jobs.search's tests: each filter and sort has a known answer.
import type { Sql } from '@jobdeck/db';
import { searchableInput } from '@jobdeck/workflows';

/** 2026-11-01T00:00Z: every seed's times are hours and milliseconds after it. */
export const T = Date.UTC(2026, 10, 1);
export const TEMPLATE = '5f0c9a52-8d7e-4c4b-9a43-0c0ffee00001';

export interface SeedJob {
  id: string;
  type: string;
  queue: string;
  state: 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';
  /** 1 critical … 4 low. */
  priority: number;
  requestedBy: string;
  scheduleId: string | null;
  templateId: string | null;
  retryOfId: string | null;
  createdAt: Date;
  runAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  attempts: number;
  error: string | null;
  input: unknown;
  supersededAt: Date | null;
}

const hour = (hours: number, ms = 0) => new Date(T + hours * 3_600_000 + ms);

function seed(letter: string, type: string, fields: Partial<SeedJob>): SeedJob {
  return {
    id: `${type}-${letter.toLowerCase().repeat(6)}`,
    type,
    queue: 'hooks',
    state: 'completed',
    priority: 3,
    requestedBy: 'alice@example.test',
    scheduleId: null,
    templateId: null,
    retryOfId: null,
    createdAt: hour(0),
    runAt: null,
    startedAt: null,
    finishedAt: null,
    attempts: 1,
    error: null,
    input: {},
    supersededAt: null,
    ...fields,
  };
}

const A = seed('A', 'webhook.deliver', {
  state: 'failed',
  priority: 2,
  createdAt: hour(1),
  startedAt: hour(1, 2_000),
  finishedAt: hour(1, 5_000),
  attempts: 3,
  error: '503 Service Unavailable from hooks.example.test',
  input: {
    url: 'https://hooks.example.test/acme?access_token=quokkasecret42',
    apiKey: 'zebra-unicorn-key',
    customer: 'acme-corp',
  },
});

/** A, B, … H: see the table in search.test.ts's cases. */
export const SEEDS: SeedJob[] = [
  A,
  seed('B', 'webhook.deliver', {
    state: 'failed',
    requestedBy: 'bob@example.test',
    createdAt: hour(2),
    startedAt: hour(2, 500),
    finishedAt: hour(2, 1_500),
    error: '404 Not Found',
    input: { url: 'https://hooks.example.test/globex', note: 'sent with Bearer wombatsecret99', customer: 'globex' },
  }),
  seed('C', 'webhook.deliver', {
    createdAt: hour(3),
    startedAt: hour(3, 100),
    finishedAt: hour(3, 300),
    retryOfId: A.id,
    input: { url: 'https://hooks.example.test/acme', customer: 'acme-corp' },
  }),
  seed('D', 'report.generate', {
    queue: 'reports',
    priority: 4,
    requestedBy: 'token:nightly',
    scheduleId: 'sched-nightly',
    createdAt: hour(4),
    runAt: hour(4, 10_000),
    startedAt: hour(4, 10_050),
    finishedAt: hour(4, 70_050),
    input: { report: 'sales', month: '2026-10' },
  }),
  seed('E', 'report.generate', {
    queue: 'reports',
    state: 'active',
    priority: 1,
    templateId: TEMPLATE,
    createdAt: hour(5),
    startedAt: hour(5, 700),
    attempts: 2,
    error: 'first attempt: timeout talking to warehouse',
    input: { report: 'inventory' },
  }),
  seed('F', 'data.sync', {
    queue: 'sync',
    state: 'waiting',
    requestedBy: 'bob@example.test',
    createdAt: hour(6),
    attempts: 0,
    input: { source: 'crm' },
  }),
  seed('G', 'data.sync', {
    queue: 'sync',
    state: 'cancelled',
    priority: 2,
    requestedBy: 'bob@example.test',
    createdAt: hour(7),
    finishedAt: hour(7, 1_000),
    attempts: 0,
    error: 'cancelled by alice',
    input: { source: 'erp' },
  }),
  // Superseded by a retry: searched only when asked for.
  seed('H', 'webhook.deliver', {
    state: 'failed',
    createdAt: hour(0.5),
    startedAt: hour(0.5, 300),
    finishedAt: hour(0.5, 700),
    attempts: 2,
    error: '503 again',
    supersededAt: hour(0.6),
  }),
];

/** The seeds' ids by letter: ids('C A') is [C's id, A's id]. */
export function ids(letters: string): string[] {
  return letters
    .split(/\s+/)
    .filter(Boolean)
    .map((letter) => SEEDS.find((job) => job.id.endsWith(`-${letter.toLowerCase().repeat(6)}`))!.id);
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Writes the records as the API and worker do, with the redacted input text the search reads. */
export async function seedRecords(sql: Sql, jobs: SeedJob[]): Promise<void> {
  for (const job of jobs) {
    await sql.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "priority", "input", "inputText", "requestedBy", "maxAttempts",
                          "attempts", "scheduleId", "templateId", "retryOfId", "createdAt", "runAt", "startedAt",
                          "finishedAt", "error", "supersededAt", "updatedAt")
       VALUES ($1, $2, $3, $4::"JobState", $5, $6::jsonb, $7, $8, 3, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())`,
      [
        job.id,
        job.type,
        job.queue,
        job.state,
        job.priority,
        JSON.stringify(job.input),
        searchableInput(job.input),
        job.requestedBy,
        job.attempts,
        job.scheduleId,
        job.templateId,
        job.retryOfId,
        iso(job.createdAt),
        iso(job.runAt),
        iso(job.startedAt),
        iso(job.finishedAt),
        job.error,
        iso(job.supersededAt),
      ],
    );
  }
}
