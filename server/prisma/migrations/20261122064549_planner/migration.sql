-- CreateEnum
CREATE TYPE "KeywordIntent" AS ENUM ('informational', 'commercial', 'transactional', 'navigational');

-- CreateEnum
CREATE TYPE "KeywordStatus" AS ENUM ('new', 'clustered', 'queued', 'used', 'ignored');

-- CreateEnum
CREATE TYPE "ContentType" AS ENUM ('how_to', 'listicle', 'guide', 'comparison', 'review');

-- CreateEnum
CREATE TYPE "IdeaStatus" AS ENUM ('new', 'approved', 'rejected', 'converted');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('queued', 'writing', 'written', 'review', 'approved', 'publishing', 'published', 'failed');

-- CreateTable
CREATE TABLE "Keyword" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "sectorId" UUID NOT NULL,
    "keyword" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,
    "volume" INTEGER,
    "difficulty" INTEGER,
    "cpc" DOUBLE PRECISION,
    "intent" "KeywordIntent" NOT NULL,
    "intentInferred" BOOLEAN NOT NULL DEFAULT false,
    "status" "KeywordStatus" NOT NULL DEFAULT 'new',
    "source" TEXT NOT NULL,
    "clusterId" UUID,
    "importId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Keyword_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeywordCluster" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "sectorId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "mainKeywordId" UUID,
    "keywordCount" INTEGER NOT NULL DEFAULT 0,
    "totalVolume" INTEGER NOT NULL DEFAULT 0,
    "avgDifficulty" DOUBLE PRECISION,
    "dominantIntent" "KeywordIntent",
    "cannibalizes" JSONB,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeywordCluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeywordImport" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "sectorId" UUID NOT NULL,
    "createdById" UUID,
    "jobRunId" UUID,
    "fileName" TEXT,
    "byteSize" INTEGER NOT NULL DEFAULT 0,
    "encoding" TEXT,
    "format" TEXT,
    "mapping" JSONB,
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "rowsTotal" INTEGER NOT NULL DEFAULT 0,
    "rowsInserted" INTEGER NOT NULL DEFAULT 0,
    "rowsUpdated" INTEGER NOT NULL DEFAULT 0,
    "rowsFailed" INTEGER NOT NULL DEFAULT 0,
    "error" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "KeywordImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeywordImportChunk" (
    "importId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "KeywordImportChunk_pkey" PRIMARY KEY ("importId","seq")
);

-- CreateTable
CREATE TABLE "KeywordImportError" (
    "importId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,

    CONSTRAINT "KeywordImportError_pkey" PRIMARY KEY ("importId","line")
);

-- CreateTable
CREATE TABLE "SitePost" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "wpPostId" INTEGER NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'post',
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "syncedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SitePost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentIdea" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "sectorId" UUID NOT NULL,
    "clusterId" UUID,
    "title" TEXT NOT NULL,
    "angle" TEXT NOT NULL DEFAULT '',
    "contentType" "ContentType" NOT NULL,
    "outline" JSONB NOT NULL DEFAULT '[]',
    "primaryKeyword" TEXT NOT NULL,
    "secondaryKeywords" TEXT[],
    "intent" "KeywordIntent" NOT NULL,
    "targetWordCount" INTEGER NOT NULL,
    "status" "IdeaStatus" NOT NULL DEFAULT 'new',
    "jobRunId" UUID,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentIdea_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "sectorId" UUID NOT NULL,
    "ideaId" UUID,
    "clusterId" UUID,
    "title" TEXT NOT NULL,
    "primaryKeyword" TEXT NOT NULL,
    "secondaryKeywords" TEXT[],
    "outline" JSONB NOT NULL DEFAULT '[]',
    "contentType" "ContentType" NOT NULL DEFAULT 'guide',
    "targetWordCount" INTEGER NOT NULL,
    "language" TEXT,
    "voice" TEXT,
    "status" "TaskStatus" NOT NULL DEFAULT 'queued',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Keyword_siteId_status_idx" ON "Keyword"("siteId", "status");

-- CreateIndex
CREATE INDEX "Keyword_siteId_volume_idx" ON "Keyword"("siteId", "volume");

-- CreateIndex
CREATE INDEX "Keyword_siteId_createdAt_idx" ON "Keyword"("siteId", "createdAt");

-- CreateIndex
CREATE INDEX "Keyword_clusterId_idx" ON "Keyword"("clusterId");

-- CreateIndex
CREATE INDEX "Keyword_accountId_idx" ON "Keyword"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Keyword_sectorId_normalized_key" ON "Keyword"("sectorId", "normalized");

-- CreateIndex
CREATE INDEX "KeywordCluster_siteId_sectorId_idx" ON "KeywordCluster"("siteId", "sectorId");

-- CreateIndex
CREATE INDEX "KeywordCluster_accountId_idx" ON "KeywordCluster"("accountId");

-- CreateIndex
CREATE INDEX "KeywordImport_accountId_createdAt_idx" ON "KeywordImport"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "KeywordImport_siteId_createdAt_idx" ON "KeywordImport"("siteId", "createdAt");

-- CreateIndex
CREATE INDEX "SitePost_accountId_idx" ON "SitePost"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SitePost_siteId_wpPostId_key" ON "SitePost"("siteId", "wpPostId");

-- CreateIndex
CREATE INDEX "ContentIdea_siteId_status_idx" ON "ContentIdea"("siteId", "status");

-- CreateIndex
CREATE INDEX "ContentIdea_clusterId_idx" ON "ContentIdea"("clusterId");

-- CreateIndex
CREATE INDEX "ContentIdea_accountId_idx" ON "ContentIdea"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Task_ideaId_key" ON "Task"("ideaId");

-- CreateIndex
CREATE INDEX "Task_siteId_status_idx" ON "Task"("siteId", "status");

-- CreateIndex
CREATE INDEX "Task_accountId_idx" ON "Task"("accountId");

-- AddForeignKey
ALTER TABLE "Keyword" ADD CONSTRAINT "Keyword_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Keyword" ADD CONSTRAINT "Keyword_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Keyword" ADD CONSTRAINT "Keyword_sectorId_fkey" FOREIGN KEY ("sectorId") REFERENCES "Sector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Keyword" ADD CONSTRAINT "Keyword_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "KeywordCluster"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordCluster" ADD CONSTRAINT "KeywordCluster_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordCluster" ADD CONSTRAINT "KeywordCluster_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordCluster" ADD CONSTRAINT "KeywordCluster_sectorId_fkey" FOREIGN KEY ("sectorId") REFERENCES "Sector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordImport" ADD CONSTRAINT "KeywordImport_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordImport" ADD CONSTRAINT "KeywordImport_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordImport" ADD CONSTRAINT "KeywordImport_sectorId_fkey" FOREIGN KEY ("sectorId") REFERENCES "Sector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordImportChunk" ADD CONSTRAINT "KeywordImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "KeywordImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordImportError" ADD CONSTRAINT "KeywordImportError_importId_fkey" FOREIGN KEY ("importId") REFERENCES "KeywordImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SitePost" ADD CONSTRAINT "SitePost_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentIdea" ADD CONSTRAINT "ContentIdea_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentIdea" ADD CONSTRAINT "ContentIdea_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentIdea" ADD CONSTRAINT "ContentIdea_sectorId_fkey" FOREIGN KEY ("sectorId") REFERENCES "Sector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentIdea" ADD CONSTRAINT "ContentIdea_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "KeywordCluster"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_sectorId_fkey" FOREIGN KEY ("sectorId") REFERENCES "Sector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_ideaId_fkey" FOREIGN KEY ("ideaId") REFERENCES "ContentIdea"("id") ON DELETE SET NULL ON UPDATE CASCADE;
