-- CreateTable
CREATE TABLE "AccountAiModel" (
    "accountId" UUID NOT NULL,
    "function" "AiFunction" NOT NULL,
    "modelId" UUID NOT NULL,
    "updatedById" UUID,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AccountAiModel_pkey" PRIMARY KEY ("accountId","function")
);

-- CreateIndex
CREATE INDEX "AccountAiModel_modelId_idx" ON "AccountAiModel"("modelId");

-- AddForeignKey
ALTER TABLE "AccountAiModel" ADD CONSTRAINT "AccountAiModel_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountAiModel" ADD CONSTRAINT "AccountAiModel_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "AiModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
