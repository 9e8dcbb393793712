import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';
import { createCredentialsService, providerUrlPolicy } from '../../src/modules/ai/credentials-service.ts';

let t: TestContext;
let owner: Member;
let operator: Member;
beforeAll(async () => {
  t = await createTestApp();
  owner = await registerOwner(t.app);
  operator = await registerOwner(t.app, 'Operator');
  await t.db.prisma.user.update({ where: { id: operator.userId }, data: { isOperator: true } });
});
afterAll(() => t?.close());

describe('model registry', () => {
  it('is seeded with OpenAI and Anthropic models, prices and a default per AI function', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/ai/models', headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const models = res.json().data as {
      modelId: string;
      provider: string;
      defaultFor: string[];
      inputPerMTokensUsd: number;
    }[];
    expect(models.map((m) => m.provider)).toEqual(expect.arrayContaining(['openai', 'anthropic']));
    const mini = models.find((m) => m.modelId === 'gpt-4.1-mini')!;
    expect(mini.inputPerMTokensUsd).toBe(0.4);
    const defaults = models.flatMap((m) => m.defaultFor).sort();
    expect(defaults).toEqual([
      'auto_cluster',
      'generate_content',
      'generate_ideas',
      'generate_image_prompts',
      'generate_images',
    ]);
  });

  it('lets operators add, reprice and choose defaults; refuses everyone else', async () => {
    const body = {
      provider: 'anthropic',
      modelId: 'claude-test-1',
      kind: 'text',
      displayName: 'Claude Test',
      inputPerMTokensUsd: 1.5,
      outputPerMTokensUsd: 7.5,
    };
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/models',
      headers: owner.headers,
      payload: body,
    });
    expect(denied.statusCode).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/models',
      headers: operator.headers,
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    const model = created.json().data;
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/models',
      headers: operator.headers,
      payload: body,
    });
    expect(dup.statusCode).toBe(409);
    const repriced = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/ai/models/${model.id}`,
      headers: operator.headers,
      payload: { outputPerMTokensUsd: 8 },
    });
    expect(repriced.json().data.outputPerMTokensUsd).toBe(8);
    const wrongKind = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/ai/defaults/generate_images',
      headers: operator.headers,
      payload: { modelId: model.id },
    });
    expect(wrongKind.statusCode).toBe(422);
    const setDefault = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/ai/defaults/generate_ideas',
      headers: operator.headers,
      payload: { modelId: model.id },
    });
    expect(setDefault.json().data.defaultFor).toEqual(['generate_ideas']);
    const deactivate = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/ai/models/${model.id}`,
      headers: operator.headers,
      payload: { active: false },
    });
    expect(deactivate.statusCode).toBe(409);
  });
});

describe('provider keys', () => {
  it('stores keys encrypted and shows only the last 4 characters', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: owner.headers,
      payload: { provider: 'openai', apiKey: 'sk-live-abcdefghijklmnop-WXYZ', requestsPerMinute: 500 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toMatchObject({ keyLast4: 'WXYZ', scope: 'account', requestsPerMinute: 500 });
    expect(res.body).not.toContain('abcdefghijklmnop');
    const row = await t.db.prisma.providerCredential.findUniqueOrThrow({ where: { id: res.json().data.id } });
    expect(row.keyEnc).not.toContain('abcdefghijklmnop');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/ai/credentials', headers: owner.headers });
    expect(list.body).not.toContain('abcdefghijklmnop');
  });

  it("uses the account's own key before the operator's global one, and says clearly when none exists", async () => {
    const credentials = createCredentialsService({
      prisma: t.db.prisma,
      box: t.box,
      urlPolicy: providerUrlPolicy(t.config),
    });
    const global = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: operator.headers,
      payload: { provider: 'anthropic', apiKey: 'sk-ant-global-key-1234', global: true },
    });
    expect(global.json().data.scope).toBe('global');
    const other = await registerOwner(t.app, 'Other');
    expect((await credentials.resolve(other.accountId, 'anthropic')).apiKey).toBe('sk-ant-global-key-1234');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: other.headers,
      payload: { provider: 'anthropic', apiKey: 'sk-ant-own-key-5678' },
    });
    expect((await credentials.resolve(other.accountId, 'anthropic')).apiKey).toBe('sk-ant-own-key-5678');
    await expect(credentials.resolve(other.accountId, 'openai_compatible')).rejects.toThrow(
      /No openai_compatible API key is configured/,
    );
  });

  it('checks the base URL rule and who may add keys', async () => {
    const noBase = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: owner.headers,
      payload: { provider: 'openai_compatible', apiKey: 'ollama-key-0000' },
    });
    expect(noBase.statusCode).toBe(422);
    expect(noBase.json().details.fields[0].field).toBe('baseUrl');
    const globalByOwner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/credentials',
      headers: owner.headers,
      payload: { provider: 'openai', apiKey: 'sk-try-global-0000', global: true },
    });
    expect(globalByOwner.statusCode).toBe(403);
    const editor = await addMember(t.app, owner, 'editor');
    const byEditor = await t.app.inject({ method: 'GET', url: '/api/v1/ai/credentials', headers: editor.headers });
    expect(byEditor.statusCode).toBe(403);
  });
});
