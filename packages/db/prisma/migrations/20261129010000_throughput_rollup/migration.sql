-- CreateTable
CREATE TABLE "JobThroughput" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "outcome" "JobState" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "JobThroughput_pkey" PRIMARY KEY ("minute","type","queue","outcome")
);

-- A job is counted once, when its record first reaches a final state: moved there from a live
-- state, or written already final. A trigger rather than code in each writer (API, worker,
-- reconciler), so that none can forget it and none can count twice. "finishedAt" holds UTC (Prisma
-- writes timestamps without zone in UTC).
CREATE FUNCTION "jobdeck_count_job_end"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "JobThroughput" ("minute", "type", "queue", "outcome", "count")
    VALUES (date_trunc('minute', COALESCE(NEW."finishedAt" AT TIME ZONE 'UTC', now())), NEW."type", NEW."queue", NEW."state", 1)
    ON CONFLICT ("minute", "type", "queue", "outcome") DO UPDATE SET "count" = "JobThroughput"."count" + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "Job_count_end_on_update"
    AFTER UPDATE OF "state" ON "Job"
    FOR EACH ROW
    WHEN (OLD."state" IN ('waiting', 'delayed', 'active', 'retrying')
          AND NEW."state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out'))
    EXECUTE FUNCTION "jobdeck_count_job_end"();

CREATE TRIGGER "Job_count_end_on_insert"
    AFTER INSERT ON "Job"
    FOR EACH ROW
    WHEN (NEW."state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out'))
    EXECUTE FUNCTION "jobdeck_count_job_end"();

-- Jobs that ended before the rollup existed.
INSERT INTO "JobThroughput" ("minute", "type", "queue", "outcome", "count")
SELECT date_trunc('minute', "finishedAt" AT TIME ZONE 'UTC'), "type", "queue", "state", count(*)
  FROM "Job"
 WHERE "state" IN ('completed', 'failed', 'cancelled', 'terminated', 'timed_out') AND "finishedAt" IS NOT NULL
 GROUP BY 1, 2, 3, 4;
