import type { z } from 'zod';
import type { ZCreateCredentialBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { AiProvider, PrismaClient, ProviderCredential } from '../../generated/prisma/client.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import { checkOutboundUrl, OutboundUrlError, type OutboundOptions } from '../../lib/outbound.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { credentialsData } from './data/credentials.ts';
import { modelsData } from './data/models.ts';
import { AiError, providerName, type AiErrorKind } from './errors.ts';
import { createProviderClient } from './providers/index.ts';
import type { ProviderClient, ProviderClientOptions } from './providers/types.ts';

function view(c: ProviderCredential) {
  return {
    id: c.id,
    provider: c.provider,
    scope: c.accountId ? ('account' as const) : ('global' as const),
    baseUrl: c.baseUrl,
    keyLast4: c.keyLast4,
    requestsPerMinute: c.requestsPerMinute,
    tokensPerMinute: c.tokensPerMinute,
    active: c.active,
    createdAt: iso(c.createdAt),
  };
}

/** A usable key for a call: the account's own for the provider if it has one, else the operator's global key. */
export interface ResolvedCredential {
  id: string;
  provider: AiProvider;
  apiKey: string;
  baseUrl: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /** True for the demo endpoint (AI_DEMO_BASE_URL): its content is filler and is marked as demo. */
  demo: boolean;
  /** Where calls with this key may connect (the outbound guard's options for its base URL). */
  outbound: OutboundOptions;
}

/**
 * Which provider base URLs may point at loopback or private networks (cloud metadata addresses never may). An
 * account's key is the account admin's input, so it gets the same rule as site URLs; an operator's global key may
 * reach a private endpoint (a self-hosted model server) when the operator's configuration says so.
 */
export interface ProviderUrlPolicy {
  /** ALLOW_PRIVATE_SITE_URLS: development and tests. */
  accountKeysMayBePrivate: boolean;
  /** ALLOW_PRIVATE_PROVIDER_URLS (or the development switch). */
  globalKeysMayBePrivate: boolean;
}

export function providerUrlPolicy(config: {
  ALLOW_PRIVATE_SITE_URLS: boolean;
  ALLOW_PRIVATE_PROVIDER_URLS: boolean;
}): ProviderUrlPolicy {
  return {
    accountKeysMayBePrivate: config.ALLOW_PRIVATE_SITE_URLS,
    globalKeysMayBePrivate: config.ALLOW_PRIVATE_PROVIDER_URLS || config.ALLOW_PRIVATE_SITE_URLS,
  };
}

/** The model a key's test calls when the registry has no active text model of that provider. */
const TEST_MODEL_FALLBACK: Record<AiProvider, string> = {
  openai: 'gpt-4.1-nano',
  anthropic: 'claude-3-5-haiku-latest',
  openai_compatible: 'gpt-4.1-nano',
};

/** A failed key test in the product's words: what happened and what to do. */
function testFailureMessage(kind: AiErrorKind, provider: AiProvider, model: string, detail: string): string {
  const name = providerName(provider);
  switch (kind) {
    case 'auth':
      return `${name} refused the key: check it is active and copied whole, or create a new one with ${name}.`;
    case 'quota_exhausted':
      return `${name} accepted the key, but its quota or credit is used up: top it up with ${name}.`;
    case 'rate_limited':
      return `${name} accepted the key, but is rate limiting it right now: test again in a minute.`;
    case 'invalid_request':
      return `${name} accepted the key but refused a call to model ${model}: check the key may use that model.`;
    case 'forbidden_address':
      return detail;
    case 'timeout':
      return `${name} did not answer in time: check the base URL, or test again later.`;
    case 'network':
      return `Could not reach ${name}: check the base URL and that the service is running.`;
    case 'malformed_output':
      return `The address answered, but not as ${name}'s API does: check the base URL.`;
    case 'server':
      return `${name} had an internal error: test again later.`;
    default:
      return detail;
  }
}

/** Stands for the demo endpoint in rate-limit rows; it is no stored key. */
export const DEMO_CREDENTIAL_ID = '00000000-0000-4000-8000-00000000de00';

/**
 * Provider API keys, sealed at rest (SecretBox: AES-256-GCM with a key id for rotation) and never returned: the API
 * shows the last 4 characters only.
 */
export function createCredentialsService({
  prisma,
  box,
  urlPolicy,
  demoBaseUrl,
  clientFor = createProviderClient,
}: {
  prisma: PrismaClient;
  box: SecretBox;
  urlPolicy: ProviderUrlPolicy;
  /** AI_DEMO_BASE_URL: where keyless accounts are sent instead of failing (the fake provider, for trials). */
  demoBaseUrl?: string | undefined;
  clientFor?: (provider: AiProvider, options: ProviderClientOptions) => ProviderClient;
}) {
  const data = credentialsData(prisma);
  const models = modelsData(prisma);
  const outboundFor = (global: boolean): OutboundOptions => ({
    allowPrivateNetworks: global ? urlPolicy.globalKeysMayBePrivate : urlPolicy.accountKeysMayBePrivate,
  });

  /**
   * The base URL must be one the server may call, judged like a site address at save time: refused addresses fail
   * now, a name that does not resolve yet passes (every call resolves and vets it again).
   */
  async function checkBaseUrl(baseUrl: string, global: boolean) {
    try {
      await checkOutboundUrl(baseUrl, outboundFor(global), { allowUnresolved: true });
    } catch (error) {
      if (!(error instanceof OutboundUrlError)) throw error;
      throw new AppError('PROVIDER_URL_FORBIDDEN', `The base URL cannot be used: ${error.message}`, {
        field: 'baseUrl',
      });
    }
  }

  return {
    async list(auth: AuthContext) {
      const rows = await data.list(auth.accountId, auth.isOperator);
      return rows.map(view);
    },

    async create(auth: AuthContext, body: z.infer<typeof ZCreateCredentialBody>) {
      if (body.global && !auth.isOperator) throw errors.operatorRequired();
      if (body.provider === 'openai_compatible' && !body.baseUrl) {
        throw errors.validation([
          { in: 'body', field: 'baseUrl', message: 'is required for an OpenAI-compatible endpoint' },
        ]);
      }
      if (body.provider !== 'openai_compatible' && body.baseUrl) {
        throw errors.validation([
          { in: 'body', field: 'baseUrl', message: `is only for OpenAI-compatible endpoints, not ${body.provider}` },
        ]);
      }
      if (body.baseUrl) await checkBaseUrl(body.baseUrl, body.global);
      const created = await data.create({
        accountId: body.global ? null : auth.accountId,
        provider: body.provider,
        baseUrl: body.baseUrl ?? null,
        keyEnc: box.encrypt(body.apiKey),
        keyLast4: body.apiKey.slice(-4),
        requestsPerMinute: body.requestsPerMinute ?? null,
        tokensPerMinute: body.tokensPerMinute ?? null,
        createdById: auth.userId,
      });
      return view(created);
    },

    async remove(auth: AuthContext, id: string) {
      const row = await data.findDeletable(auth.accountId, id, auth.isOperator);
      if (!row) throw errors.notFound('Provider key', id);
      await data.delete(id);
    },

    /**
     * Tests a key with a one-token call through the provider's SDK, to its base URL (vetted by the outbound guard
     * again now: the name may resolve elsewhere than when the key was saved). Failures are an answer, not an error.
     */
    async test(auth: AuthContext, id: string) {
      const row = await data.findDeletable(auth.accountId, id, auth.isOperator);
      if (!row) throw errors.notFound('Provider key', id);
      const registered = (await models.list(false)).filter((m) => m.provider === row.provider && m.kind === 'text');
      registered.sort((a, b) => a.outputMicrosPerMTokens - b.outputMicrosPerMTokens);
      const model = registered[0]?.modelId ?? TEST_MODEL_FALLBACK[row.provider];
      const started = performance.now();
      const result = (ok: boolean, message: string, errorKind: AiErrorKind | null) => ({
        ok,
        provider: row.provider,
        model,
        latencyMs: Math.round(performance.now() - started),
        message,
        errorKind,
      });
      try {
        const client = clientFor(row.provider, {
          apiKey: box.decrypt(row.keyEnc),
          baseUrl: row.baseUrl,
          timeoutMs: 20_000,
          outbound: outboundFor(row.accountId === null),
        });
        await client.text({ model, system: 'Answer with one word.', prompt: 'Say OK.', maxOutputTokens: 1 });
        return result(true, `The key works: ${providerName(row.provider)} answered a test call to ${model}.`, null);
      } catch (error) {
        if (!(error instanceof AiError)) throw error;
        return result(false, testFailureMessage(error.kind, row.provider, model, error.message), error.kind);
      }
    },

    /** For the AI engine. Throws a message naming the provider when no key is configured at all. */
    async resolve(accountId: string, provider: AiProvider): Promise<ResolvedCredential> {
      const rows = await data.usable(accountId, provider);
      const chosen = rows.find((r) => r.accountId === accountId) ?? rows.find((r) => r.accountId === null);
      if (!chosen && demoBaseUrl) {
        const base = demoBaseUrl.replace(/\/+$/, '');
        return {
          id: DEMO_CREDENTIAL_ID,
          provider,
          apiKey: 'demo',
          baseUrl: provider === 'anthropic' ? base : `${base}/v1`,
          requestsPerMinute: null,
          tokensPerMinute: null,
          demo: true,
          // The operator's own configuration: it may be a local server (the fake provider on 127.0.0.1).
          outbound: { allowPrivateNetworks: true },
        };
      }
      if (!chosen) {
        throw new AppError(
          'CONFLICT',
          `No ${provider} API key is configured. Add one in AI settings > Provider keys in the app (or ask the service operator).`,
        );
      }
      return {
        id: chosen.id,
        provider,
        apiKey: box.decrypt(chosen.keyEnc),
        baseUrl: chosen.baseUrl,
        requestsPerMinute: chosen.requestsPerMinute,
        tokensPerMinute: chosen.tokensPerMinute,
        demo: false,
        outbound: outboundFor(chosen.accountId === null),
      };
    },
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
