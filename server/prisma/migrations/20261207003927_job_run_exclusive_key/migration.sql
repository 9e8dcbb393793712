-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "exclusiveKey" TEXT;

-- CreateIndex
CREATE INDEX "JobRun_accountId_exclusiveKey_idx" ON "JobRun"("accountId", "exclusiveKey");
