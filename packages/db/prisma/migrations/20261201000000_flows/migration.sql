-- Flows and child jobs (issue 13): a job knows the job that started it as a child (a flow.run job, or a
-- job whose workflow called runChildJob) and, inside a flow, the node it runs. A flow's page and counts
-- read its children by parentId.
ALTER TABLE "Job" ADD COLUMN "parentId" TEXT,
ADD COLUMN "flowNode" TEXT;

CREATE INDEX "Job_parentId_createdAt_idx" ON "Job"("parentId", "createdAt");
