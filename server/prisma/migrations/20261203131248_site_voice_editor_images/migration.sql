-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "voice" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "EditorImage" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "wpPostId" INTEGER,
    "prompt" TEXT NOT NULL,
    "altText" TEXT NOT NULL,
    "status" "ContentImageStatus" NOT NULL DEFAULT 'pending',
    "storage" TEXT,
    "storageKey" TEXT,
    "mimeType" TEXT,
    "bytes" INTEGER,
    "width" INTEGER,
    "height" INTEGER,
    "error" TEXT,
    "jobRunId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EditorImage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EditorImage_accountId_idx" ON "EditorImage"("accountId");

-- CreateIndex
CREATE INDEX "EditorImage_siteId_createdAt_idx" ON "EditorImage"("siteId", "createdAt");

-- AddForeignKey
ALTER TABLE "EditorImage" ADD CONSTRAINT "EditorImage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EditorImage" ADD CONSTRAINT "EditorImage_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;
