-- CreateEnum
CREATE TYPE "AiProvider" AS ENUM ('openai', 'anthropic', 'openai_compatible');

-- CreateEnum
CREATE TYPE "AiModelKind" AS ENUM ('text', 'image', 'embedding');

-- CreateEnum
CREATE TYPE "AiFunction" AS ENUM ('auto_cluster', 'generate_ideas', 'generate_content', 'generate_image_prompts', 'generate_images');

-- CreateTable
CREATE TABLE "AiModel" (
    "id" UUID NOT NULL,
    "provider" "AiProvider" NOT NULL,
    "modelId" TEXT NOT NULL,
    "kind" "AiModelKind" NOT NULL,
    "displayName" TEXT NOT NULL,
    "inputMicrosPerMTokens" INTEGER NOT NULL DEFAULT 0,
    "outputMicrosPerMTokens" INTEGER NOT NULL DEFAULT 0,
    "imageMicros" INTEGER NOT NULL DEFAULT 0,
    "contextWindow" INTEGER NOT NULL DEFAULT 0,
    "maxOutputTokens" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AiModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AiFunctionDefault" (
    "function" "AiFunction" NOT NULL,
    "modelId" UUID NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AiFunctionDefault_pkey" PRIMARY KEY ("function")
);

-- CreateTable
CREATE TABLE "ProviderCredential" (
    "id" UUID NOT NULL,
    "accountId" UUID,
    "provider" "AiProvider" NOT NULL,
    "baseUrl" TEXT,
    "keyEnc" TEXT NOT NULL,
    "keyLast4" TEXT NOT NULL,
    "requestsPerMinute" INTEGER,
    "tokensPerMinute" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderRateWindow" (
    "credentialId" UUID NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "tokens" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ProviderRateWindow_pkey" PRIMARY KEY ("credentialId","windowStart")
);

-- CreateTable
CREATE TABLE "Prompt" (
    "id" UUID NOT NULL,
    "accountId" UUID,
    "function" "AiFunction" NOT NULL,
    "version" INTEGER NOT NULL,
    "template" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Prompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AiCall" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "siteId" UUID,
    "jobRunId" UUID,
    "function" "AiFunction" NOT NULL,
    "provider" "AiProvider" NOT NULL,
    "model" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "images" INTEGER NOT NULL DEFAULT 0,
    "costMicros" INTEGER NOT NULL DEFAULT 0,
    "latencyMs" INTEGER NOT NULL DEFAULT 0,
    "errorCode" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AiCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AiModel_provider_modelId_key" ON "AiModel"("provider", "modelId");

-- CreateIndex
CREATE INDEX "ProviderCredential_accountId_provider_idx" ON "ProviderCredential"("accountId", "provider");

-- CreateIndex
CREATE INDEX "Prompt_function_accountId_idx" ON "Prompt"("function", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_accountId_function_version_key" ON "Prompt"("accountId", "function", "version");

-- CreateIndex
CREATE INDEX "AiCall_accountId_createdAt_idx" ON "AiCall"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "AiCall_jobRunId_idx" ON "AiCall"("jobRunId");

-- AddForeignKey
ALTER TABLE "AiFunctionDefault" ADD CONSTRAINT "AiFunctionDefault_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "AiModel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
