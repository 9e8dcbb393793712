-- CreateEnum
CREATE TYPE "AutomationRunStatus" AS ENUM ('queued', 'running', 'pausing', 'paused', 'cancelling', 'ended');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "automationRunId" UUID;

-- CreateTable
CREATE TABLE "AutomationSettings" (
    "siteId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "settings" JSONB NOT NULL,
    "scheduleEnabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AutomationSettings_pkey" PRIMARY KEY ("siteId")
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "AutomationRunStatus" NOT NULL DEFAULT 'queued',
    "stopReason" TEXT,
    "stopDetail" TEXT,
    "settings" JSONB NOT NULL,
    "stageIndex" INTEGER NOT NULL DEFAULT 0,
    "stages" JSONB NOT NULL DEFAULT '[]',
    "itemsProcessed" INTEGER NOT NULL DEFAULT 0,
    "creditsHeld" INTEGER NOT NULL DEFAULT 0,
    "creditsUsed" INTEGER NOT NULL DEFAULT 0,
    "jobRunId" UUID,
    "drivers" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AutomationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationItem" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "subjectId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "jobRunId" UUID,
    "heldCredits" INTEGER NOT NULL DEFAULT 0,
    "credits" INTEGER NOT NULL DEFAULT 0,
    "inCount" INTEGER NOT NULL DEFAULT 1,
    "outCount" INTEGER NOT NULL DEFAULT 0,
    "error" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AutomationItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AutomationSettings_accountId_idx" ON "AutomationSettings"("accountId");

-- CreateIndex
CREATE INDEX "AutomationRun_siteId_createdAt_idx" ON "AutomationRun"("siteId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationRun_accountId_createdAt_idx" ON "AutomationRun"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationItem_siteId_createdAt_idx" ON "AutomationItem"("siteId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationItem_runId_stage_subjectId_key" ON "AutomationItem"("runId", "stage", "subjectId");

-- CreateIndex
CREATE INDEX "Task_siteId_automationRunId_status_idx" ON "Task"("siteId", "automationRunId", "status");

-- AddForeignKey
ALTER TABLE "AutomationSettings" ADD CONSTRAINT "AutomationSettings_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationItem" ADD CONSTRAINT "AutomationItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "AutomationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one run per site that has not ended (Prisma cannot express a partial unique index).
CREATE UNIQUE INDEX "AutomationRun_one_active_per_site" ON "AutomationRun"("siteId") WHERE "status" <> 'ended';
