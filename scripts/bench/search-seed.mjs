// The search and export benchmarks' data: a million ended job records over the last 30 days, with
// inputs as real jobs have them (customer ids, URLs, emails, order and invoice ids, and a secret
// field in every input, which must never be searchable), the insight bench's errors (503s, timeouts,
// refused connections, …), types, queues, states, attempts and run/wait times, varied requested-by,
// priorities and templates.
//
// It lives in a database of its own on the stack's PostgreSQL server, `jobdeck_benchdata_search`,
// which is KEPT between runs (seeding takes minutes): a later run reuses it when its seed version,
// its record count and the last migration match (the table "_BenchSeed" says what it holds), and
// reseeds it otherwise. `--search-reseed` forces a fresh seed, `--search-drop` drops it at the end.
//
// How it loads: the secondary indexes of "Job" dropped, one INSERT … SELECT FROM generate_series
// per chunk with the AFTER triggers (rollups, state counters) off and the BEFORE trigger on (it
// derives "searchText", "waitMs", "runMs" and the error fingerprint exactly as every write does),
// then the indexes rebuilt from their definitions and the table VACUUM ANALYZEd. The rollups are
// not rebuilt: search and export never read them.
//
// "inputText" is written in SQL the way searchableInput (packages/workflows/src/runtime/search-text.ts)
// writes it: each key and each scalar value on a line of its own, in the input's order, the secret
// field (signingSecret, apiKey, accessToken, password) left out whole.
import { ERROR_TEMPLATES, INSIGHT_TYPES, utcNow } from './insight-seed.mjs';

/** Bump when the data below changes: a kept database of another version is reseeded. */
export const SEARCH_SEED_VERSION = 1;
export const SEARCH_DATABASE = 'jobdeck_benchdata_search';
/** Distinct customers: a customer id matches ~20 records at 1M (skewed: some customers have many more). */
export const CUSTOMERS = 50_000;
const WEBHOOK_TEMPLATES = 8;
const REQUESTERS =
  'admin@localhost ops@example.com svc-billing svc-crm token:deploy-bot alice@example.com bob@example.com token:partner-sync'.split(
    ' ',
  );
/** A few templates (uuid v4 shaped), each the origin of ~1 % of the jobs. */
export const TEMPLATE_IDS = [1, 2, 3, 4, 5].map((n) => `3f0c1d1e-8a59-4b7e-9c1a-0d6f3b2a1c0${n}`);

const literal = (value) => (value === null ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);
const textArray = (values) => `ARRAY[${values.map(literal).join(', ')}]`;

function kindsSql() {
  let upTo = 0;
  const total = INSIGHT_TYPES.reduce((sum, [, , share]) => sum + share, 0);
  return INSIGHT_TYPES.map(([type, queue, share, fail, median, maxAttempts, schedule], i) => {
    upTo = i === INSIGHT_TYPES.length - 1 ? 1.0001 : upTo + share / total;
    return `(${literal(type)}, ${literal(queue)}, ${upTo}::float8, ${fail}::float8, ${median}::float8, ${maxAttempts}, ${literal(schedule?.[0] ?? null)}, ${literal(schedule?.[1] ?? null)}, ${schedule?.[2] ?? 0}::float8)`;
  }).join(',\n      ');
}

const filled = (template) => `replace(replace(replace(replace(replace(replace(replace(${template},
      '{port}', (1024 + floor(random() * 64000))::int::text),
      '{uuid}', gen_random_uuid()::text),
      '{n}', floor(random() * 100000)::int::text),
      '{ms}', (1000 + floor(random() * 29000))::int::text),
      '{id}', 'j' || substr(md5(random()::text), 1, 10)),
      '{url}', 'https://hooks.partner-' || floor(random() * 40)::int || '.test/in/' || substr(md5(random()::text), 1, 8)),
      '{ts}', to_char(now() - random() * interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`;

/** The customer id of customer number n (as SQL over an integer expression, and in JS). */
const customerIdSql = (n) => `'cus_' || substr(md5('customer-' || (${n})::text), 1, 12)`;

/**
 * Per type: [input as jsonb, inputText] over the row's draws (x: an input's own values). The order
 * of inputText's lines is the input's key order, as searchableInput walks it; the secret is left out.
 */
const INPUTS = {
  'webhook.deliver': [
    `jsonb_build_object('url', x.url, 'event', x.event, 'customerId', x.customer, 'payload', jsonb_build_object('orderId', x.order_id, 'amount', x.amount), 'signingSecret', x.secret)`,
    `concat_ws(E'\\n', 'url', x.url, 'event', x.event, 'customerId', x.customer, 'payload', 'orderId', x.order_id, 'amount', x.amount::text)`,
  ],
  'email.send': [
    `jsonb_build_object('to', x.email, 'template', x.mail_template, 'customerId', x.customer, 'locale', x.locale, 'apiKey', x.secret)`,
    `concat_ws(E'\\n', 'to', x.email, 'template', x.mail_template, 'customerId', x.customer, 'locale', x.locale)`,
  ],
  'data.sync': [
    `jsonb_build_object('source', x.source, 'customerId', x.customer, 'batchSize', x.batch, 'accessToken', x.secret)`,
    `concat_ws(E'\\n', 'source', x.source, 'customerId', x.customer, 'batchSize', x.batch::text)`,
  ],
  'report.generate': [
    `jsonb_build_object('reportId', x.report_id, 'customerId', x.customer, 'format', x.format, 'notify', x.email)`,
    `concat_ws(E'\\n', 'reportId', x.report_id, 'customerId', x.customer, 'format', x.format, 'notify', x.email)`,
  ],
  'image.resize': [
    `jsonb_build_object('url', x.image_url, 'width', x.width, 'height', x.width * 3 / 4, 'customerId', x.customer)`,
    `concat_ws(E'\\n', 'url', x.image_url, 'width', x.width::text, 'height', (x.width * 3 / 4)::text, 'customerId', x.customer)`,
  ],
  'invoice.render': [
    `jsonb_build_object('invoiceId', x.invoice_id, 'customerId', x.customer, 'email', x.email, 'currency', x.currency, 'password', x.secret)`,
    `concat_ws(E'\\n', 'invoiceId', x.invoice_id, 'customerId', x.customer, 'email', x.email, 'currency', x.currency)`,
  ],
  'maintenance.cleanup': [`jsonb_build_object('olderThanDays', 30)`, `E'olderThanDays\\n30'`],
  'maintenance.reconcile': [`'{}'::jsonb`, `''`],
  'bulk.action': [
    `jsonb_build_object('action', 'retry', 'customerId', x.customer, 'limit', x.batch)`,
    `concat_ws(E'\\n', 'action', 'retry', 'customerId', x.customer, 'limit', x.batch::text)`,
  ],
};
const caseOf = (i) =>
  `CASE t.type ${Object.entries(INPUTS)
    .map(([type, pair]) => `WHEN ${literal(type)} THEN ${pair[i].replace(/\bx\./g, 't.')}`)
    .join(' ')} END`;

/** One chunk: $1 error types, $2 error texts, $3 first, $4 last, $5 "now" (UTC, as "Job" stores it). */
export const SEARCH_SEED_SQL = `
WITH kinds(type, queue, up_to, fail, run_median, max_attempts, schedule_a, schedule_b, scheduled) AS (
  VALUES
      ${kindsSql()}
), draws AS MATERIALIZED (
  SELECT g, random() AS u_kind, random() AS u_state, random() AS u_age, 1 - random() AS u_run1, random() AS u_run2,
         1 - random() AS u_wait1, random() AS u_wait2, random() AS u_attempts, random() AS u_error, random() AS u_misc,
         random() AS u_schedule, random() AS u_priority, random() AS u_by, random() AS u_template,
         floor(power(random(), 2) * ${CUSTOMERS})::int AS customer_n, floor(random() * 40)::int AS partner,
         random() AS u_input
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
), valued AS (
  SELECT t.*, x.*
    FROM timed t
    CROSS JOIN LATERAL (
      SELECT ${customerIdSql('t.customer_n')} AS customer,
             'https://hooks.partner-' || t.partner || '.test/in/' || substr(md5('hook-' || t.g), 1, 8) AS url,
             (ARRAY['order.paid', 'order.refunded', 'invoice.sent', 'customer.updated', 'subscription.renewed'])[1 + floor(t.u_input * 5)::int] AS event,
             'ord_' || lpad((t.g::bigint * 7919 % 9999991)::text, 7, '0') AS order_id,
             (t.g * 37 % 100000) AS amount,
             'user' || t.customer_n || '@' || (ARRAY['example.com', 'acme.test', 'mail.test'])[1 + t.customer_n % 3] AS email,
             (ARRAY['welcome', 'receipt', 'password-reset', 'weekly-digest'])[1 + floor(t.u_input * 4)::int] AS mail_template,
             (ARRAY['en', 'de', 'fr', 'nl'])[1 + t.g % 4] AS locale,
             (ARRAY['crm', 'billing', 'warehouse'])[1 + floor(t.u_input * 3)::int] AS source,
             (100 * (1 + t.g % 10)) AS batch,
             'rep_' || substr(md5('report-' || t.g), 1, 10) AS report_id,
             (ARRAY['pdf', 'csv', 'xlsx'])[1 + floor(t.u_input * 3)::int] AS format,
             'https://cdn.example.test/uploads/' || substr(md5('image-' || t.g), 1, 16) || '.png' AS image_url,
             (ARRAY[320, 640, 1280, 1920])[1 + t.g % 4] AS width,
             'inv_' || lpad((t.g % 999983)::text, 6, '0') AS invoice_id,
             (ARRAY['EUR', 'USD', 'GBP'])[1 + t.g % 3] AS currency,
             'sk_live_' || substr(md5('secret-' || t.g), 1, 24) AS secret
    ) x
)
INSERT INTO "Job" ("id", "type", "queue", "priority", "state", "input", "inputText", "requestedBy", "maxAttempts", "timeoutMs",
                   "attempts", "progressPercent", "result", "error", "errorStack", "errorType",
                   "retryWaitMs", "scheduleId", "templateId", "createdAt", "startedAt", "finishedAt", "updatedAt")
SELECT 'srch-' || lpad(t.g::text, 7, '0'), t.type, t.queue,
       CASE WHEN t.u_priority < 0.03 THEN 1 WHEN t.u_priority < 0.18 THEN 2 WHEN t.u_priority < 0.9 THEN 3 ELSE 4 END,
       t.state, ${caseOf(0)}, ${caseOf(1)}, f."requestedBy", t.max_attempts,
       CASE WHEN t.state = 'timed_out' THEN (t.run_median * 20)::int END,
       t.attempts, CASE WHEN t.state = 'completed' THEN 100 ELSE floor(t.u_misc * 100) END,
       CASE WHEN t.state = 'completed' THEN jsonb_build_object('processed', (t.g % 997) + 1) END,
       f.error, CASE WHEN t.state = 'failed' THEN f."errorType" || ': ' || f.error || E'\\n    at run (/app/jobs/' || t.type || E'.ts:42:11)\\n    at attempt (/app/runtime/activity.ts:118:20)' END,
       f."errorType",
       t.retry_wait_ms, f."scheduleId",
       CASE WHEN f."scheduleId" IS NULL AND t.u_template < 0.05 THEN (${textArray(TEMPLATE_IDS)})[1 + floor(t.u_template * 100)::int] END,
       COALESCE(t.started, t.ended) - ((t.wait_ms + t.retry_wait_ms) * interval '1 millisecond'),
       t.started, t.ended, t.ended
  FROM valued t
  CROSS JOIN LATERAL (
    SELECT CASE WHEN t.u_schedule < t.scheduled THEN
                     CASE WHEN t.schedule_b IS NULL OR t.u_misc < 0.5 THEN t.schedule_a ELSE t.schedule_b END END AS "scheduleId",
           CASE WHEN t.u_schedule < t.scheduled THEN 'schedule'
                ELSE (${textArray(REQUESTERS)})[1 + floor(power(t.u_by, 1.5) * ${REQUESTERS.length})::int] END AS "requestedBy",
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

/** What the kept database holds, or null when it holds nothing of ours. */
async function seedInfo(client) {
  const { rows } = await client.query(`SELECT to_regclass('"_BenchSeed"') AS t`);
  if (!rows[0].t) return null;
  const { rows: info } = await client.query(`SELECT * FROM "_BenchSeed" LIMIT 1`);
  return info[0] ?? null;
}

/**
 * The seeded database for `records` records: reused when its seed matches (version, records, the
 * last migration), else (re)created and seeded. Returns { databaseUrl, client, seed, reused, took }.
 * `client` is a connected pg.Client on it; the caller ends it.
 */
export async function ensureSearchSeed({
  serverUrl,
  records,
  reseed = false,
  log = () => {},
  chunk = 100_000,
  database = SEARCH_DATABASE,
}) {
  const { tsImport } = await import('tsx/esm/api');
  const { repoRoot } = await import('../lib/util.mjs');
  const { withDatabase } = await import('../lib/infra.mjs');
  const { join } = await import('node:path');
  const { applyMigrations, ensureDatabase, dropDatabase, listMigrations } = await tsImport(
    join(repoRoot, 'packages/db/src/migrate.ts'),
    import.meta.url,
  );
  const { default: pg } = await import('pg');
  const databaseUrl = withDatabase(serverUrl, database);
  const lastMigration = listMigrations().at(-1);
  const wanted = { version: SEARCH_SEED_VERSION, records, lastMigration };

  if (!reseed) {
    await ensureDatabase(databaseUrl);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const info = await seedInfo(client).catch(() => null);
    if (
      info &&
      info.version === wanted.version &&
      info.records === wanted.records &&
      info.lastMigration === wanted.lastMigration &&
      info.complete
    ) {
      log(
        `search data: reusing ${database} (seed v${info.version}, ${records.toLocaleString('en')} records, seeded ${info.seededAt.toISOString()})`,
      );
      return { databaseUrl, client, seed: info, reused: true, took: {} };
    }
    if (info)
      log(
        `search data: ${database} holds seed v${info.version} of ${info.records} records on ${info.lastMigration}${info.complete ? '' : ' (incomplete)'}: reseeding`,
      );
    await client.end();
  }

  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const now = utcNow();
  await client.query(
    `CREATE TABLE "_BenchSeed" ("version" int, "records" int, "lastMigration" text, "now" timestamp(3), "seededAt" timestamptz DEFAULT now(), "complete" boolean DEFAULT false)`,
  );
  await client.query(
    `INSERT INTO "_BenchSeed" ("version", "records", "lastMigration", "now") VALUES ($1, $2, $3, $4)`,
    [wanted.version, records, lastMigration, now],
  );

  const took = {};
  let t0 = performance.now();
  // The secondary indexes go for the load and are rebuilt after it: one sorted build each (and one
  // GIN build) is far cheaper than a million index insertions.
  const { rows: indexes } = await client.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_index x ON x.indexrelid = c.oid
      WHERE i.schemaname = 'public' AND i.tablename = 'Job' AND NOT x.indisprimary AND NOT x.indisunique`,
  );
  for (const { indexname } of indexes) await client.query(`DROP INDEX "${indexname}"`);
  const { rows: after } = await client.query(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = '"Job"'::regclass AND NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & 2) = 0`,
  );
  const toggle = (how) =>
    after.length &&
    client.query(`ALTER TABLE "Job" ${after.map(({ tgname }) => `${how} TRIGGER "${tgname}"`).join(', ')}`);
  const types = ERROR_TEMPLATES.map(([type]) => type);
  const texts = ERROR_TEMPLATES.map(([, text]) => text);
  await toggle('DISABLE');
  try {
    await client.query(`SELECT setseed(0.17)`);
    for (let from = 1; from <= records; from += chunk) {
      const to = Math.min(records, from + chunk - 1);
      await client.query(SEARCH_SEED_SQL, [types, texts, from, to, now]);
      log(
        `search data: ${to.toLocaleString('en')} of ${records.toLocaleString('en')} records loaded after ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    }
  } finally {
    await toggle('ENABLE');
  }
  await client
    .query(
      `INSERT INTO "JobStateCount" ("type", "queue", "state", "count", "superseded")
     SELECT "type", "queue", "state", count(*), count("supersededAt") FROM "Job" GROUP BY 1, 2, 3
     ON CONFLICT DO NOTHING`,
    )
    .catch(() => undefined);
  took.loadMs = performance.now() - t0;

  t0 = performance.now();
  // Two builders at once: the trigram index (the longest by far) on a second connection, the
  // B-trees one after another on this one.
  const second = new pg.Client({ connectionString: databaseUrl });
  await second.connect();
  try {
    const build = async (connection, list) => {
      await connection.query(`SET maintenance_work_mem = '512MB'`);
      for (const { indexname, indexdef } of list) {
        const i0 = performance.now();
        await connection.query(indexdef);
        if (/ USING gin /i.test(indexdef)) took.ginMs = performance.now() - i0;
        log(`search data: index ${indexname} built in ${((performance.now() - i0) / 1000).toFixed(1)} s`);
      }
    };
    const gin = indexes.filter(({ indexdef }) => / USING gin /i.test(indexdef));
    await Promise.all([
      build(second, gin),
      build(
        client,
        indexes.filter((index) => !gin.includes(index)),
      ),
    ]);
  } finally {
    await second.end();
  }
  took.indexMs = performance.now() - t0;
  t0 = performance.now();
  await client.query(`VACUUM ANALYZE "Job"`);
  took.analyzeMs = performance.now() - t0;
  await client.query(`UPDATE "_BenchSeed" SET "complete" = true, "seededAt" = now()`);
  const seed = await seedInfo(client);
  return { databaseUrl, client, seed, reused: false, took };
}

/** A customer id the seed gave to some jobs (customer n), as the JS twin of customerIdSql. */
export async function customerId(client, n) {
  const { rows } = await client.query(`SELECT ${customerIdSql('$1::int')} AS id`, [n]);
  return rows[0].id;
}
