-- DropForeignKey
ALTER TABLE "Keyword" DROP CONSTRAINT "Keyword_accountId_fkey";

-- DropForeignKey
ALTER TABLE "Keyword" DROP CONSTRAINT "Keyword_siteId_fkey";

-- DropIndex
DROP INDEX "Keyword_accountId_idx";
