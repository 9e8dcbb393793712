-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "lowBalanceThreshold" INTEGER;
