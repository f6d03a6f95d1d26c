// The insight benchmark's data: job records spread over the last 30 days, loaded in bulk with the
// AFTER triggers off (one INSERT … SELECT FROM generate_series per chunk), then the rollups and the state
// counters rebuilt from them in bulk, as `jobdeck_rebuild_rollups()` does after a migration.
//
// Distributions: 9 job types on 6 queues with their own shares, failure rates and log-normal run
// times (median 400 ms … 90 s, clamped to 100 ms … 30 min); log-normal wait times (median 400 ms,
// clamped to 5 ms … 10 min); ~86 % completed, ~7.6 % failed, 3 % cancelled (half of them before
// they started), 2 % timed out, 1 % terminated; attempts 1–5 with the backoff spent waiting; errors
// from 30 message templates whose ids, addresses, numbers, URLs and times vary per job (so the
// fingerprint groups them) plus a long tail of ~700 groups; a few hundred live records.

/** [type, queue, share, failure rate, median run ms, max attempts, schedule ids (share scheduled)] */
export const INSIGHT_TYPES = [
  ['webhook.deliver', 'webhooks', 0.3, 0.12, 400, 5, null],
  ['data.sync', 'sync', 0.2, 0.08, 25_000, 3, ['sched-nightly-sync', 'sched-hourly-sync', 0.3]],
  ['email.send', 'media', 0.18, 0.05, 900, 3, null],
  ['report.generate', 'reports', 0.1, 0.06, 90_000, 3, ['sched-weekly-report', null, 0.2]],
  ['image.resize', 'media', 0.1, 0.04, 3_000, 3, null],
  ['invoice.render', 'reports', 0.07, 0.05, 6_000, 3, null],
  ['maintenance.cleanup', 'maintenance', 0.02, 0.02, 20_000, 1, ['maintenance-cleanup', null, 1]],
  ['maintenance.reconcile', 'maintenance', 0.02, 0.02, 4_000, 1, ['maintenance-reconcile', null, 1]],
  ['bulk.action', 'control', 0.01, 0.03, 40_000, 1, null],
];

/**
 * [errorType, message]: placeholders {port} {uuid} {n} {ms} {id} {url} {ts} vary per job. The first
 * eight are webhook.deliver's; the others everyone else's. Picked with a skew (a few causes dominate).
 */
export const ERROR_TEMPLATES = [
  ['HttpServerError', '127.0.0.1:{port} answered 500 Internal Server Error'],
  ['HttpServerError', '127.0.0.1:{port} answered 503 Service Unavailable'],
  ['HttpClientError', '127.0.0.1:{port} answered 404 Not Found for {url}'],
  ['HttpClientError', '127.0.0.1:{port} answered 410 Gone'],
  ['HttpClientError', 'receiver answered 401 Unauthorized: signature {id} rejected'],
  ['ConnectionRefused', 'connect ECONNREFUSED 127.0.0.1:{port}'],
  ['HttpTimeout', 'no answer from {url} within {ms} ms'],
  ['OutboundPolicy', 'refused: {url} resolves to a private address'],
  ['DatabaseError', 'row {uuid} missing'],
  ['DatabaseError', 'deadlock detected while updating batch {n}'],
  ['DatabaseError', 'duplicate key value violates unique constraint "orders_pkey": Key (id)=({n}) already exists'],
  ['ValidationError', 'record {n}: field "email" is not an email address'],
  ['ValidationError', 'input.batchSize must be at most 1000, got {n}'],
  ['HttpServerError', 'upstream 127.0.0.1:{port} answered 502 Bad Gateway'],
  ['RateLimited', 'rate limited by the partner API, retry after {n} s'],
  ['Error', 'socket hang up after {ms} ms'],
  ['StorageError', 'object reports/{uuid}.pdf not found in the bucket'],
  ['StorageError', 'disk quota exceeded writing {n} bytes'],
  ['RenderError', 'template invoice-{id} failed: undefined variable "total"'],
  ['TypeError', "Cannot read properties of undefined (reading 'items')"],
  ['TypeError', "Cannot read properties of null (reading 'id')"],
  ['ImageError', 'unsupported image format in upload {uuid}'],
  ['ImageError', 'image {n} by {n} pixels exceeds the 40 megapixel limit'],
  ['SmtpError', 'SMTP 127.0.0.1:{port} answered 550 mailbox unavailable'],
  ['SmtpError', 'SMTP 127.0.0.1:{port} answered 421 try again later'],
  ['AuthError', 'token for tenant {id} expired at {ts}'],
  ['SyncConflict', 'source changed during the sync: cursor {id} is stale'],
  ['Error', 'worker shut down during attempt {n}'],
  ['OutOfMemory', 'JavaScript heap out of memory at batch {n}'],
  ['LockTimeout', 'could not obtain a lock on resource {id} within {ms} ms'],
];
const WEBHOOK_TEMPLATES = 8;

const literal = (value) => (value === null ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);

/** The job types as a VALUES list with cumulative shares (constants of this file, not user input). */
function kindsSql() {
  let upTo = 0;
  const total = INSIGHT_TYPES.reduce((sum, [, , share]) => sum + share, 0);
  return INSIGHT_TYPES.map(([type, queue, share, fail, median, maxAttempts, schedule], i) => {
    upTo = i === INSIGHT_TYPES.length - 1 ? 1.0001 : upTo + share / total;
    return `(${literal(type)}, ${literal(queue)}, ${upTo}::float8, ${fail}::float8, ${median}::float8, ${maxAttempts}, ${literal(schedule?.[0] ?? null)}, ${literal(schedule?.[1] ?? null)}, ${schedule?.[2] ?? 0}::float8)`;
  }).join(',\n      ');
}

/** An error message from a template ($1/$2: the templates' types and texts) with its placeholders filled per row. */
const filled = (template) => `replace(replace(replace(replace(replace(replace(replace(${template},
      '{port}', (1024 + floor(random() * 64000))::int::text),
      '{uuid}', gen_random_uuid()::text),
      '{n}', floor(random() * 100000)::int::text),
      '{ms}', (1000 + floor(random() * 29000))::int::text),
      '{id}', 'j' || substr(md5(random()::text), 1, 10)),
      '{url}', 'https://hooks.partner-' || floor(random() * 40)::int || '.test/in/' || substr(md5(random()::text), 1, 8)),
      '{ts}', to_char(now() - random() * interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`;

/**
 * One chunk of ended records, ids `${prefix}${from}` … `${prefix}${to}`. Parameters: $1 error types,
 * $2 error texts, $3 first, $4 last, $5 "now" (UTC, without a zone, as "Job" stores it).
 */
export const SEED_ENDED_SQL = `
WITH kinds(type, queue, up_to, fail, run_median, max_attempts, schedule_a, schedule_b, scheduled) AS (
  VALUES
      ${kindsSql()}
), draws AS MATERIALIZED (
  SELECT g, random() AS u_kind, random() AS u_state, random() AS u_age, 1 - random() AS u_run1, random() AS u_run2,
         1 - random() AS u_wait1, random() AS u_wait2, random() AS u_attempts, random() AS u_error, random() AS u_misc,
         random() AS u_schedule
    FROM generate_series($3::int, $4::int) AS g
), picked AS (
  SELECT d.*, k.*,
         CASE WHEN d.u_state < k.fail THEN 'failed'
              WHEN d.u_state < k.fail + 0.03 THEN 'cancelled'
              WHEN d.u_state < k.fail + 0.05 THEN 'timed_out'
              WHEN d.u_state < k.fail + 0.06 THEN 'terminated'
              ELSE 'completed' END::"JobState" AS state,
         $5::timestamp - d.u_age * interval '30 days' AS ended
    FROM draws d
    CROSS JOIN LATERAL (SELECT * FROM kinds WHERE kinds.up_to > d.u_kind ORDER BY kinds.up_to LIMIT 1) k
), shaped AS (
  SELECT p.*,
         CASE WHEN p.state = 'timed_out' THEN LEAST(1800000, p.run_median * 20)
              ELSE LEAST(1800000, GREATEST(100, p.run_median * exp(sqrt(-2 * ln(p.u_run1)) * cos(2 * pi() * p.u_run2))))
         END::bigint AS run_ms,
         LEAST(600000, GREATEST(5, 400 * exp(1.6 * sqrt(-2 * ln(p.u_wait1)) * cos(2 * pi() * p.u_wait2))))::bigint AS wait_ms,
         CASE WHEN p.state IN ('failed', 'timed_out') THEN p.max_attempts
              WHEN p.state = 'completed' THEN LEAST(p.max_attempts, 1 + (p.u_attempts < 0.06)::int + (p.u_attempts < 0.02)::int
                                                   + (p.u_attempts < 0.006)::int + (p.u_attempts < 0.002)::int)
              ELSE 1 END AS attempts,
         p.state = 'cancelled' AND p.u_misc < 0.5 AS never_started,
         CASE WHEN p.state = 'failed' THEN
                   CASE WHEN p.u_error < 0.02 THEN 2 * ${ERROR_TEMPLATES.length} + 1
                        WHEN p.type = 'webhook.deliver' THEN 1 + floor(${WEBHOOK_TEMPLATES} * power(p.u_error, 2))::int
                        ELSE ${WEBHOOK_TEMPLATES + 1} + floor(${ERROR_TEMPLATES.length - WEBHOOK_TEMPLATES} * power(p.u_error, 2))::int END
         END AS template
    FROM picked p
), timed AS (
  SELECT s.*,
         (1000 * (power(2, s.attempts - 1) - 1))::int AS retry_wait_ms,
         CASE WHEN s.never_started THEN NULL
              ELSE s.ended - (s.run_ms * interval '1 millisecond') END AS started
    FROM shaped s
)
INSERT INTO "Job" ("id", "type", "queue", "priority", "state", "input", "requestedBy", "maxAttempts", "timeoutMs",
                   "attempts", "progressPercent", "result", "error", "errorStack", "errorType",
                   "retryWaitMs", "scheduleId", "createdAt", "startedAt", "finishedAt", "updatedAt")
SELECT 'ins-' || lpad(t.g::text, 7, '0'), t.type, t.queue, 1 + (t.g % 4), t.state,
       jsonb_build_object('records', (t.g % 997) + 1), f."requestedBy", t.max_attempts,
       CASE WHEN t.state = 'timed_out' THEN (t.run_median * 20)::int END,
       t.attempts, CASE WHEN t.state = 'completed' THEN 100 ELSE floor(t.u_misc * 100) END,
       CASE WHEN t.state = 'completed' THEN jsonb_build_object('processed', (t.g % 997) + 1) END,
       f.error, CASE WHEN t.state = 'failed' THEN f."errorType" || ': ' || f.error || E'\\n    at run (/app/jobs/' || t.type || E'.ts:42:11)\\n    at attempt (/app/runtime/activity.ts:118:20)' END,
       f."errorType",
       t.retry_wait_ms, f."scheduleId",
       COALESCE(t.started, t.ended) - ((t.wait_ms + t.retry_wait_ms) * interval '1 millisecond'),
       t.started, t.ended, t.ended
  FROM timed t
  CROSS JOIN LATERAL (
    SELECT CASE WHEN t.u_schedule < t.scheduled THEN
                     CASE WHEN t.schedule_b IS NULL OR t.u_misc < 0.5 THEN t.schedule_a ELSE t.schedule_b END END AS "scheduleId",
           CASE WHEN t.u_schedule < t.scheduled THEN 'schedule'
                ELSE (ARRAY['admin@localhost', 'ops@example.com', 'svc-billing', 'svc-crm'])[1 + t.g % 4] END AS "requestedBy",
           CASE t.state WHEN 'failed' THEN
                     CASE WHEN t.template > ${ERROR_TEMPLATES.length}
                          THEN 'Unexpected token in JSON at position ' || (t.g % 5000) || ' near "' || chr(97 + (t.g % 26)) || chr(97 + (t.g / 26 % 26)) || '"'
                          ELSE ${filled('($2::text[])[t.template]')} END
                WHEN 'timed_out' THEN 'job timed out after ' || (t.run_median * 20)::bigint || ' ms'
                WHEN 'terminated' THEN 'terminated by admin@localhost: stuck since ' || to_char(t.ended, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
           END AS error,
           CASE t.state WHEN 'failed' THEN COALESCE(($1::text[])[t.template], 'SyntaxError')
                WHEN 'timed_out' THEN 'Timeout' WHEN 'terminated' THEN 'Terminated' END AS "errorType"
  ) f`;

/** A few hundred live records (waiting, delayed, active, retrying), created in the last half hour. $1: "now" (UTC). */
export const SEED_LIVE_SQL = `
INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "attempts", "progressPercent",
                   "createdAt", "runAt", "startedAt", "updatedAt")
SELECT 'ins-live-' || g, k.type, k.queue, k.state::"JobState", '{}'::jsonb, 'ops@example.com', 3,
       CASE WHEN k.state IN ('active', 'retrying') THEN 1 + (g % 2) ELSE 0 END,
       CASE WHEN k.state = 'active' THEN g % 100 ELSE 0 END,
       $1::timestamp - (g % 1800) * interval '1 second',
       CASE WHEN k.state = 'delayed' THEN $1::timestamp + (g % 600) * interval '1 second' END,
       CASE WHEN k.state IN ('active', 'retrying') THEN $1::timestamp - (g % 600) * interval '1 second' END,
       $1::timestamp
  FROM generate_series(1, 300) AS g
  CROSS JOIN LATERAL (SELECT (ARRAY['webhook.deliver', 'data.sync', 'email.send', 'report.generate'])[1 + g % 4] AS type,
                             (ARRAY['webhooks', 'sync', 'media', 'reports'])[1 + g % 4] AS queue,
                             CASE WHEN g <= 150 THEN 'active' WHEN g <= 250 THEN 'waiting' WHEN g <= 280 THEN 'retrying' ELSE 'delayed' END AS state) k`;

/** The state counters (kept by triggers, off during the load) from the records. */
export const REBUILD_STATE_COUNTS_SQL = `
TRUNCATE "JobStateCount";
INSERT INTO "JobStateCount" ("type", "queue", "state", "count", "superseded")
SELECT "type", "queue", "state", count(*), count("supersededAt") FROM "Job" GROUP BY 1, 2, 3`;

/** How long the minute grain of the rollups is kept. */
export const MINUTE_GRAIN_KEPT_DAYS = 3;

/** The UTC wall clock as "Job" stores it (timestamp without a zone). */
export const utcNow = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/**
 * Loads `records` ended records (plus 300 live) into an empty, migrated database through `client`
 * (a pg.Client), in chunks, then rebuilds the rollups and counters. Returns what it took.
 */
export async function seedInsight(client, { records, chunk = 100_000, log = () => {} }) {
  const types = ERROR_TEMPLATES.map(([type]) => type);
  const texts = ERROR_TEMPLATES.map(([, text]) => text);
  const now = utcNow();
  const took = {};
  let t0 = performance.now();
  // The AFTER triggers (rollups, state counters) off for the load: it writes no rollup row, the
  // rebuild writes them all. The BEFORE ones stay on: they derive the record's own fields (its
  // error's fingerprint, its run time) as every write does.
  const { rows: after } = await client.query(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = '"Job"'::regclass AND NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & 2) = 0`,
  );
  const toggle = (how) =>
    after.length &&
    client.query(`ALTER TABLE "Job" ${after.map(({ tgname }) => `${how} TRIGGER "${tgname}"`).join(', ')}`);
  await toggle('DISABLE');
  try {
    await client.query(`SELECT setseed(0.42)`);
    for (let from = 1; from <= records; from += chunk) {
      const to = Math.min(records, from + chunk - 1);
      await client.query(SEED_ENDED_SQL, [types, texts, from, to, now]);
      if (records > chunk)
        log(
          `insight: ${to.toLocaleString('en')} of ${records.toLocaleString('en')} records loaded after ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
    }
    await client.query(SEED_LIVE_SQL, [now]);
  } finally {
    await toggle('ENABLE');
  }
  took.loadMs = performance.now() - t0;

  t0 = performance.now();
  await client.query(`SELECT "jobdeck_rebuild_rollups"()`);
  await client.query(REBUILD_STATE_COUNTS_SQL);
  // What maintenance.cleanup leaves of the minute grain (ROLLUP_RETENTION_MS in
  // packages/workflows/src/runtime/rollups.ts): the rollups as they stand in a running system.
  for (const table of ['JobRollup', 'JobDurationHistogram'])
    await client.query(
      `DELETE FROM "${table}" WHERE "grain" = 'minute' AND "bucketStart" < now() - $1::int * interval '1 day'`,
      [MINUTE_GRAIN_KEPT_DAYS],
    );
  took.rebuildMs = performance.now() - t0;

  t0 = performance.now();
  await client.query(`VACUUM ANALYZE "Job"`);
  // The rollups compacted after the minute grain's delete, as a running system's stay (the cleanup's
  // deletes make room that new rows reuse): a bloated table would mislead the planner and the sizes.
  for (const table of ['JobRollup', 'JobDurationHistogram']) await client.query(`VACUUM FULL ANALYZE "${table}"`);
  for (const table of ['JobFailureGroup', 'JobStateCount']) await client.query(`VACUUM ANALYZE "${table}"`);
  took.analyzeMs = performance.now() - t0;
  return took;
}

/** Rows and size on disk (with indexes and TOAST) of the tables insight reads. */
export async function tableSizes(client) {
  const sizes = [];
  for (const table of ['Job', 'JobRollup', 'JobDurationHistogram', 'JobFailureGroup', 'JobStateCount']) {
    const { rows } = await client.query(
      `SELECT count(*)::bigint AS rows, pg_total_relation_size('"${table}"'::regclass)::bigint AS bytes FROM "${table}"`,
    );
    sizes.push({ table, rows: Number(rows[0].rows), bytes: Number(rows[0].bytes) });
  }
  return sizes;
}
