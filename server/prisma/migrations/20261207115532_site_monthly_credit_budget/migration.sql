-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "monthlyCreditBudget" INTEGER;
