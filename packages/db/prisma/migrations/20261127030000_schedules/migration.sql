-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('low', 'medium', 'high', 'critical');

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "scheduleId" TEXT;

-- CreateTable
CREATE TABLE "JobTemplate" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "type" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "createdBy" TEXT NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobAlert" (
    "id" UUID NOT NULL,
    "jobId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'stuck',
    "severity" "AlertSeverity" NOT NULL,
    "message" TEXT NOT NULL,
    "idleSince" TIMESTAMP(3) NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "JobAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "JobTemplate_name_key" ON "JobTemplate"("name");

-- CreateIndex
CREATE UNIQUE INDEX "JobAlert_jobId_key" ON "JobAlert"("jobId");

-- CreateIndex
CREATE INDEX "JobAlert_resolvedAt_severity_idx" ON "JobAlert"("resolvedAt", "severity");

-- CreateIndex
CREATE INDEX "Job_scheduleId_createdAt_idx" ON "Job"("scheduleId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "JobAlert" ADD CONSTRAINT "JobAlert_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
