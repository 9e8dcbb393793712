-- DropIndex
DROP INDEX "Keyword_siteId_createdAt_idx";

-- DropIndex
DROP INDEX "Keyword_siteId_volume_idx";

-- CreateIndex
CREATE INDEX "Keyword_siteId_volume_id_idx" ON "Keyword"("siteId", "volume", "id");

-- CreateIndex
CREATE INDEX "Keyword_siteId_difficulty_id_idx" ON "Keyword"("siteId", "difficulty", "id");

-- CreateIndex
CREATE INDEX "Keyword_siteId_normalized_id_idx" ON "Keyword"("siteId", "normalized", "id");

-- CreateIndex
CREATE INDEX "Keyword_siteId_createdAt_id_idx" ON "Keyword"("siteId", "createdAt", "id");
