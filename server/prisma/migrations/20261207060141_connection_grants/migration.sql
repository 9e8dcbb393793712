-- AlterTable
ALTER TABLE "ConnectionKey" ADD COLUMN     "boundSiteUrl" TEXT,
ADD COLUMN     "sectorLanguage" TEXT,
ADD COLUMN     "sectorName" TEXT,
ADD COLUMN     "stateHash" TEXT;
