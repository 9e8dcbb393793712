import { createBillingService } from '../../src/modules/billing/service.ts';
import type { FakeAi } from '../fake-ai/server.ts';
import { TEST_ENCRYPTION_KEYS, type TestContext } from './app.ts';
import { startProcess, type RunningProcess } from './processes.ts';
import { registerOwner, type Member } from './users.ts';

/** A new account whose OpenAI and Anthropic keys point at the fake provider, with `credits` granted. */
export async function memberWithFakeAi(t: TestContext, fake: FakeAi, credits: number): Promise<Member> {
  const member = await registerOwner(t.app);
  for (const [provider, baseUrl] of [
    ['openai', fake.openaiBaseUrl],
    ['anthropic', fake.anthropicBaseUrl],
  ] as const) {
    await t.db.prisma.providerCredential.create({
      data: {
        accountId: member.accountId,
        provider,
        baseUrl,
        keyEnc: t.box.encrypt(`sk-${provider}-test-key`),
        keyLast4: 'key1',
      },
    });
  }
  if (credits)
    await createBillingService({ prisma: t.db.prisma }).grant(member.accountId, credits, 'test credits', member.userId);
  return member;
}

/** A real worker process on the test database (every product job type), ready when this resolves. */
export async function startWorkerProcess(t: TestContext, env: Record<string, string> = {}): Promise<RunningProcess> {
  const worker = startProcess('test/fixtures/worker-process.ts', {
    DATABASE_URL: t.database.url,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    JWT_SECRET: 'x'.repeat(40),
    ...env,
  });
  await worker.waitFor(/WORKER READY/);
  return worker;
}
