import type { TAiFunction } from '@igny8/shared';
import { __ } from '@wordpress/i18n';

export type Provider = 'openai' | 'anthropic' | 'openai_compatible';

export interface Credential {
  id: string;
  provider: Provider;
  scope: 'account' | 'global';
  baseUrl: string | null;
  keyLast4: string;
  createdAt: string;
}

export interface PromptVersion {
  version: number;
  template: string;
  reset: boolean;
  createdAt: string;
}

export interface EffectivePrompt {
  function: TAiFunction;
  template: string;
  source: 'account' | 'global' | 'built-in';
  version: number | null;
}

export const PROVIDERS: Array<{ value: Provider; label: string }> = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'openai_compatible', label: __('OpenAI-compatible endpoint (Ollama, OpenRouter, vLLM…)', 'igny8') },
];
export const providerLabel = (p: Provider) =>
  p === 'openai_compatible' ? __('OpenAI-compatible', 'igny8') : p === 'openai' ? 'OpenAI' : 'Anthropic';

export const FUNCTION_LABELS: Record<TAiFunction, string> = {
  auto_cluster: __('Keyword clustering', 'igny8'),
  generate_ideas: __('Content ideas', 'igny8'),
  generate_content: __('Article writing', 'igny8'),
  generate_image_prompts: __('Image prompts', 'igny8'),
  generate_images: __('Images', 'igny8'),
};

export const AI_FUNCTIONS = Object.keys(FUNCTION_LABELS) as TAiFunction[];
