import { OutboundUrlError } from '../../lib/outbound.ts';

/**
 * Every way a provider call can fail, in the product's terms. The retry policy and the user's message follow from
 * the kind; a provider's raw body never reaches the user.
 */
export type AiErrorKind =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'auth'
  | 'invalid_request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed_output'
  /** The provider's address resolves where the server may not call (the outbound guard refused it). */
  | 'forbidden_address'
  | 'cancelled';

const RETRYABLE: ReadonlySet<AiErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'network']);

export class AiError extends Error {
  constructor(
    readonly kind: AiErrorKind,
    message: string,
    readonly provider: string,
    /** Server-requested wait before retrying (retry-after), in ms. */
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AiError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'the OpenAI-compatible endpoint',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** retry-after-ms, else retry-after (seconds or an HTTP date), in ms. */
export function retryAfterMs(headers: Headers | Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]) ?? undefined;
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface SdkErrorShape {
  name?: string;
  status?: number;
  headers?: Headers;
  code?: string | null;
  type?: string;
  error?: { type?: string; error?: { type?: string } } & Record<string, unknown>;
  message?: string;
}

/** Maps an OpenAI or Anthropic SDK error (they share the shape) to an AiError with a clear message. */
export function classifySdkError(error: unknown, provider: string, signal?: AbortSignal): AiError {
  if (error instanceof AiError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = providerName(provider);
  const className = (error as object | null)?.constructor?.name;
  if (
    signal?.aborted ||
    className === 'APIUserAbortError' ||
    e.name === 'APIUserAbortError' ||
    e.name === 'AbortError'
  ) {
    return new AiError('cancelled', 'The AI request was cancelled.', provider);
  }
  if (e.name === 'APIConnectionTimeoutError')
    return new AiError('timeout', `${name} did not answer in time.`, provider);
  if (className === 'APIConnectionError' || e.name === 'APIConnectionError') {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof OutboundUrlError) return fromOutbound(cause, provider);
    return new AiError('network', `Could not reach ${name}.`, provider);
  }
  // A 200 whose JSON cannot be parsed (the SDKs call response.json() on it).
  if (error instanceof SyntaxError) {
    return new AiError(
      'malformed_output',
      `${name} answered with JSON that cannot be read. Try again later.`,
      provider,
    );
  }
  const status = e.status;
  const detailType = e.code ?? e.type ?? e.error?.error?.type ?? e.error?.type;
  if (status === 429) {
    if (detailType === 'insufficient_quota' || detailType === 'billing_error') {
      return new AiError(
        'quota_exhausted',
        `${name} says the API key's quota or credit is used up. Top it up with ${name}, or use another key.`,
        provider,
        undefined,
        status,
      );
    }
    return new AiError('rate_limited', `${name} is rate limiting requests.`, provider, retryAfterMs(e.headers), status);
  }
  if (status === 401 || status === 403) {
    return new AiError(
      'auth',
      `${name} refused the API key (HTTP ${status}). Check the key in AI settings > Provider keys in the app.`,
      provider,
      undefined,
      status,
    );
  }
  // Anthropic reports an exhausted prepaid balance as a 400 "credit balance is too low".
  const text = `${e.message ?? ''} ${JSON.stringify(e.error ?? {})}`;
  if (status === 400 && /credit balance/i.test(text)) {
    return new AiError(
      'quota_exhausted',
      `${name} says the account's credit is used up. Top it up with ${name}, or use another key.`,
      provider,
      undefined,
      status,
    );
  }
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return new AiError(
      'invalid_request',
      `${name} rejected the request (HTTP ${status}); the model or its settings may be wrong.`,
      provider,
      undefined,
      status,
    );
  }
  if (status !== undefined && status >= 500) {
    return new AiError(
      'server',
      `${name} had an internal error (HTTP ${status}).`,
      provider,
      retryAfterMs(e.headers),
      status,
    );
  }
  return new AiError('network', `The call to ${name} failed.`, provider, undefined, status);
}

/** The outbound guard's verdict on the provider's address, in the product's words. */
function fromOutbound(error: OutboundUrlError, provider: string): AiError {
  const name = providerName(provider);
  switch (error.code) {
    case 'URL_FORBIDDEN_ADDRESS':
    case 'URL_INVALID':
      return new AiError(
        'forbidden_address',
        `The address of ${name} cannot be used: ${error.message} Change the key's base URL in AI settings > Provider keys in the app.`,
        provider,
      );
    case 'URL_TIMEOUT':
      return new AiError('timeout', `${name} did not answer in time.`, provider);
    case 'RESPONSE_TOO_LARGE':
      return new AiError('malformed_output', `${name} sent an answer larger than the server reads.`, provider);
    default:
      return new AiError('network', `Could not reach ${name}: ${error.message}`, provider);
  }
}
