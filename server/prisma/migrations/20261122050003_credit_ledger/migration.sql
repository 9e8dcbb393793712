-- CreateEnum
CREATE TYPE "CreditEntryKind" AS ENUM ('grant', 'purchase', 'hold', 'capture', 'release', 'refund', 'adjustment');

-- CreateEnum
CREATE TYPE "CreditHoldStatus" AS ENUM ('open', 'settled');

-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "requestHash" TEXT;

-- CreateTable
CREATE TABLE "CreditLedgerEntry" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "kind" "CreditEntryKind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "holdId" UUID,
    "operation" TEXT,
    "siteId" UUID,
    "jobRunId" UUID,
    "model" TEXT,
    "usage" JSONB,
    "note" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditHold" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "status" "CreditHoldStatus" NOT NULL DEFAULT 'open',
    "captured" INTEGER NOT NULL DEFAULT 0,
    "operation" TEXT NOT NULL,
    "siteId" UUID,
    "jobRunId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMPTZ(3),

    CONSTRAINT "CreditHold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CreditLedgerEntry_accountId_createdAt_idx" ON "CreditLedgerEntry"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "CreditLedgerEntry_holdId_idx" ON "CreditLedgerEntry"("holdId");

-- CreateIndex
CREATE UNIQUE INDEX "CreditHold_jobRunId_key" ON "CreditHold"("jobRunId");

-- CreateIndex
CREATE INDEX "CreditHold_accountId_status_idx" ON "CreditHold"("accountId", "status");

-- AddForeignKey
ALTER TABLE "CreditLedgerEntry" ADD CONSTRAINT "CreditLedgerEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditLedgerEntry" ADD CONSTRAINT "CreditLedgerEntry_holdId_fkey" FOREIGN KEY ("holdId") REFERENCES "CreditHold"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
