import type { FakeAi } from '../fake-ai/server.ts';
import { TEST_ENCRYPTION_KEYS, type TestContext } from './app.ts';
import { startProcess, type RunningProcess } from './processes.ts';
import { registerOwner, type Member } from './users.ts';

/**
 * Configuration for apps whose accounts' keys point at the fake provider on 127.0.0.1: provider base URLs pass the
 * outbound guard like site URLs, so only the development switch lets an account's key reach loopback.
 */
export const FAKE_AI_ENV = { ALLOW_PRIVATE_SITE_URLS: 'true' } as const;

/** The account's own OpenAI and Anthropic keys, both pointing at the fake provider. */
export async function addFakeAiKeys(t: TestContext, fake: FakeAi, accountId: string): Promise<void> {
  for (const [provider, baseUrl] of [
    ['openai', fake.openaiBaseUrl],
    ['anthropic', fake.anthropicBaseUrl],
  ] as const) {
    await t.db.prisma.providerCredential.create({
      data: {
        accountId,
        provider,
        baseUrl,
        keyEnc: t.box.encrypt(`sk-${provider}-test-key`),
        keyLast4: 'key1',
      },
    });
  }
}

/**
 * A new account whose OpenAI and Anthropic keys point at the fake provider, with `credits` granted. The app must allow
 * private addresses (FAKE_AI_ENV) for calls with these keys to pass the outbound guard.
 */
export async function memberWithFakeAi(t: TestContext, fake: FakeAi, credits: number): Promise<Member> {
  const member = await registerOwner(t.app);
  await addFakeAiKeys(t, fake, member.accountId);
  if (credits) await t.services.billing.grant(member.accountId, credits, 'test credits', member.userId);
  return member;
}

/**
 * A real worker process on the test database (every product job type), ready when this resolves. It gets the test
 * app's outbound switches, so it may call what the app may.
 */
export async function startWorkerProcess(
  t: TestContext,
  env: Record<string, string> = {},
  readyTimeoutMs = 30_000,
): Promise<RunningProcess> {
  const worker = startProcess('test/fixtures/worker-process.ts', {
    DATABASE_URL: t.database.url,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    JWT_SECRET: 'x'.repeat(40),
    ALLOW_PRIVATE_SITE_URLS: String(t.config.ALLOW_PRIVATE_SITE_URLS),
    ALLOW_PRIVATE_PROVIDER_URLS: String(t.config.ALLOW_PRIVATE_PROVIDER_URLS),
    ...env,
  });
  await worker.waitFor(/WORKER READY/, readyTimeoutMs);
  return worker;
}
