import path from 'node:path';
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from '../lib/encryption.ts';
import { createCredentialsService, providerUrlPolicy } from '../modules/ai/credentials-service.ts';
import { createModelRegistry } from '../modules/ai/registry-service.ts';
import { createBillingService } from '../modules/billing/service.ts';
import { createAiEngine } from './engine.ts';
import type { AiJobDeps } from './jobs.ts';
import { createPromptService } from './prompts/service.ts';
import { createRateLimiter } from './rate-limiter.ts';

/** The AI engine wired from configuration (the API estimates with it, workers run with it). */
export function aiEngineFor(config: Config, prisma: PrismaClient, box: SecretBox) {
  return createAiEngine({
    prisma,
    registry: createModelRegistry({ prisma }),
    credentials: createCredentialsService({
      prisma,
      box,
      urlPolicy: providerUrlPolicy(config),
      demoBaseUrl: config.AI_DEMO_BASE_URL,
    }),
    prompts: createPromptService({ prisma }),
    limiter: createRateLimiter(prisma),
    pricing: { creditsPerUsd: config.CREDITS_PER_USD, markup: config.CREDIT_MARKUP },
  });
}

export function aiJobDepsFor(config: Config, prisma: PrismaClient, box: SecretBox): AiJobDeps {
  return {
    engine: aiEngineFor(config, prisma, box),
    billing: createBillingService({ prisma }),
    prisma,
    mediaDir: path.join(config.dataDir, 'media'),
  };
}
