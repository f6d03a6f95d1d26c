-- When the reconciler last compared a running record with Temporal: it examines the oldest first.
ALTER TABLE "Job" ADD COLUMN "reconciledAt" TIMESTAMP(3);
CREATE INDEX "Job_reconciledAt_idx" ON "Job"("reconciledAt");
