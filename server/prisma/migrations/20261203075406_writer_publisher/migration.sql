-- CreateEnum
CREATE TYPE "ContentVersionSource" AS ENUM ('generated', 'edited', 'section_regenerated', 'restored');

-- CreateEnum
CREATE TYPE "ContentImageRole" AS ENUM ('featured', 'inline');

-- CreateEnum
CREATE TYPE "ContentImageStatus" AS ENUM ('pending', 'generated', 'failed');

-- CreateEnum
CREATE TYPE "PublicationStatus" AS ENUM ('publishing', 'draft', 'scheduled', 'published', 'unpublished', 'failed');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "failureReason" TEXT,
ADD COLUMN     "imageCount" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "includeFaq" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastJobRunId" UUID;

-- CreateTable
CREATE TABLE "Content" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "currentVersion" INTEGER NOT NULL DEFAULT 0,
    "approvedVersion" INTEGER,
    "approvedAt" TIMESTAMPTZ(3),
    "approvedById" UUID,
    "language" TEXT NOT NULL,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Content_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentVersion" (
    "id" UUID NOT NULL,
    "contentId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "source" "ContentVersionSource" NOT NULL,
    "title" TEXT NOT NULL,
    "seoTitle" TEXT NOT NULL,
    "metaDescription" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "excerpt" TEXT NOT NULL,
    "sections" JSONB NOT NULL,
    "faq" JSONB NOT NULL DEFAULT '[]',
    "body" TEXT NOT NULL,
    "wordCount" INTEGER NOT NULL,
    "detectedLanguage" TEXT,
    "languageMatches" BOOLEAN NOT NULL DEFAULT true,
    "jobRunId" UUID,
    "createdById" UUID,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentImage" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "contentId" UUID NOT NULL,
    "role" "ContentImageRole" NOT NULL,
    "position" INTEGER NOT NULL,
    "prompt" TEXT NOT NULL,
    "altText" TEXT NOT NULL,
    "title" TEXT NOT NULL,
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

    CONSTRAINT "ContentImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Publication" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "contentId" UUID NOT NULL,
    "status" "PublicationStatus" NOT NULL DEFAULT 'publishing',
    "requestedStatus" TEXT NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3),
    "categories" TEXT[],
    "tags" TEXT[],
    "postId" INTEGER,
    "wpStatus" TEXT,
    "url" TEXT,
    "publishedVersion" INTEGER,
    "media" JSONB NOT NULL DEFAULT '{}',
    "lastError" TEXT,
    "lastJobRunId" UUID,
    "publishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Content_taskId_key" ON "Content"("taskId");

-- CreateIndex
CREATE INDEX "Content_accountId_idx" ON "Content"("accountId");

-- CreateIndex
CREATE INDEX "Content_siteId_idx" ON "Content"("siteId");

-- CreateIndex
CREATE UNIQUE INDEX "ContentVersion_contentId_number_key" ON "ContentVersion"("contentId", "number");

-- CreateIndex
CREATE INDEX "ContentImage_accountId_idx" ON "ContentImage"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ContentImage_contentId_position_key" ON "ContentImage"("contentId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Publication_contentId_key" ON "Publication"("contentId");

-- CreateIndex
CREATE INDEX "Publication_accountId_idx" ON "Publication"("accountId");

-- CreateIndex
CREATE INDEX "Publication_siteId_status_idx" ON "Publication"("siteId", "status");

-- AddForeignKey
ALTER TABLE "Content" ADD CONSTRAINT "Content_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Content" ADD CONSTRAINT "Content_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Content" ADD CONSTRAINT "Content_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentVersion" ADD CONSTRAINT "ContentVersion_contentId_fkey" FOREIGN KEY ("contentId") REFERENCES "Content"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentImage" ADD CONSTRAINT "ContentImage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentImage" ADD CONSTRAINT "ContentImage_contentId_fkey" FOREIGN KEY ("contentId") REFERENCES "Content"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Publication" ADD CONSTRAINT "Publication_contentId_fkey" FOREIGN KEY ("contentId") REFERENCES "Content"("id") ON DELETE CASCADE ON UPDATE CASCADE;
