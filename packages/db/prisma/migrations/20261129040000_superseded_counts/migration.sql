-- Superseded originals leave the counts: a record whose retry replaced it (supersededAt set) is no
-- longer a failure to act on. The counters keep every record in "count", and in "superseded" those
-- superseded, so that jobs.stats counts "count" - "superseded" and can say how many it left out
-- (what `temporal workflow count` still counts: a closed workflow's search attributes cannot change).
ALTER TABLE "JobStateCount" ADD COLUMN "superseded" BIGINT NOT NULL DEFAULT 0;

-- As before, one statement per change, its rows in a fixed order (no deadlock), now with the superseded share.
CREATE OR REPLACE FUNCTION "jobdeck_count_job_states"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "JobStateCount" ("type", "queue", "state", "count", "superseded")
        VALUES (NEW."type", NEW."queue", NEW."state", 1, (NEW."supersededAt" IS NOT NULL)::int)
        ON CONFLICT ("type", "queue", "state") DO UPDATE
            SET "count" = "JobStateCount"."count" + 1, "superseded" = "JobStateCount"."superseded" + EXCLUDED."superseded";
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE "JobStateCount" SET "count" = "count" - 1, "superseded" = "superseded" - (OLD."supersededAt" IS NOT NULL)::int
         WHERE "type" = OLD."type" AND "queue" = OLD."queue" AND "state" = OLD."state";
    ELSE
        INSERT INTO "JobStateCount" ("type", "queue", "state", "count", "superseded")
        SELECT change."type", change."queue", change."state", sum(change."delta"), sum(change."superseded")
          FROM (VALUES (OLD."type", OLD."queue", OLD."state", -1, -((OLD."supersededAt" IS NOT NULL)::int)),
                       (NEW."type", NEW."queue", NEW."state", 1, (NEW."supersededAt" IS NOT NULL)::int))
               AS change("type", "queue", "state", "delta", "superseded")
         -- Marking a record superseded keeps its key: one row, or ON CONFLICT would meet it twice.
         GROUP BY change."type", change."queue", change."state"
         ORDER BY change."type", change."queue", change."state"::text
        ON CONFLICT ("type", "queue", "state") DO UPDATE
            SET "count" = "JobStateCount"."count" + EXCLUDED."count",
                "superseded" = "JobStateCount"."superseded" + EXCLUDED."superseded";
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER "Job_state_counts_on_update" ON "Job";
CREATE TRIGGER "Job_state_counts_on_update"
    AFTER UPDATE OF "state", "type", "queue", "supersededAt" ON "Job"
    FOR EACH ROW
    WHEN (OLD."state" IS DISTINCT FROM NEW."state" OR OLD."type" IS DISTINCT FROM NEW."type" OR OLD."queue" IS DISTINCT FROM NEW."queue"
          OR (OLD."supersededAt" IS NULL) <> (NEW."supersededAt" IS NULL))
    EXECUTE FUNCTION "jobdeck_count_job_states"();

-- The records superseded already.
UPDATE "JobStateCount" AS counter SET "superseded" = superseded."count"
  FROM (SELECT "type", "queue", "state", count(*) AS "count" FROM "Job" WHERE "supersededAt" IS NOT NULL GROUP BY 1, 2, 3) AS superseded
 WHERE counter."type" = superseded."type" AND counter."queue" = superseded."queue" AND counter."state" = superseded."state";
