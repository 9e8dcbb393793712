import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

export const AI_PROVIDERS = ['openai', 'anthropic', 'openai_compatible'] as const;
export const ZAiProvider = z.enum(AI_PROVIDERS);
export const ZAiModelKind = z.enum(['text', 'image', 'embedding']);
export const AI_FUNCTIONS = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'generate_images',
] as const;
export const ZAiFunction = z.enum(AI_FUNCTIONS);
export type TAiFunction = z.infer<typeof ZAiFunction>;

/** Prices in USD per 1M tokens / per image (decimals, e.g. 0.4); stored internally in millionths of a dollar. */
export const ZAiModelBody = z.strictObject({
  provider: ZAiProvider,
  modelId: z.string().trim().min(1).max(120),
  kind: ZAiModelKind,
  displayName: z.string().trim().min(1).max(120),
  inputPerMTokensUsd: z.number().min(0).max(10_000).default(0),
  outputPerMTokensUsd: z.number().min(0).max(10_000).default(0),
  perImageUsd: z.number().min(0).max(100).default(0),
  contextWindow: z.number().int().min(0).max(100_000_000).default(0),
  maxOutputTokens: z.number().int().min(0).max(10_000_000).default(0),
  active: z.boolean().default(true),
});
export const ZAiModelPatch = ZAiModelBody.omit({ provider: true, modelId: true, kind: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });

export const ZAiModel = z.object({
  id: z.uuid(),
  provider: ZAiProvider,
  modelId: z.string(),
  kind: ZAiModelKind,
  displayName: z.string(),
  inputPerMTokensUsd: z.number(),
  outputPerMTokensUsd: z.number(),
  perImageUsd: z.number(),
  contextWindow: z.number().int(),
  maxOutputTokens: z.number().int(),
  active: z.boolean(),
  defaultFor: z.array(ZAiFunction),
});
export type TAiModel = z.infer<typeof ZAiModel>;

export const ZAiModelParams = z.object({ modelId: z.uuid({ message: 'must be a model id (UUID)' }) });
export const ZAiFunctionParams = z.object({ function: ZAiFunction });
export const ZSetDefaultModelBody = z.strictObject({ modelId: z.uuid() });

export const ZCreateCredentialBody = z.strictObject({
  provider: ZAiProvider,
  apiKey: z.string().trim().min(8).max(500),
  /** Required for openai_compatible (Ollama, OpenRouter, vLLM); not allowed otherwise. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  tokensPerMinute: z.number().int().min(1).max(1_000_000_000).optional(),
  /** Operators only: a key for every account without its own. */
  global: z.boolean().default(false),
});

export const ZProviderCredential = z.object({
  id: z.uuid(),
  provider: ZAiProvider,
  scope: z.enum(['account', 'global']),
  baseUrl: z.string().nullable(),
  /** Only the last 4 characters are ever returned. */
  keyLast4: z.string(),
  requestsPerMinute: z.number().int().nullable(),
  tokensPerMinute: z.number().int().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export const ZCredentialParams = z.object({ credentialId: z.uuid({ message: 'must be a credential id (UUID)' }) });

export const ZEffectivePrompt = z.object({
  function: ZAiFunction,
  template: z.string(),
  source: z.enum(['account', 'global', 'built-in']),
  version: z.number().int().nullable(),
});
export const ZPromptVersion = z.object({
  version: z.number().int(),
  template: z.string(),
  reset: z.boolean(),
  createdAt: z.string(),
});
export const ZSavePromptBody = z.strictObject({
  function: ZAiFunction,
  template: z.string().min(1).max(20_000),
  /** Operators only: the default for every account without its own. */
  global: z.boolean().default(false),
});
export const ZPromptVersionsQuery = z.object({
  function: ZAiFunction,
  scope: z.enum(['account', 'global']).default('account'),
});

/** Starts one AI function as a job (202). Send an Idempotency-Key header to make retries of this call safe. */
export const ZStartAiRunBody = z.strictObject({
  function: ZAiFunction,
  input: z.record(z.string(), z.unknown()),
  siteId: z.uuid().optional(),
  sectorId: z.uuid().optional(),
});
export type TStartAiRunBody = z.infer<typeof ZStartAiRunBody>;

export const ZAiRunAccepted = z.object({
  jobId: z.uuid(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  pollUrl: z.string(),
  /** Credits set aside for the run; what it does not use is given back. */
  heldCredits: z.number().int(),
  model: z.string(),
});

/** One provider request (each attempt is one record); no prompt or output text is kept. */
export const ZAiCall = z.object({
  id: z.uuid(),
  jobId: z.uuid().nullable(),
  siteId: z.uuid().nullable(),
  function: ZAiFunction,
  provider: ZAiProvider,
  model: z.string(),
  attempt: z.number().int(),
  status: z.enum(['ok', 'error']),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  images: z.number().int(),
  /** The provider's price for this call in US dollars (before our markup). */
  costUsd: z.number(),
  latencyMs: z.number().int(),
  /** The error kind when status is error: rate_limited, quota_exhausted, timeout, cancelled, ... */
  errorCode: z.string().nullable(),
  createdAt: z.string(),
});
export type TAiCall = z.infer<typeof ZAiCall>;
export const ZAiCallsQuery = ZPageQuery.extend({
  jobId: z.uuid({ message: 'must be a job id (UUID)' }).optional(),
  function: ZAiFunction.optional(),
});

/** The answer of a provider key's test: one one-token call through the provider's SDK. */
export const ZCredentialTestResult = z.object({
  ok: z.boolean(),
  provider: ZAiProvider,
  /** The model the test called. */
  model: z.string(),
  latencyMs: z.number().int(),
  /** What happened, in the product's words (what to do when it failed). */
  message: z.string(),
  /** When it failed: rate_limited, quota_exhausted, auth, forbidden_address, ... */
  errorKind: z.string().nullable(),
});
export type TCredentialTestResult = z.infer<typeof ZCredentialTestResult>;

export const ZAiModelRef = z.object({
  id: z.uuid(),
  provider: ZAiProvider,
  modelId: z.string(),
  displayName: z.string(),
});
export type TAiModelRef = z.infer<typeof ZAiModelRef>;

/** The model an AI function runs on for this account: its own choice, else the operator's default. */
export const ZAccountModelChoice = z.object({
  function: ZAiFunction,
  kind: ZAiModelKind,
  /** The operator's default (null when none is set). */
  defaultModel: ZAiModelRef.nullable(),
  /** The account's choice (null: the default applies). */
  chosenModel: ZAiModelRef.nullable(),
  /** What runs use: the choice, else the default. */
  effectiveModel: ZAiModelRef.nullable(),
});
export type TAccountModelChoice = z.infer<typeof ZAccountModelChoice>;
/** modelId null: back to the operator's default. */
export const ZSetAccountModelBody = z.strictObject({
  function: ZAiFunction,
  modelId: z.uuid({ message: 'must be a model id (UUID)' }).nullable(),
});

const ZPromptRef = z.union([
  z.enum(['default', 'previous', 'current']),
  z.coerce.number().int().min(1, { message: 'must be a version number, "default", "previous" or "current"' }),
]);
/**
 * Two prompts to compare for one function: versions by number, "default" (what applies without the account's
 * override), "current" (what runs use now) or, for `from`, "previous" (the version before `to`).
 */
export const ZPromptDiffQuery = z.object({
  function: ZAiFunction,
  from: ZPromptRef.default('default'),
  to: ZPromptRef.default('current'),
});
export const ZPromptDiffSide = z.object({
  /** The version number, or null for the default. */
  version: z.number().int().nullable(),
  label: z.string(),
  template: z.string(),
});
export const ZPromptDiff = z.object({
  function: ZAiFunction,
  from: ZPromptDiffSide,
  to: ZPromptDiffSide,
  /** Line by line, in order: what `to` adds to `from`, removes from it, or keeps. */
  parts: z.array(z.object({ kind: z.enum(['added', 'removed', 'same']), text: z.string() })),
  added: z.number().int(),
  removed: z.number().int(),
});
export type TPromptDiff = z.infer<typeof ZPromptDiff>;
