import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { createProviderClient } from '../../src/modules/ai/providers/index.ts';
import type { ResolvedAddress } from '../../src/lib/outbound.ts';

/**
 * Provider base URLs are URLs the server calls on a user's behalf: they pass the same outbound guard as site URLs,
 * when a key is saved and again on every call (DNS resolved, vetted and pinned; redirects vetted).
 */

let strict: TestContext;
let fake: FakeAi;
let owner: Member;
let operator: Member;

beforeAll(async () => {
  fake = await startFakeAi();
  strict = await createTestApp();
  owner = await registerOwner(strict.app);
  operator = await registerOwner(strict.app, 'Operator');
  await strict.db.prisma.user.update({ where: { id: operator.userId }, data: { isOperator: true } });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake?.close();
  await strict?.close();
});

const addKey = (t: TestContext, who: Member, payload: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/ai/credentials',
    headers: who.headers,
    payload: { provider: 'openai_compatible', apiKey: 'sk-internal-0000', ...payload },
  });

describe('saving a key', () => {
  it('refuses base URLs on loopback, private, link-local and metadata addresses, naming the reason', async () => {
    // The sweep's exact request: it used to answer 201 and make the worker post the key to 127.0.0.1:3113.
    const loopback = await addKey(strict, owner, { baseUrl: 'http://127.0.0.1:3113/v1' });
    expect(loopback.statusCode).toBe(422);
    expect(loopback.json()).toMatchObject({
      success: false,
      code: 'PROVIDER_URL_FORBIDDEN',
      error:
        'The base URL cannot be used: 127.0.0.1 points to this machine (a loopback address); use a public address.',
      details: { field: 'baseUrl' },
    });
    for (const baseUrl of [
      'http://localhost:11434/v1',
      'http://[::1]:8000/v1',
      'http://10.0.0.5/v1',
      'http://192.168.1.20:11434/v1',
      'http://169.254.169.254/latest/meta-data',
      'http://metadata.google.internal/v1',
      'http://2130706433/v1',
    ]) {
      const res = await addKey(strict, owner, { baseUrl });
      expect(res.statusCode, baseUrl).toBe(422);
      expect(res.json().code).toBe('PROVIDER_URL_FORBIDDEN');
    }
    expect(await strict.db.prisma.providerCredential.count({ where: { accountId: owner.accountId } })).toBe(0);
  });

  it('keeps a name that does not resolve yet, as for site addresses (every call vets it again)', async () => {
    const res = await addKey(strict, owner, { baseUrl: 'https://llm.unresolvable.example/v1' });
    expect(res.statusCode).toBe(201);
  });

  it("lets an operator's global key use a private endpoint only when ALLOW_PRIVATE_PROVIDER_URLS says so", async () => {
    const refused = await addKey(strict, operator, { baseUrl: 'http://10.0.0.5:11434/v1', global: true });
    expect(refused.statusCode).toBe(422);

    const allowed = await createTestApp({ ALLOW_PRIVATE_PROVIDER_URLS: 'true' });
    try {
      const op = await registerOwner(allowed.app, 'Operator');
      await allowed.db.prisma.user.update({ where: { id: op.userId }, data: { isOperator: true } });
      const global = await addKey(allowed, op, { baseUrl: 'http://10.0.0.5:11434/v1', global: true });
      expect(global.statusCode).toBe(201);
      // The operator's switch covers operators' global keys only: an account's own key stays refused...
      const own = await addKey(allowed, op, { baseUrl: 'http://10.0.0.5:11434/v1' });
      expect(own.statusCode).toBe(422);
      // ...and cloud metadata stays refused for everyone.
      const metadata = await addKey(allowed, op, { baseUrl: 'http://169.254.169.254/v1', global: true });
      expect(metadata.statusCode).toBe(422);
    } finally {
      await allowed.close();
    }
  });
});

describe('calling a provider', () => {
  it('refuses a stored key whose base URL points at loopback before anything is sent, without retrying', async () => {
    // As a key saved before this rule, or a name that resolved elsewhere when it was saved.
    const member = await registerOwner(strict.app, 'Stored');
    await strict.db.prisma.providerCredential.create({
      data: {
        accountId: member.accountId,
        provider: 'openai',
        baseUrl: fake.openaiBaseUrl,
        keyEnc: strict.box.encrypt('sk-stored-key-0001'),
        keyLast4: '0001',
      },
    });
    const engine = strict.services.ai.engine;
    await expect(
      engine.run({ accountId: member.accountId }, 'generate_image_prompts', { title: 'Trail shoes', imageCount: 1 }),
    ).rejects.toMatchObject({
      kind: 'forbidden_address',
      message: expect.stringContaining('127.0.0.1 points to this machine'),
    });
    expect(fake.requests).toHaveLength(0);
    const calls = await strict.db.prisma.aiCall.findMany({ where: { accountId: member.accountId } });
    expect(calls.map((c) => c.errorCode)).toEqual(['forbidden_address']);
  });

  it("calls an operator's global key on a private address only with ALLOW_PRIVATE_PROVIDER_URLS", async () => {
    for (const [env, allowed] of [
      [{}, false],
      [{ ALLOW_PRIVATE_PROVIDER_URLS: 'true' }, true],
    ] as const) {
      fake.reset();
      const app = await createTestApp(env);
      try {
        // A global key (no account) pointing at a model server on 127.0.0.1, used by every account without its own.
        await app.db.prisma.providerCredential.create({
          data: {
            provider: 'openai',
            baseUrl: fake.openaiBaseUrl,
            keyEnc: app.box.encrypt('sk-global-0001'),
            keyLast4: '0001',
          },
        });
        const keyless = await registerOwner(app.app, 'Keyless');
        const run = app.services.ai.engine.run({ accountId: keyless.accountId }, 'generate_image_prompts', {
          title: 'Trail shoes',
          imageCount: 1,
        });
        if (allowed) await expect(run).resolves.toMatchObject({ demo: false });
        else await expect(run).rejects.toMatchObject({ kind: 'forbidden_address' });
        expect(fake.requests).toHaveLength(allowed ? 1 : 0);
      } finally {
        await app.close();
      }
    }
  });

  it("sends keyless accounts to the demo endpoint on 127.0.0.1 with no switch set: it is the operator's own", async () => {
    const demo = await createTestApp({ AI_DEMO_BASE_URL: fake.url });
    try {
      const keyless = await registerOwner(demo.app, 'Trial');
      const engine = demo.services.ai.engine;
      const result = await engine.run({ accountId: keyless.accountId }, 'generate_image_prompts', {
        title: 'Trail shoes',
        imageCount: 1,
      });
      expect(result.demo).toBe(true);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await demo.close();
    }
  });

  it('resolves the host again on each call and connects to the address it vetted', async () => {
    // ai.test exists only in this resolver: reaching the fake at all proves the socket used the vetted address.
    const answers: string[][] = [['127.0.0.1'], ['169.254.169.254']];
    const lookups: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      lookups.push(host);
      return (answers.shift() ?? []).map((address) => ({ address, family: 4 as const }));
    };
    const client = createProviderClient('openai_compatible', {
      apiKey: 'sk-test',
      baseUrl: `http://ai.test:${new URL(fake.url).port}/v1`,
      outbound: { allowPrivateNetworks: true, resolve },
    });
    const request = { model: 'gpt-4.1-mini', system: 's', prompt: 'p', maxOutputTokens: 50 };
    await expect(client.text(request)).resolves.toMatchObject({ finishReason: 'stop' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.host).toBe(`ai.test:${new URL(fake.url).port}`);
    // The name now points at cloud metadata (DNS rebinding): the next call is refused before connecting.
    await expect(client.text(request)).rejects.toMatchObject({ kind: 'forbidden_address' });
    expect(lookups).toEqual(['ai.test', 'ai.test']);
    expect(fake.requests).toHaveLength(1);
  });

  describe('through a redirect', () => {
    let redirector: Server;
    let port: number;
    beforeAll(async () => {
      redirector = createServer((_req, res) =>
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/iam' }).end(),
      );
      await new Promise<void>((done) => redirector.listen(0, '127.0.0.1', done));
      port = (redirector.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((done) => redirector.close(done)));

    it('vets the redirect target and refuses cloud metadata even where private networks are allowed', async () => {
      const client = createProviderClient('openai_compatible', {
        apiKey: 'sk-test',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        outbound: { allowPrivateNetworks: true },
      });
      await expect(client.text({ model: 'm', system: 's', prompt: 'p', maxOutputTokens: 50 })).rejects.toMatchObject({
        kind: 'forbidden_address',
        message: expect.stringContaining('169.254.169.254 points to a link-local or cloud metadata address'),
      });
    });
  });
});
