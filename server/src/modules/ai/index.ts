import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import type { BillingService } from '../billing/service.ts';
import { createAiCallsService } from './calls-service.ts';
import { createCredentialsService, providerUrlPolicy } from './credentials-service.ts';
import { createAiEngine } from './engine.ts';
import { createModelChoicesService } from './model-choices-service.ts';
import { createPromptService } from './prompts/service.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createModelRegistry } from './registry-service.ts';
import { createAiRunsService } from './runs-service.ts';

export { aiJobs } from './jobs.ts';

export interface AiServicesDeps {
  config: Pick<
    Config,
    'ALLOW_PRIVATE_SITE_URLS' | 'ALLOW_PRIVATE_PROVIDER_URLS' | 'AI_DEMO_BASE_URL' | 'CREDITS_PER_USD' | 'CREDIT_MARKUP'
  >;
  prisma: PrismaClient;
  /** Seals provider keys at rest. */
  box: SecretBox;
  billing: BillingService;
  queue: JobQueue;
}

/**
 * The AI module's services: the model registry, provider credentials, prompts, the engine that runs them (behind
 * the shared rate limiter), runs (which start paid work: hold and enqueue) and the provider-call log.
 */
export function createAiServices(deps: AiServicesDeps) {
  const { config, prisma } = deps;
  const modelRegistry = createModelRegistry({ prisma });
  const credentials = createCredentialsService({
    prisma,
    box: deps.box,
    urlPolicy: providerUrlPolicy(config),
    demoBaseUrl: config.AI_DEMO_BASE_URL,
  });
  const prompts = createPromptService({ prisma });
  const engine = createAiEngine({
    prisma,
    registry: modelRegistry,
    credentials,
    prompts,
    limiter: createRateLimiter(prisma),
    pricing: { creditsPerUsd: config.CREDITS_PER_USD, markup: config.CREDIT_MARKUP },
  });
  const runs = createAiRunsService({ prisma, engine, billing: deps.billing, queue: deps.queue });
  const calls = createAiCallsService({ prisma });
  const modelChoices = createModelChoicesService({ prisma });
  return { engine, runs, prompts, modelRegistry, credentials, calls, modelChoices };
}

export type AiServices = ReturnType<typeof createAiServices>;
