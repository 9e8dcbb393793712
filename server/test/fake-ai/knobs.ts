import { parseBrokenSpecs, type BrokenSpec } from './broken.ts';

/**
 * Knobs: the fake's failure and pacing controls (latency, injected errors, malformed output, slow streams, real
 * sliding-window rate limits), settable in-process, over HTTP (`POST /__knobs`) and from the environment.
 */

export type ProviderName = 'openai' | 'anthropic';

export type FailKind = 'rate_limit' | 'quota' | 'overloaded' | 'server' | 'disconnect';

/** One injected failure, consumed by the first request it matches. */
export interface FailSpec {
  /**
   * HTTP status. Defaults by kind: rate_limit and quota 429 (Anthropic quota: 400, its "credit balance is too low"),
   * overloaded 529 (Anthropic) / 503 (OpenAI), server 500. Any other status gets the provider's error for it.
   */
  status?: number;
  /** Which error body to send; defaults from the status (429 -> rate_limit, 529 -> overloaded, 5xx -> server). */
  kind?: FailKind;
  /** Seconds; sends `retry-after` (seconds, rounded up) and `retry-after-ms` as the real APIs do. */
  retryAfter?: number;
  /** Overrides the error message. */
  message?: string;
  /** Only requests to this provider match. */
  provider?: ProviderName;
  /** Only requests to this exact path match, e.g. '/v1/chat/completions'. */
  path?: string;
  /**
   * Fail a streaming request after half its events (Anthropic `event: error`, OpenAI `data: {"error":...}`, or a
   * dropped connection for kind 'disconnect'). Only streaming requests match such a spec.
   */
  midStream?: boolean;
}

export interface RateLimit {
  requestsPerMinute?: number;
  /** Counted per request as the usage total it is answered with (input + output tokens). */
  tokensPerMinute?: number;
}

export interface Knobs {
  /** Delay before answering any API request (time to first byte for streams). */
  latencyMs: number;
  /** Delay between stream events. */
  streamChunkDelayMs: number;
  /** Failures to inject, in order; each request consumes the first one it matches. */
  failNext: FailSpec[];
  /** The next n JSON-mode / structured-output / tool-call completions come back syntactically broken. */
  malformedNext: number;
  /** 200 answers in the wrong shape (no choices, empty content, wrong types, an HTML page), in order (broken.ts). */
  brokenNext: BrokenSpec[];
  /** Sliding 60 s windows, one per provider; null for none. */
  rateLimit: RateLimit | null;
  /**
   * Appends `text` to every string field whose name contains "html" in the next `count` JSON / tool answers (both
   * providers): plants markup (an XSS corpus, say) where a model's HTML goes. null for none.
   */
  plantHtml: PlantHtml | null;
  /**
   * Embeddings: each key text is embedded as if it were its value text (same vector), so a test can make two texts
   * that share no word mean the same thing, as a real model would ("ynab" and "budgeting app"). null for none.
   */
  embedAs: Record<string, string> | null;
}

export interface PlantHtml {
  text: string;
  /** How many more JSON / tool answers get it. */
  count: number;
}

export const defaultKnobs = (): Knobs => ({
  latencyMs: 0,
  streamChunkDelayMs: 0,
  failNext: [],
  malformedNext: 0,
  brokenNext: [],
  rateLimit: null,
  plantHtml: null,
  embedAs: null,
});

const FAIL_KINDS: readonly FailKind[] = ['rate_limit', 'quota', 'overloaded', 'server', 'disconnect'];

/** Validates knobs from an untrusted source (HTTP body), so a typo fails loudly instead of being ignored. */
export function parseKnobs(input: unknown): Partial<Knobs> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('knobs must be an object');
  const out: Partial<Knobs> = {};
  const nonNegative = (key: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${key} must be a number >= 0`);
    return v;
  };
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
      case 'streamChunkDelayMs':
      case 'malformedNext':
        out[key] = nonNegative(key, value);
        break;
      case 'rateLimit':
        if (value === null) out.rateLimit = null;
        else if (typeof value === 'object' && !Array.isArray(value)) {
          const r: RateLimit = {};
          for (const [k, v] of Object.entries(value as object)) {
            if (k !== 'requestsPerMinute' && k !== 'tokensPerMinute') throw new Error(`unknown rateLimit key ${k}`);
            if (v !== undefined && v !== null) r[k] = nonNegative(`rateLimit.${k}`, v);
          }
          out.rateLimit = r;
        } else throw new Error('rateLimit must be an object or null');
        break;
      case 'plantHtml':
        if (value === null) out.plantHtml = null;
        else if (typeof value === 'object' && !Array.isArray(value)) {
          const v = value as Record<string, unknown>;
          for (const k of Object.keys(v))
            if (k !== 'text' && k !== 'count') throw new Error(`unknown plantHtml key ${k}`);
          if (typeof v.text !== 'string' || v.text === '') throw new Error('plantHtml.text must be a non-empty string');
          if (!Number.isInteger(v.count) || (v.count as number) < 0)
            throw new Error('plantHtml.count must be a whole number >= 0');
          out.plantHtml = { text: v.text, count: v.count as number };
        } else throw new Error('plantHtml must be { text, count } or null');
        break;
      case 'embedAs':
        if (value === null) out.embedAs = null;
        else if (typeof value === 'object' && !Array.isArray(value)) {
          const map: Record<string, string> = {};
          for (const [k, v] of Object.entries(value as object)) {
            if (typeof v !== 'string' || v === '') throw new Error(`embedAs.${k} must be a non-empty string`);
            map[k] = v;
          }
          out.embedAs = map;
        } else throw new Error('embedAs must be an object of text -> text, or null');
        break;
      case 'brokenNext':
        out.brokenNext = parseBrokenSpecs(value);
        break;
      case 'failNext':
        if (!Array.isArray(value)) throw new Error('failNext must be an array');
        out.failNext = value.map((spec, i) => {
          if (typeof spec !== 'object' || spec === null) throw new Error(`failNext[${i}] must be an object`);
          const s = spec as FailSpec;
          if (s.status !== undefined && (!Number.isInteger(s.status) || s.status < 400 || s.status > 599))
            throw new Error(`failNext[${i}].status must be 400..599`);
          if (s.kind !== undefined && !FAIL_KINDS.includes(s.kind))
            throw new Error(`failNext[${i}].kind must be one of ${FAIL_KINDS.join(', ')}`);
          if (s.status === undefined && s.kind === undefined)
            throw new Error(`failNext[${i}] needs a status or a kind`);
          if (s.retryAfter !== undefined) nonNegative(`failNext[${i}].retryAfter`, s.retryAfter);
          return { ...s };
        });
        break;
      default:
        throw new Error(`unknown knob ${key}`);
    }
  }
  return out;
}

/** Knobs from FAKE_AI_* variables, for `npm run fake-ai`. */
export function knobsFromEnv(env: NodeJS.ProcessEnv): Partial<Knobs> {
  const out: Partial<Knobs> = {};
  const read = (name: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number >= 0, got ${raw}`);
    return v;
  };
  const latency = read('FAKE_AI_LATENCY_MS');
  if (latency !== undefined) out.latencyMs = latency;
  const chunkDelay = read('FAKE_AI_STREAM_CHUNK_DELAY_MS');
  if (chunkDelay !== undefined) out.streamChunkDelayMs = chunkDelay;
  const rpm = read('FAKE_AI_RPM');
  const tpm = read('FAKE_AI_TPM');
  if (rpm !== undefined || tpm !== undefined)
    out.rateLimit = {
      ...(rpm !== undefined && { requestsPerMinute: rpm }),
      ...(tpm !== undefined && { tokensPerMinute: tpm }),
    };
  return out;
}

export const WINDOW_MS = 60_000;

export interface RateDecision {
  ok: boolean;
  /** Which limit refused the request. */
  reason?: 'requests' | 'tokens';
  /** Until the request would be admitted; undefined when it never would (more tokens than the whole limit). */
  retryAfterMs?: number;
  limit: RateLimit;
  /** Window contents after the decision (the request included when admitted). */
  usedRequests: number;
  usedTokens: number;
  /** Until the window is empty again ("resets to its initial state"). */
  resetMs: number;
}

/** Sliding 60 s windows of admitted requests per provider; refused requests are not counted. */
export class RateLimiter {
  #windows = new Map<ProviderName, { t: number; tokens: number }[]>();

  check(provider: ProviderName, limit: RateLimit | null, tokens: number, now = Date.now()): RateDecision | undefined {
    if (!limit || (!limit.requestsPerMinute && !limit.tokensPerMinute)) return undefined;
    const entries = (this.#windows.get(provider) ?? []).filter((e) => e.t > now - WINDOW_MS);
    this.#windows.set(provider, entries);
    const used = entries.reduce((sum, e) => sum + e.tokens, 0);
    let retryAfterMs = 0;
    let reason: RateDecision['reason'];
    let never = false;
    // 0 means no limit, like an absent one.
    const rpm = limit.requestsPerMinute || undefined;
    if (rpm !== undefined && entries.length + 1 > rpm) {
      reason = 'requests';
      // The request fits once enough of the oldest entries have left the window.
      const freeing = entries[entries.length - rpm];
      if (freeing) retryAfterMs = Math.max(retryAfterMs, freeing.t + WINDOW_MS - now);
      else never = true;
    }
    const tpm = limit.tokensPerMinute || undefined;
    if (tpm !== undefined && used + tokens > tpm) {
      reason ??= 'tokens';
      if (tokens > tpm) never = true;
      else {
        let remaining = used;
        for (const e of entries) {
          remaining -= e.tokens;
          if (remaining + tokens <= tpm) {
            retryAfterMs = Math.max(retryAfterMs, e.t + WINDOW_MS - now);
            break;
          }
        }
      }
    }
    const ok = reason === undefined;
    if (ok) entries.push({ t: now, tokens });
    const last = entries.at(-1);
    return {
      ok,
      reason,
      retryAfterMs: ok || never ? undefined : Math.max(1, Math.ceil(retryAfterMs)),
      limit,
      usedRequests: entries.length,
      usedTokens: entries.reduce((sum, e) => sum + e.tokens, 0),
      resetMs: last ? last.t + WINDOW_MS - now : 0,
    };
  }

  reset(): void {
    this.#windows.clear();
  }
}

/** The mutable knob state of one fake server. */
export class KnobState {
  knobs: Knobs = defaultKnobs();
  readonly limiter = new RateLimiter();

  /** Shallow merge: keys given replace the current ones (failNext replaces the whole queue). */
  set(partial: Partial<Knobs>): void {
    this.knobs = {
      ...this.knobs,
      ...partial,
      failNext: [...(partial.failNext ?? this.knobs.failNext)],
      brokenNext: [...(partial.brokenNext ?? this.knobs.brokenNext)],
    };
  }

  reset(): void {
    this.knobs = defaultKnobs();
    this.limiter.reset();
  }

  takeFailure(provider: ProviderName, path: string, streaming: boolean): FailSpec | undefined {
    const i = this.knobs.failNext.findIndex(
      (f) =>
        (f.provider === undefined || f.provider === provider) &&
        (f.path === undefined || f.path === path) &&
        (!f.midStream || streaming),
    );
    return i < 0 ? undefined : this.knobs.failNext.splice(i, 1)[0];
  }

  takeBroken(provider: ProviderName, path: string): BrokenSpec | undefined {
    const i = this.knobs.brokenNext.findIndex(
      (b) => (b.provider === undefined || b.provider === provider) && (b.path === undefined || b.path === path),
    );
    return i < 0 ? undefined : this.knobs.brokenNext.splice(i, 1)[0];
  }

  takeMalformed(): boolean {
    if (this.knobs.malformedNext <= 0) return false;
    this.knobs.malformedNext--;
    return true;
  }

  /** The text to plant in this answer's HTML fields, consuming one of `plantHtml.count`; undefined when none. */
  takePlant(): string | undefined {
    const plant = this.knobs.plantHtml;
    if (!plant || plant.count <= 0) return undefined;
    this.knobs.plantHtml = plant.count > 1 ? { ...plant, count: plant.count - 1 } : null;
    return plant.text;
  }

  /** Gives a planted answer back when its request was refused before being answered (rate limit). */
  refundPlant(text: string): void {
    const plant = this.knobs.plantHtml;
    this.knobs.plantHtml = { text, count: (plant?.text === text ? plant.count : 0) + 1 };
  }

  /** Gives a malformed answer back when its request was refused before being answered (rate limit). */
  refundMalformed(): void {
    this.knobs.malformedNext++;
  }
}

/** The kind a FailSpec means, from its explicit kind or its status. */
export function failKind(spec: FailSpec): FailKind {
  if (spec.kind) return spec.kind;
  if (spec.status === 429) return 'rate_limit';
  if (spec.status === 529) return 'overloaded';
  return 'server';
}
