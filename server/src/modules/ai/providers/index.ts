import type { AiProvider } from '../../../generated/prisma/client.ts';
import { createAnthropicClient } from './anthropic.ts';
import { createOpenAiClient } from './openai.ts';
import type { ProviderClient, ProviderClientOptions } from './types.ts';

export function createProviderClient(provider: AiProvider, options: ProviderClientOptions): ProviderClient {
  switch (provider) {
    case 'openai':
      return createOpenAiClient(options, 'openai');
    case 'openai_compatible':
      return createOpenAiClient(options, 'openai_compatible');
    case 'anthropic':
      return createAnthropicClient(options);
  }
}

export type { ProviderClient } from './types.ts';
