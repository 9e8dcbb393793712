import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { addFakeAiKeys, FAKE_AI_ENV } from '../helpers/ai.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';
import { DEFAULT_PROMPTS } from '../../src/modules/ai/prompts/defaults.ts';

/**
 * The account's AI settings: testing a provider key with a one-token call, the model per AI function (which the
 * engine and the estimate use), and prompt overrides with versions, diff and reset.
 */
let t: TestContext;
let fake: FakeAi;
let owner: Member;
let viewer: Member;
let other: Member;

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  owner = await registerOwner(t.app, 'Owner');
  viewer = await addMember(t.app, owner, 'viewer');
  other = await registerOwner(t.app, 'Other');
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const call = (member: Member, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: member.headers, ...(payload ? { payload } : {}) });

describe('provider key test', () => {
  it('makes a one-token call through the SDK to the base URL and shows only the last 4 characters', async () => {
    const added = await call(owner, 'POST', '/ai/credentials', {
      provider: 'openai_compatible',
      apiKey: 'sk-compatible-secret-9876',
      baseUrl: fake.openaiBaseUrl,
    });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json().data.id as string;
    expect(added.json().data.keyLast4).toBe('9876');

    const res = await call(owner, 'POST', `/ai/credentials/${id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ ok: true, provider: 'openai_compatible', errorKind: null });
    expect(res.json().data.message).toMatch(/The key works/);
    expect(res.body).not.toContain('secret');
    const sent = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ max_completion_tokens: 1 });

    const list = await call(owner, 'GET', '/ai/credentials');
    expect(list.body).not.toContain('secret');
    expect(list.json().data.find((c: { id: string }) => c.id === id).keyLast4).toBe('9876');
  });

  it('tests Anthropic keys through the Anthropic SDK', async () => {
    const account = await registerOwner(t.app, 'Anthropic user');
    await addFakeAiKeys(t, fake, account.accountId);
    const key = await t.db.prisma.providerCredential.findFirstOrThrow({
      where: { accountId: account.accountId, provider: 'anthropic' },
    });
    const res = await call(account, 'POST', `/ai/credentials/${key.id}/test`);
    expect(res.json().data).toMatchObject({ ok: true, provider: 'anthropic' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/messages']);
    expect(fake.requests[0]!.body).toMatchObject({ max_tokens: 1 });
  });

  it('answers a refused key in the product words, with no provider body', async () => {
    const added = await call(owner, 'POST', '/ai/credentials', {
      provider: 'openai_compatible',
      apiKey: 'sk-revoked-key-1111',
      baseUrl: fake.openaiBaseUrl,
    });
    fake.setKnobs({ failNext: [{ status: 401 }] });
    const res = await call(owner, 'POST', `/ai/credentials/${added.json().data.id}/test`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ ok: false, errorKind: 'auth' });
    expect(res.json().data.message).toMatch(/refused the key: check it is active/);
  });

  it('vets the base URL at call time too: a cloud metadata address is refused without a request', async () => {
    const row = await t.db.prisma.providerCredential.create({
      data: {
        accountId: owner.accountId,
        provider: 'openai_compatible',
        baseUrl: 'http://169.254.169.254/v1',
        keyEnc: t.box.encrypt('sk-metadata-0000'),
        keyLast4: '0000',
      },
    });
    const res = await call(owner, 'POST', `/ai/credentials/${row.id}/test`);
    expect(res.json().data).toMatchObject({ ok: false, errorKind: 'forbidden_address' });
    expect(res.json().data.message).toMatch(/base URL/);
    // And at save time.
    const saved = await call(owner, 'POST', '/ai/credentials', {
      provider: 'openai_compatible',
      apiKey: 'sk-metadata-0000',
      baseUrl: 'http://169.254.169.254/v1',
    });
    expect(saved.statusCode).toBe(422);
    expect(saved.json()).toMatchObject({ code: 'PROVIDER_URL_FORBIDDEN' });
  });

  it('is for admins of the account only', async () => {
    const added = await call(owner, 'POST', '/ai/credentials', {
      provider: 'openai_compatible',
      apiKey: 'sk-owner-only-2222',
      baseUrl: fake.openaiBaseUrl,
    });
    const id = added.json().data.id as string;
    expect((await call(viewer, 'POST', `/ai/credentials/${id}/test`)).statusCode).toBe(403);
    const foreign = await call(other, 'POST', `/ai/credentials/${id}/test`);
    expect(foreign.statusCode).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('model per AI function', () => {
  const ideas = { clusterName: 'running shoes', keywords: ['best running shoes', 'trail running shoes'], ideaCount: 2 };

  it("runs on the account's choice, else the operator's default, and the estimate names it", async () => {
    const account = await registerOwner(t.app, 'Chooser');
    await addFakeAiKeys(t, fake, account.accountId);
    const before = await call(account, 'GET', '/ai/model-choices');
    expect(before.statusCode).toBe(200);
    const row = before.json().data.find((c: { function: string }) => c.function === 'generate_ideas');
    expect(row.chosenModel).toBeNull();
    expect(row.effectiveModel).toEqual(row.defaultModel);
    const defaultModelId = row.defaultModel.modelId as string;

    const candidates = await t.db.prisma.aiModel.findMany({ where: { kind: 'text', active: true } });
    const chosen = candidates.find((m) => m.modelId !== defaultModelId)!;
    const put = await call(account, 'PUT', '/ai/model-choices', { function: 'generate_ideas', modelId: chosen.id });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().data).toMatchObject({
      chosenModel: { modelId: chosen.modelId },
      effectiveModel: { modelId: chosen.modelId },
    });

    const estimate = await t.services.ai.engine.estimate({ accountId: account.accountId }, 'generate_ideas', ideas);
    expect(estimate.model.modelId).toBe(chosen.modelId);
    await t.services.ai.engine.run({ accountId: account.accountId }, 'generate_ideas', ideas);
    expect(fake.requests.at(-1)!.model).toBe(chosen.modelId);

    // Another account still runs on the default.
    await addFakeAiKeys(t, fake, other.accountId);
    await t.services.ai.engine.run({ accountId: other.accountId }, 'generate_ideas', ideas);
    expect(fake.requests.at(-1)!.model).toBe(defaultModelId);

    // Back to the default.
    const reset = await call(account, 'PUT', '/ai/model-choices', { function: 'generate_ideas', modelId: null });
    expect(reset.json().data).toMatchObject({ chosenModel: null, effectiveModel: { modelId: defaultModelId } });
    await t.services.ai.engine.run({ accountId: account.accountId }, 'generate_ideas', ideas);
    expect(fake.requests.at(-1)!.model).toBe(defaultModelId);
  });

  it('the run API reports the chosen model in its estimate', async () => {
    const account = await registerOwner(t.app, 'Runner');
    await t.services.billing.grant(account.accountId, 1000, 'test credits', account.userId);
    const chosen = await t.db.prisma.aiModel.findFirstOrThrow({
      where: { kind: 'text', active: true, modelId: 'gpt-4.1-nano' },
    });
    await call(account, 'PUT', '/ai/model-choices', { function: 'generate_ideas', modelId: chosen.id });
    const run = await call(account, 'POST', '/ai/runs', { function: 'generate_ideas', input: ideas });
    expect(run.statusCode, run.body).toBe(202);
    expect(run.json().data.model).toBe('openai/gpt-4.1-nano');
  });

  it("the Writer's estimate names the account's model for writing", async () => {
    const account = await registerOwner(t.app, 'Writer estimate');
    const site = await call(account, 'POST', '/sites', { name: 'Blog', url: 'https://blog.example.com' });
    const estimate = () =>
      call(account, 'POST', '/writer/estimate', {
        siteId: site.json().data.id,
        title: 'How to choose running shoes',
        primaryKeyword: 'running shoes',
      });
    const before = await estimate();
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json().data.model).toBe('openai/gpt-4.1');
    const nano = await t.db.prisma.aiModel.findFirstOrThrow({ where: { modelId: 'gpt-4.1-nano' } });
    await call(account, 'PUT', '/ai/model-choices', { function: 'generate_content', modelId: nano.id });
    expect((await estimate()).json().data.model).toBe('openai/gpt-4.1-nano');
  });

  it('refuses a model of the wrong kind, naming the field, and viewers cannot choose', async () => {
    const image = await t.db.prisma.aiModel.findFirstOrThrow({ where: { kind: 'image' } });
    const wrong = await call(owner, 'PUT', '/ai/model-choices', { function: 'generate_content', modelId: image.id });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().details.fields[0]).toMatchObject({ field: 'modelId' });
    expect(wrong.json().error).toMatch(/must be a text model for generate_content/);
    const text = await t.db.prisma.aiModel.findFirstOrThrow({ where: { kind: 'text' } });
    const byViewer = await call(viewer, 'PUT', '/ai/model-choices', { function: 'generate_content', modelId: text.id });
    expect(byViewer.statusCode).toBe(403);
    expect((await call(viewer, 'GET', '/ai/model-choices')).statusCode).toBe(200);
    const unknown = await call(owner, 'PUT', '/ai/model-choices', {
      function: 'generate_content',
      modelId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("one account's choice never changes another's", async () => {
    const text = await t.db.prisma.aiModel.findFirstOrThrow({ where: { kind: 'text', modelId: 'gpt-4o' } });
    await call(other, 'PUT', '/ai/model-choices', { function: 'auto_cluster', modelId: text.id });
    const mine = (await call(owner, 'GET', '/ai/model-choices')).json().data;
    expect(mine.find((c: { function: string }) => c.function === 'auto_cluster').chosenModel).toBeNull();
  });
});

describe('prompt overrides', () => {
  it('keeps every version, diffs versions and the default line by line, and records the reset', async () => {
    const account = await registerOwner(t.app, 'Prompter');
    const v1 = 'Cluster these for {{site_name}}:\n{{keywords}}';
    const v2 = 'Cluster these for {{site_name}} in {{language}}:\n{{keywords}}\nName clusters briefly.';
    expect((await call(account, 'PUT', '/ai/prompts', { function: 'auto_cluster', template: v1 })).statusCode).toBe(
      200,
    );
    await call(account, 'PUT', '/ai/prompts', { function: 'auto_cluster', template: v2 });

    const diff = await call(account, 'GET', '/ai/prompts/diff?function=auto_cluster&from=previous&to=2');
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.json().data).toMatchObject({
      from: { version: 1, label: 'Version 1' },
      to: { version: 2 },
      added: 2,
      removed: 1,
    });
    expect(diff.json().data.parts).toEqual([
      { kind: 'removed', text: 'Cluster these for {{site_name}}:' },
      { kind: 'added', text: 'Cluster these for {{site_name}} in {{language}}:' },
      { kind: 'same', text: '{{keywords}}' },
      { kind: 'added', text: 'Name clusters briefly.' },
    ]);

    const fromDefault = await call(account, 'GET', '/ai/prompts/diff?function=auto_cluster&from=default&to=current');
    expect(fromDefault.json().data.from).toMatchObject({ version: null, template: DEFAULT_PROMPTS.auto_cluster });
    expect(fromDefault.json().data.to).toMatchObject({ version: 2, template: v2 });

    const reset = await call(account, 'POST', '/ai/prompts/reset', { function: 'auto_cluster' });
    expect(reset.json().data).toMatchObject({ source: 'built-in' });
    const versions = await call(account, 'GET', '/ai/prompts/versions?function=auto_cluster');
    expect(versions.json().data.map((v: { version: number; reset: boolean }) => [v.version, v.reset])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    const afterReset = await call(account, 'GET', '/ai/prompts/diff?function=auto_cluster&from=default&to=current');
    expect(afterReset.json().data).toMatchObject({ added: 0, removed: 0 });

    // Viewers read, but cannot save or reset.
    const reader = await addMember(t.app, account, 'viewer');
    expect((await call(reader, 'GET', '/ai/prompts/versions?function=auto_cluster')).statusCode).toBe(200);
    expect((await call(reader, 'GET', '/ai/prompts/diff?function=auto_cluster&to=1')).statusCode).toBe(200);
    expect((await call(reader, 'PUT', '/ai/prompts', { function: 'auto_cluster', template: v1 })).statusCode).toBe(403);
    expect((await call(reader, 'POST', '/ai/prompts/reset', { function: 'auto_cluster' })).statusCode).toBe(403);
  });

  it('the engine renders the newest override', async () => {
    const account = await registerOwner(t.app, 'Engine prompt');
    await addFakeAiKeys(t, fake, account.accountId);
    await call(account, 'PUT', '/ai/prompts', {
      function: 'auto_cluster',
      template: 'OVERRIDE-MARKER group these:\n{{keywords}}',
    });
    await t.services.ai.engine.run({ accountId: account.accountId }, 'auto_cluster', {
      keywords: ['apple pie', 'pear tart'],
    });
    expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('OVERRIDE-MARKER');
  });

  it('names the missing placeholder, and another account cannot read versions it does not own', async () => {
    const res = await call(owner, 'PUT', '/ai/prompts', {
      function: 'generate_ideas',
      template: 'Ideas: {{keywords}}',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(/must use \{\{cluster_name\}\}/);
    await call(owner, 'PUT', '/ai/prompts', {
      function: 'generate_ideas',
      template: 'Owner ideas {{cluster_name}}: {{keywords}}',
    });
    const foreign = await call(other, 'GET', '/ai/prompts/diff?function=generate_ideas&from=default&to=1');
    expect(foreign.statusCode).toBe(404);
    const foreignVersions = await call(other, 'GET', '/ai/prompts/versions?function=generate_ideas');
    expect(foreignVersions.body).not.toContain('Owner ideas');
  });
});
