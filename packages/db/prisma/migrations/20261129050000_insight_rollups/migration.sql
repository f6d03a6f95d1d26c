-- Insight: rollups of ended jobs per minute, hour and day (counts, duration sums and histograms, failure
-- groups), kept by triggers on "Job" like the counters before them, so that every writer (API, worker,
-- reconciler, a hand-run UPDATE) counts exactly once and no reader scans job records.

-- CreateEnum
CREATE TYPE "RollupGrain" AS ENUM ('minute', 'hour', 'day');
CREATE TYPE "DurationMeasure" AS ENUM ('run', 'wait');

-- AlterTable
ALTER TABLE "Job" ADD COLUMN "errorType" TEXT,
ADD COLUMN "errorFingerprint" TEXT,
ADD COLUMN "lastFailedAt" TIMESTAMP(3),
ADD COLUMN "retryWaitMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "runMs" INTEGER;

-- CreateTable
CREATE TABLE "JobRollup" (
    "grain" "RollupGrain" NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL DEFAULT '',
    "outcome" "JobState" NOT NULL,
    "errorFingerprint" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "runMsSum" BIGINT NOT NULL DEFAULT 0,
    "runMsMin" BIGINT,
    "runMsMax" BIGINT,
    "waitCount" INTEGER NOT NULL DEFAULT 0,
    "waitMsSum" BIGINT NOT NULL DEFAULT 0,
    "waitMsMin" BIGINT,
    "waitMsMax" BIGINT,
    "attemptsSum" INTEGER NOT NULL DEFAULT 0,
    "retriedCount" INTEGER NOT NULL DEFAULT 0,
    "retryWaitMsSum" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "JobRollup_pkey" PRIMARY KEY ("grain","bucketStart","type","queue","scheduleId","outcome","errorFingerprint")
);

-- CreateTable
CREATE TABLE "JobDurationHistogram" (
    "grain" "RollupGrain" NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "measure" "DurationMeasure" NOT NULL,
    "bucket" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "JobDurationHistogram_pkey" PRIMARY KEY ("grain","bucketStart","type","queue","measure","bucket")
);

-- CreateTable
CREATE TABLE "JobFailureGroup" (
    "fingerprint" TEXT NOT NULL,
    "errorType" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastJobId" TEXT NOT NULL,

    CONSTRAINT "JobFailureGroup_pkey" PRIMARY KEY ("fingerprint")
);

-- CreateIndex
CREATE INDEX "Job_errorFingerprint_finishedAt_idx" ON "Job"("errorFingerprint", "finishedAt" DESC);

-- CreateIndex
CREATE INDEX "Job_runMs_idx" ON "Job"("runMs" DESC);

-- CreateIndex
CREATE INDEX "Job_type_runMs_idx" ON "Job"("type", "runMs" DESC);

-- CreateIndex
CREATE INDEX "Job_queue_runMs_idx" ON "Job"("queue", "runMs" DESC);

-- The failure group of an error: its type and its first line with what varies per occurrence
-- (URLs, times, UUIDs, addresses, ids, numbers) replaced by placeholders, so that
-- "127.0.0.1:37271 answered 500" and "127.0.0.1:41002 answered 500" are one group. HTTP statuses
-- keep their class (a 4xx is another cause than a 5xx). Unit-tested in packages/db/test/insight-rollups.test.ts.
CREATE FUNCTION "jobdeck_error_group"(error_type text, message text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT left(error_type || ': ' || btrim(regexp_replace(
  regexp_replace(
  regexp_replace(
  regexp_replace(
  regexp_replace(
  regexp_replace(
  regexp_replace(
  regexp_replace(
    split_part(left(message, 2000), E'\n', 1),
    -- URLs, whole: their hosts, paths and queries vary per call
    '[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]"''<>)]+', '<url>', 'g'),
    -- timestamps (ISO 8601 and the SQL form)
    '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?', '<time>', 'g'),
    -- UUIDs
    '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}', '<id>', 'g'),
    -- IPv4 addresses with their ports
    '[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]+)?', '<ip>', 'g'),
    -- words that mix letters and digits: job ids, hashes, tokens, host:port
    '\m(?=[A-Za-z0-9_.:-]*[0-9])(?=[A-Za-z0-9_.:-]*[A-Za-z])[A-Za-z0-9_.:-]+', '<id>', 'g'),
    -- HTTP statuses keep their class: "answered 503" and "answered 500" are one cause, 404 another
    '((answered|status|HTTP|code)[ :=]+)([1-5])[0-9]{2}\M', '\1<\3xx>', 'gi'),
    -- remaining numbers
    '(?<![<0-9])[0-9]+([.,][0-9]+)?', '<n>', 'g'),
    '[[:space:]]+', ' ', 'g'), ' '), 300)
$$;

-- The error type a failure groups under: a timeout or a termination is one whatever its last attempt threw.
CREATE FUNCTION "jobdeck_failure_type"(state "JobState", error_type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE state WHEN 'timed_out' THEN 'Timeout' WHEN 'terminated' THEN 'Terminated'
                  ELSE COALESCE(NULLIF(error_type, ''), 'Error') END
$$;

CREATE FUNCTION "jobdeck_error_fingerprint"(state "JobState", error_type text, message text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN message IS NULL THEN NULL
            ELSE left(md5("jobdeck_error_group"("jobdeck_failure_type"(state, error_type), message)), 16) END
$$;

-- Milliseconds from one "Job" timestamp to another (both UTC without a zone), never negative; NULL
-- when either is. What run time (start to finish) and wait time (due to first start) are made of.
-- NULL in, NULL out, said in the body rather than by STRICT, so that the planner inlines it (GREATEST
-- and LEAST skip NULLs: without the CASE a missing time would become 0).
CREATE FUNCTION "jobdeck_elapsed_ms"(since timestamp, until timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN since IS NULL OR until IS NULL THEN NULL
            ELSE GREATEST(0, floor(extract(epoch FROM until - since) * 1000))::bigint END
$$;

-- A record's "runMs": start to finish, capped at 24 days (an integer column); NULL until both are known.
CREATE FUNCTION "jobdeck_run_ms"(started timestamp, finished timestamp) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN started IS NULL OR finished IS NULL THEN NULL
            ELSE LEAST(2147483647, "jobdeck_elapsed_ms"(started, finished))::integer END
$$;

-- The failure group an ended job counts under in the rollups: its fingerprint if unsuccessful
-- (one without an error message groups by its type alone), '' for the rest.
CREATE FUNCTION "jobdeck_rollup_group"(state "JobState", error_type text, fingerprint text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN state IN ('failed', 'timed_out', 'terminated')
            THEN COALESCE(fingerprint, "jobdeck_error_fingerprint"(state, error_type, '')) ELSE '' END
$$;

-- What a record's own fields determine, set on every write of them: its failure group, and its run
-- time (start to finish, capped at 24 days) that the slowest jobs are found by.
CREATE FUNCTION "jobdeck_derive_job_fields"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."errorFingerprint" := "jobdeck_error_fingerprint"(NEW."state", NEW."errorType", NEW."error");
    NEW."runMs" := "jobdeck_run_ms"(NEW."startedAt", NEW."finishedAt");
    RETURN NEW;
END;
$$;

-- BEFORE, so that the rollup trigger (AFTER) sees the fields of the row as written.
CREATE TRIGGER "Job_derive_fields_on_insert"
    BEFORE INSERT ON "Job"
    FOR EACH ROW
    WHEN (NEW."error" IS NOT NULL OR NEW."finishedAt" IS NOT NULL)
    EXECUTE FUNCTION "jobdeck_derive_job_fields"();

CREATE TRIGGER "Job_derive_fields_on_update"
    BEFORE UPDATE OF "error", "errorType", "state", "startedAt", "finishedAt" ON "Job"
    FOR EACH ROW
    WHEN (OLD."error" IS DISTINCT FROM NEW."error" OR OLD."errorType" IS DISTINCT FROM NEW."errorType"
          OR OLD."state" IS DISTINCT FROM NEW."state" OR OLD."startedAt" IS DISTINCT FROM NEW."startedAt"
          OR OLD."finishedAt" IS DISTINCT FROM NEW."finishedAt")
    EXECUTE FUNCTION "jobdeck_derive_job_fields"();

-- A duration's histogram bucket: 8 per doubling, bucket b = [2^(b/8), 2^((b+1)/8)) ms; 0 ms is bucket -1.
CREATE FUNCTION "jobdeck_duration_bucket"(ms bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN ms <= 0 THEN -1 ELSE floor(8 * ln(ms::double precision) / ln(2.0))::smallint END
$$;

-- Adds one ended job to the rollups (three grains in one statement each, rows in a fixed order: no
-- deadlock between concurrent ends). Times are UTC ("Job" timestamps hold UTC without a zone).
CREATE FUNCTION "jobdeck_rollup_job_end"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ended_at timestamp := COALESCE(NEW."finishedAt", now() AT TIME ZONE 'UTC');
    ended timestamptz := ended_at AT TIME ZONE 'UTC';
    run_ms bigint := "jobdeck_elapsed_ms"(NEW."startedAt", ended_at);
    wait_ms bigint := "jobdeck_elapsed_ms"(COALESCE(NEW."runAt", NEW."createdAt"), NEW."startedAt");
    unsuccessful boolean := NEW."state" IN ('failed', 'timed_out', 'terminated');
    failure_group text := "jobdeck_rollup_group"(NEW."state", NEW."errorType", NEW."errorFingerprint");
BEGIN
    INSERT INTO "JobRollup" AS r ("grain", "bucketStart", "type", "queue", "scheduleId", "outcome", "errorFingerprint",
        "count", "runCount", "runMsSum", "runMsMin", "runMsMax", "waitCount", "waitMsSum", "waitMsMin", "waitMsMax",
        "attemptsSum", "retriedCount", "retryWaitMsSum")
    SELECT g.grain, date_trunc(g.grain::text, ended, 'UTC'), NEW."type", NEW."queue", COALESCE(NEW."scheduleId", ''),
           NEW."state", failure_group,
           1, (run_ms IS NOT NULL)::int, COALESCE(run_ms, 0), run_ms, run_ms,
           (wait_ms IS NOT NULL)::int, COALESCE(wait_ms, 0), wait_ms, wait_ms,
           NEW."attempts", (NEW."attempts" > 1)::int, NEW."retryWaitMs"
      FROM unnest(ARRAY['minute', 'hour', 'day']::"RollupGrain"[]) AS g(grain)
    ON CONFLICT ("grain", "bucketStart", "type", "queue", "scheduleId", "outcome", "errorFingerprint") DO UPDATE SET
        "count" = r."count" + 1,
        "runCount" = r."runCount" + EXCLUDED."runCount",
        "runMsSum" = r."runMsSum" + EXCLUDED."runMsSum",
        "runMsMin" = LEAST(r."runMsMin", EXCLUDED."runMsMin"),
        "runMsMax" = GREATEST(r."runMsMax", EXCLUDED."runMsMax"),
        "waitCount" = r."waitCount" + EXCLUDED."waitCount",
        "waitMsSum" = r."waitMsSum" + EXCLUDED."waitMsSum",
        "waitMsMin" = LEAST(r."waitMsMin", EXCLUDED."waitMsMin"),
        "waitMsMax" = GREATEST(r."waitMsMax", EXCLUDED."waitMsMax"),
        "attemptsSum" = r."attemptsSum" + EXCLUDED."attemptsSum",
        "retriedCount" = r."retriedCount" + EXCLUDED."retriedCount",
        "retryWaitMsSum" = r."retryWaitMsSum" + EXCLUDED."retryWaitMsSum";

    IF run_ms IS NOT NULL THEN
        INSERT INTO "JobDurationHistogram" AS h ("grain", "bucketStart", "type", "queue", "measure", "bucket", "count")
        SELECT g.grain, date_trunc(g.grain::text, ended, 'UTC'), NEW."type", NEW."queue", m.measure, "jobdeck_duration_bucket"(m.ms), 1
          FROM unnest(ARRAY['minute', 'hour', 'day']::"RollupGrain"[]) AS g(grain)
         CROSS JOIN (VALUES ('run'::"DurationMeasure", run_ms), ('wait'::"DurationMeasure", wait_ms)) AS m(measure, ms)
         ORDER BY 1, 5
        ON CONFLICT ("grain", "bucketStart", "type", "queue", "measure", "bucket") DO UPDATE SET "count" = h."count" + 1;
    END IF;

    IF unsuccessful THEN
        INSERT INTO "JobFailureGroup" AS f ("fingerprint", "errorType", "message", "count", "firstSeenAt", "lastSeenAt", "lastJobId")
        VALUES (failure_group, "jobdeck_failure_type"(NEW."state", NEW."errorType"),
                "jobdeck_error_group"("jobdeck_failure_type"(NEW."state", NEW."errorType"), COALESCE(NEW."error", '')),
                1, ended, ended, NEW."id")
        ON CONFLICT ("fingerprint") DO UPDATE SET
            "count" = f."count" + 1,
            "firstSeenAt" = LEAST(f."firstSeenAt", EXCLUDED."firstSeenAt"),
            "lastJobId" = CASE WHEN EXCLUDED."lastSeenAt" >= f."lastSeenAt" THEN EXCLUDED."lastJobId" ELSE f."lastJobId" END,
            "lastSeenAt" = GREATEST(f."lastSeenAt", EXCLUDED."lastSeenAt");
    END IF;
    RETURN NULL;
END;
$$;

-- The same moments the throughput rollup counted: a record's first arrival in a final state.
DROP TRIGGER "Job_count_end_on_update" ON "Job";
DROP TRIGGER "Job_count_end_on_insert" ON "Job";
DROP FUNCTION "jobdeck_count_job_end"();
DROP TABLE "JobThroughput";

CREATE TRIGGER "Job_rollup_end_on_update"
    AFTER UPDATE OF "state" ON "Job"
    FOR EACH ROW
    WHEN (OLD."state" IN ('waiting', 'delayed', 'active', 'retrying')
          AND NEW."state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out'))
    EXECUTE FUNCTION "jobdeck_rollup_job_end"();

CREATE TRIGGER "Job_rollup_end_on_insert"
    AFTER INSERT ON "Job"
    FOR EACH ROW
    WHEN (NEW."state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out'))
    EXECUTE FUNCTION "jobdeck_rollup_job_end"();

-- Rebuilds the rollups from the job records, in bulk: the migration's backfill, and a benchmark's
-- after a bulk load with the triggers off. What retention deleted is gone from the rebuilt rollups.
CREATE FUNCTION "jobdeck_rebuild_rollups"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE "JobRollup", "JobDurationHistogram", "JobFailureGroup";
    CREATE TEMPORARY TABLE jobdeck_ended ON COMMIT DROP AS
    SELECT j."id", j."type", j."queue", COALESCE(j."scheduleId", '') AS "scheduleId", j."state", j."attempts", j."retryWaitMs",
           j."finishedAt" AT TIME ZONE 'UTC' AS ended,
           "jobdeck_rollup_group"(j."state", j."errorType", j."errorFingerprint") AS fingerprint,
           "jobdeck_elapsed_ms"(j."startedAt", j."finishedAt") AS run_ms,
           "jobdeck_elapsed_ms"(COALESCE(j."runAt", j."createdAt"), j."startedAt") AS wait_ms
      FROM "Job" j
     WHERE j."state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out')
       AND j."finishedAt" IS NOT NULL;
    INSERT INTO "JobRollup" ("grain", "bucketStart", "type", "queue", "scheduleId", "outcome", "errorFingerprint",
        "count", "runCount", "runMsSum", "runMsMin", "runMsMax", "waitCount", "waitMsSum", "waitMsMin", "waitMsMax",
        "attemptsSum", "retriedCount", "retryWaitMsSum")
    SELECT g.grain, date_trunc(g.grain::text, e.ended, 'UTC'), e."type", e."queue", e."scheduleId", e."state", e.fingerprint,
           count(*), count(e.run_ms), COALESCE(sum(e.run_ms), 0), min(e.run_ms), max(e.run_ms),
           count(e.wait_ms), COALESCE(sum(e.wait_ms), 0), min(e.wait_ms), max(e.wait_ms),
           sum(e."attempts"), count(*) FILTER (WHERE e."attempts" > 1), sum(e."retryWaitMs")
      FROM jobdeck_ended e CROSS JOIN unnest(ARRAY['minute', 'hour', 'day']::"RollupGrain"[]) AS g(grain)
     GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO "JobDurationHistogram" ("grain", "bucketStart", "type", "queue", "measure", "bucket", "count")
    SELECT g.grain, date_trunc(g.grain::text, e.ended, 'UTC'), e."type", e."queue", m.measure, "jobdeck_duration_bucket"(m.ms), count(*)
      FROM jobdeck_ended e
     CROSS JOIN unnest(ARRAY['minute', 'hour', 'day']::"RollupGrain"[]) AS g(grain)
     CROSS JOIN LATERAL (VALUES ('run'::"DurationMeasure", e.run_ms), ('wait'::"DurationMeasure", e.wait_ms)) AS m(measure, ms)
     WHERE m.ms IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO "JobFailureGroup" ("fingerprint", "errorType", "message", "count", "firstSeenAt", "lastSeenAt", "lastJobId")
    SELECT DISTINCT ON (e.fingerprint) e.fingerprint, "jobdeck_failure_type"(j."state", j."errorType"),
           "jobdeck_error_group"("jobdeck_failure_type"(j."state", j."errorType"), COALESCE(j."error", '')),
           count(*) OVER (PARTITION BY e.fingerprint), min(e.ended) OVER (PARTITION BY e.fingerprint),
           e.ended, e."id"
      FROM jobdeck_ended e JOIN "Job" j ON j."id" = e."id"
     WHERE e.fingerprint <> ''
     ORDER BY e.fingerprint, e.ended DESC;
END;
$$;

-- The jobs that ended before the rollups existed.
UPDATE "Job" SET "errorFingerprint" = "jobdeck_error_fingerprint"("state", "errorType", "error"),
       "runMs" = "jobdeck_run_ms"("startedAt", "finishedAt")
 WHERE "error" IS NOT NULL OR ("startedAt" IS NOT NULL AND "finishedAt" IS NOT NULL);
SELECT "jobdeck_rebuild_rollups"();
