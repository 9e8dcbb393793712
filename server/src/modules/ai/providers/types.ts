import type { AiProvider } from '../../../generated/prisma/client.ts';
import type { OutboundOptions } from '../../../lib/outbound.ts';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface TextRequest {
  model: string;
  system: string;
  prompt: string;
  maxOutputTokens: number;
  /** Structured output: the answer must be JSON valid against this JSON Schema. */
  json?: { name: string; schema: Record<string, unknown> };
  temperature?: number;
  signal?: AbortSignal;
}

export interface TextResult {
  /** The text, or the JSON text of a structured answer. */
  text: string;
  usage: TokenUsage;
  /** Why generation stopped, normalized: "stop", "length", or the provider's word. */
  finishReason: string;
}

export interface ImageRequest {
  model: string;
  prompt: string;
  size: '1024x1024' | '1536x1024' | '1024x1536';
  signal?: AbortSignal;
}

export interface ImageResult {
  png: Buffer;
  usage: { images: number } & Partial<TokenUsage>;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  signal?: AbortSignal;
}

export interface EmbeddingResult {
  vectors: number[][];
  usage: { inputTokens: number };
}

/** One provider behind the official SDK. Calls make exactly one HTTP attempt; retries belong to the engine. */
export interface ProviderClient {
  readonly provider: AiProvider;
  text(request: TextRequest): Promise<TextResult>;
  image(request: ImageRequest): Promise<ImageResult>;
  embed(request: EmbeddingRequest): Promise<EmbeddingResult>;
}

export interface ProviderClientOptions {
  apiKey: string;
  baseUrl?: string | null;
  timeoutMs?: number;
  /**
   * Which addresses the provider's host may resolve to: every request goes through the outbound guard (DNS vetted and
   * pinned, redirects vetted). The credential decides (see credentials-service.ts).
   */
  outbound: OutboundOptions;
}
