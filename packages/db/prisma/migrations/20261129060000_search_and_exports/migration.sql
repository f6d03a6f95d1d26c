-- Search and exports: what jobs.search reads (a trigram-indexed search text, wait time, the
-- template a job was run from, indexes for each sort), saved views, and exports written to storage.

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "ExportFormat" AS ENUM ('csv', 'json', 'ndjson', 'xlsx');

-- CreateEnum
CREATE TYPE "ExportState" AS ENUM ('running', 'completed', 'failed', 'expired');

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "inputText" TEXT,
ADD COLUMN     "searchText" TEXT,
ADD COLUMN     "templateId" TEXT,
ADD COLUMN     "waitMs" INTEGER;

-- CreateTable
CREATE TABLE "SavedView" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "search" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobExport" (
    "id" UUID NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "format" "ExportFormat" NOT NULL,
    "search" JSONB NOT NULL,
    "fields" TEXT[],
    "withInput" BOOLEAN NOT NULL DEFAULT false,
    "withLogs" BOOLEAN NOT NULL DEFAULT false,
    "state" "ExportState" NOT NULL DEFAULT 'running',
    "jobId" TEXT NOT NULL,
    "rows" INTEGER NOT NULL DEFAULT 0,
    "totalRows" INTEGER,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "fileName" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),

    CONSTRAINT "JobExport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeletedJob" (
    "id" TEXT NOT NULL,
    "runId" TEXT,
    "deletedBy" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeletedJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeletedJob_deletedAt_idx" ON "DeletedJob"("deletedAt");

-- CreateIndex
CREATE INDEX "SavedView_shared_idx" ON "SavedView"("shared");

-- CreateIndex
CREATE UNIQUE INDEX "SavedView_owner_name_key" ON "SavedView"("owner", "name");

-- CreateIndex
CREATE UNIQUE INDEX "JobExport_jobId_key" ON "JobExport"("jobId");

-- CreateIndex
CREATE INDEX "JobExport_requestedBy_createdAt_idx" ON "JobExport"("requestedBy", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "JobExport_createdAt_idx" ON "JobExport"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "Job_searchText_idx" ON "Job" USING GIN ("searchText" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Job_startedAt_idx" ON "Job"("startedAt" DESC);

-- CreateIndex
CREATE INDEX "Job_waitMs_idx" ON "Job"("waitMs" DESC);

-- CreateIndex
CREATE INDEX "Job_attempts_id_idx" ON "Job"("attempts", "id");

-- CreateIndex
CREATE INDEX "Job_priority_id_idx" ON "Job"("priority", "id");

-- CreateIndex
CREATE INDEX "Job_type_id_idx" ON "Job"("type", "id");

-- CreateIndex
CREATE INDEX "Job_requestedBy_createdAt_idx" ON "Job"("requestedBy", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Job_templateId_createdAt_idx" ON "Job"("templateId", "createdAt" DESC);

-- A record's "waitMs": due (runAt, else enqueued) to first start, capped like "runMs"; NULL until it started.
CREATE FUNCTION "jobdeck_wait_ms"(created timestamp, run_at timestamp, started timestamp) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN started IS NULL THEN NULL
            ELSE LEAST(2147483647, "jobdeck_elapsed_ms"(COALESCE(run_at, created), started))::integer END
$$;

-- What free text matches: one field per line, so that no term matches across two fields.
CREATE FUNCTION "jobdeck_search_text"(id text, type text, requested_by text, error text, input_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT concat_ws(E'\n', id, type, requested_by, error, input_text)
$$;

-- The derived fields now include the wait time and the search text.
CREATE OR REPLACE FUNCTION "jobdeck_derive_job_fields"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."errorFingerprint" := "jobdeck_error_fingerprint"(NEW."state", NEW."errorType", NEW."error");
    NEW."runMs" := "jobdeck_run_ms"(NEW."startedAt", NEW."finishedAt");
    NEW."waitMs" := "jobdeck_wait_ms"(NEW."createdAt", NEW."runAt", NEW."startedAt");
    NEW."searchText" := "jobdeck_search_text"(NEW."id", NEW."type", NEW."requestedBy", NEW."error", NEW."inputText");
    RETURN NEW;
END;
$$;

-- Every insert now has a search text to set.
DROP TRIGGER "Job_derive_fields_on_insert" ON "Job";
CREATE TRIGGER "Job_derive_fields_on_insert"
    BEFORE INSERT ON "Job"
    FOR EACH ROW
    EXECUTE FUNCTION "jobdeck_derive_job_fields"();

DROP TRIGGER "Job_derive_fields_on_update" ON "Job";
CREATE TRIGGER "Job_derive_fields_on_update"
    BEFORE UPDATE OF "error", "errorType", "state", "startedAt", "finishedAt", "createdAt", "runAt",
                     "type", "requestedBy", "inputText" ON "Job"
    FOR EACH ROW
    WHEN (OLD."error" IS DISTINCT FROM NEW."error" OR OLD."errorType" IS DISTINCT FROM NEW."errorType"
          OR OLD."state" IS DISTINCT FROM NEW."state" OR OLD."startedAt" IS DISTINCT FROM NEW."startedAt"
          OR OLD."finishedAt" IS DISTINCT FROM NEW."finishedAt" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"
          OR OLD."runAt" IS DISTINCT FROM NEW."runAt" OR OLD."type" IS DISTINCT FROM NEW."type"
          OR OLD."requestedBy" IS DISTINCT FROM NEW."requestedBy" OR OLD."inputText" IS DISTINCT FROM NEW."inputText")
    EXECUTE FUNCTION "jobdeck_derive_job_fields"();

-- Existing records: wait times and a search text without the input (which only the application can
-- redact; maintenance.cleanup writes "inputText" for them, and the trigger then completes the text).
UPDATE "Job" SET
    "waitMs" = "jobdeck_wait_ms"("createdAt", "runAt", "startedAt"),
    "searchText" = "jobdeck_search_text"("id", "type", "requestedBy", "error", NULL);

-- Text terms are estimated from the search text's statistics: at the default target every term
-- looked like 100 matches, and a common one (16,000 of a million) was fetched whole and sorted
-- instead of read in index order and stopped at the page (see the search bench).
ALTER TABLE "Job" ALTER COLUMN "searchText" SET STATISTICS 1000;
