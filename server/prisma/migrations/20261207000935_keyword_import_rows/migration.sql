-- CreateTable
CREATE TABLE "KeywordImportRow" (
    "importId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "keyword" TEXT,
    "normalized" TEXT,
    "volume" INTEGER,
    "difficulty" INTEGER,
    "cpc" DOUBLE PRECISION,
    "intent" TEXT,
    "inferred" BOOLEAN,
    "reason" TEXT,
    "raw" TEXT,

    CONSTRAINT "KeywordImportRow_pkey" PRIMARY KEY ("importId","line")
);

-- AddForeignKey
ALTER TABLE "KeywordImportRow" ADD CONSTRAINT "KeywordImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "KeywordImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
