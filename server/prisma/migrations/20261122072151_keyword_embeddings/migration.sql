-- CreateTable
CREATE TABLE "KeywordEmbedding" (
    "accountId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,
    "vector" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeywordEmbedding_pkey" PRIMARY KEY ("accountId","model","normalized")
);

-- AddForeignKey
ALTER TABLE "KeywordEmbedding" ADD CONSTRAINT "KeywordEmbedding_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
