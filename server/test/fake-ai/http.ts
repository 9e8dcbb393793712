import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FailSpec, ProviderName, RateDecision } from './knobs.ts';

/** Shapes shared by the provider modules and the server. */

export interface SseEvent {
  /** The `event:` field (Anthropic and OpenAI Responses name their events; Chat Completions does not). */
  event?: string;
  data: string;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: SseEvent[] }
  | { kind: 'bytes'; status: number; contentType: string; body: Buffer };

/** A handled API request: the reply plus what the rate limiter counts. */
export interface Handled {
  reply: Reply;
  /** Usage total (input + output tokens) the request is charged in the tokens-per-minute window. */
  tokens: number;
}

export type Body = { [key: string]: unknown };

export interface HandlerContext {
  /** Consumes one `malformedNext`; call only for JSON-mode / tool completions. */
  takeMalformed(): boolean;
  /** Consumes one `plantHtml` answer: the text to append to its HTML fields; call only for JSON / tool completions. */
  takePlant(): string | undefined;
  /** Base URL of the fake (image URLs point back at it). */
  baseUrl: string;
  /** The `embedAs` knob: texts embedded as if they were another text. */
  embedAs: Readonly<Record<string, string>>;
}

export type Handler = (body: Body, ctx: HandlerContext) => Handled;

export interface Provider {
  name: ProviderName;
  /** Header carrying a request id on every answer (the SDKs surface it on errors). */
  requestIdHeader: string;
  route(method: string, path: string): Handler | undefined;
  /** 'missing' and 'bad' both answer 401; the key `bad-key` is bad. */
  authenticate(headers: IncomingHttpHeaders): 'ok' | 'missing' | 'bad';
  /** Error reply for an injected failure, an auth failure or a refused (rate-limited) request. */
  failure(spec: FailSpec): Reply;
  authFailure(result: 'missing' | 'bad', headers: IncomingHttpHeaders): Reply;
  rateLimited(decision: RateDecision, model: string): Reply;
  /** An error delivered inside an already started stream. */
  streamError(spec: FailSpec): SseEvent;
  /** Rate-limit headers the provider sends on every answer while a limit is set. */
  rateLimitHeaders(decision: RateDecision, now: number): Record<string, string>;
  /** A provider-formatted 400 (or 404) for requests the handlers reject. */
  invalid(error: InvalidRequest): Reply;
}

/** Thrown by handlers for requests the real API would reject with 400. */
export class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly status = 400,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export const randomId = (bytes = 12) => randomBytes(bytes).toString('hex');
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  ...(headers && { headers }),
});

export const isObj = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** retry-after (whole seconds, as the APIs send) and retry-after-ms (exact; the SDKs prefer it). */
export function retryAfterHeaders(ms: number | undefined): Record<string, string> {
  if (ms === undefined) return {};
  return { 'retry-after': String(Math.max(0, Math.ceil(ms / 1000))), 'retry-after-ms': String(Math.ceil(ms)) };
}

/** Bearer token of an Authorization header. */
export function bearer(headers: IncomingHttpHeaders): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return m?.[1]?.trim();
}
