-- How many job records are in each state, per type and queue: jobs.stats reads a few rows instead
-- of counting jobs, so its cost does not grow with them. Kept by triggers, so that every writer
-- (API, worker, reconciler, cleanup) counts and none can count twice.
CREATE TABLE "JobStateCount" (
    "type" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "state" "JobState" NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "JobStateCount_pkey" PRIMARY KEY ("type", "queue", "state")
);

-- One statement per change, its rows in a fixed order: two jobs moving between the same two states
-- in opposite directions (active and retrying) lock the counters in the same order, never deadlock.
CREATE FUNCTION "jobdeck_count_job_states"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "JobStateCount" ("type", "queue", "state", "count") VALUES (NEW."type", NEW."queue", NEW."state", 1)
        ON CONFLICT ("type", "queue", "state") DO UPDATE SET "count" = "JobStateCount"."count" + 1;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE "JobStateCount" SET "count" = "count" - 1 WHERE "type" = OLD."type" AND "queue" = OLD."queue" AND "state" = OLD."state";
    ELSE
        INSERT INTO "JobStateCount" ("type", "queue", "state", "count")
        SELECT change."type", change."queue", change."state", change."delta"
          FROM (VALUES (OLD."type", OLD."queue", OLD."state", -1), (NEW."type", NEW."queue", NEW."state", 1)) AS change("type", "queue", "state", "delta")
         ORDER BY change."type", change."queue", change."state"::text
        ON CONFLICT ("type", "queue", "state") DO UPDATE SET "count" = "JobStateCount"."count" + EXCLUDED."count";
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "Job_state_counts_on_insert_or_delete"
    AFTER INSERT OR DELETE ON "Job"
    FOR EACH ROW EXECUTE FUNCTION "jobdeck_count_job_states"();

CREATE TRIGGER "Job_state_counts_on_update"
    AFTER UPDATE OF "state", "type", "queue" ON "Job"
    FOR EACH ROW
    WHEN (OLD."state" IS DISTINCT FROM NEW."state" OR OLD."type" IS DISTINCT FROM NEW."type" OR OLD."queue" IS DISTINCT FROM NEW."queue")
    EXECUTE FUNCTION "jobdeck_count_job_states"();

-- The records that exist already.
INSERT INTO "JobStateCount" ("type", "queue", "state", "count")
SELECT "type", "queue", "state", count(*) FROM "Job" GROUP BY 1, 2, 3;
