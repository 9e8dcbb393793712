-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('connected', 'disconnected');

-- CreateEnum
CREATE TYPE "SiteHealth" AS ENUM ('unknown', 'ok', 'unreachable', 'error');

-- CreateTable
CREATE TABLE "ConnectionKey" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "keyHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "siteId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectionKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteConnection" (
    "siteId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'connected',
    "restUrl" TEXT NOT NULL,
    "siteKeyId" TEXT,
    "sitePublicKey" TEXT,
    "serverKeyId" TEXT,
    "serverPublicKey" TEXT,
    "serverPrivateKeyEnc" TEXT,
    "publisherUsername" TEXT,
    "publisherPasswordEnc" TEXT,
    "wpVersion" TEXT,
    "pluginVersion" TEXT,
    "phpVersion" TEXT,
    "health" "SiteHealth" NOT NULL DEFAULT 'unknown',
    "healthDetail" TEXT,
    "healthCheckedAt" TIMESTAMPTZ(3),
    "lastContactAt" TIMESTAMPTZ(3),
    "connectedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SiteConnection_pkey" PRIMARY KEY ("siteId")
);

-- CreateTable
CREATE TABLE "ConnectionNonce" (
    "siteId" UUID NOT NULL,
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ConnectionNonce_pkey" PRIMARY KEY ("siteId","nonce")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConnectionKey_keyHash_key" ON "ConnectionKey"("keyHash");

-- CreateIndex
CREATE INDEX "ConnectionKey_accountId_idx" ON "ConnectionKey"("accountId");

-- CreateIndex
CREATE INDEX "SiteConnection_accountId_idx" ON "SiteConnection"("accountId");

-- CreateIndex
CREATE INDEX "ConnectionNonce_expiresAt_idx" ON "ConnectionNonce"("expiresAt");

-- AddForeignKey
ALTER TABLE "ConnectionKey" ADD CONSTRAINT "ConnectionKey_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteConnection" ADD CONSTRAINT "SiteConnection_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionNonce" ADD CONSTRAINT "ConnectionNonce_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "SiteConnection"("siteId") ON DELETE CASCADE ON UPDATE CASCADE;
