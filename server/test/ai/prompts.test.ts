import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';
import { DEFAULT_PROMPTS, PROMPT_SPECS } from '../../src/modules/ai/prompts/defaults.ts';
import { checkTemplate, renderTemplate } from '../../src/modules/ai/prompts/template.ts';

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

const save = (member: Member, body: object) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/ai/prompts', headers: member.headers, payload: body });
const effective = async (member: Member, fn: string) =>
  (
    (await t.app.inject({ method: 'GET', url: '/api/v1/ai/prompts', headers: member.headers })).json().data as {
      function: string;
    }[]
  ).find((p) => p.function === fn);

describe('prompt templates', () => {
  it('the built-in defaults are valid for their functions', () => {
    for (const [fn, template] of Object.entries(DEFAULT_PROMPTS)) {
      expect(checkTemplate(template, PROMPT_SPECS[fn as keyof typeof PROMPT_SPECS]), fn).toEqual([]);
    }
  });

  it('renders placeholders and refuses missing values', () => {
    expect(renderTemplate('Hi {{ name }}, {{name}}!', { name: 'Ada' })).toBe('Hi Ada, Ada!');
    expect(() => renderTemplate('{{missing}}', {})).toThrow(/missing/);
  });
});

describe('prompt versions', () => {
  it('refuses a broken template when it is saved, naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['Cluster {{keywords}} for {{unknown_thing}}', /does not provide/],
      ['Cluster these, please', /must use \{\{keywords\}\}/],
      ['Cluster {{keywords}} {{oops', /not a \{\{variable\}\} placeholder/],
    ];
    for (const [template, message] of cases) {
      const res = await save(owner, { function: 'auto_cluster', template });
      expect(res.statusCode, template).toBe(422);
      expect(res.json().error).toMatch(message);
    }
    expect(await effective(owner, 'auto_cluster')).toMatchObject({ source: 'built-in' });
  });

  it('account overrides win, every save is a version, and reset returns to the default', async () => {
    const first = await save(owner, {
      function: 'generate_ideas',
      template: 'Ideas for {{cluster_name}}: {{keywords}}',
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().data).toMatchObject({ source: 'account', version: 1 });
    await save(owner, {
      function: 'generate_ideas',
      template: 'Better ideas for {{cluster_name}} in {{language}}: {{keywords}}',
    });
    expect(await effective(owner, 'generate_ideas')).toMatchObject({
      version: 2,
      template: expect.stringContaining('Better'),
    });

    const other = await registerOwner(t.app, 'Other');
    expect(await effective(other, 'generate_ideas')).toMatchObject({ source: 'built-in' });

    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/prompts/reset',
      headers: owner.headers,
      payload: { function: 'generate_ideas' },
    });
    expect(reset.json().data).toMatchObject({ source: 'built-in' });
    const versions = await t.app.inject({
      method: 'GET',
      url: '/api/v1/ai/prompts/versions?function=generate_ideas',
      headers: owner.headers,
    });
    expect(versions.json().data.map((v: { version: number; reset: boolean }) => [v.version, v.reset])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  it('operators set global defaults that apply to accounts without their own', async () => {
    const denied = await save(owner, { function: 'generate_images', template: 'Photo: {{prompt}}', global: true });
    expect(denied.statusCode).toBe(403);
    const saved = await save(operator, {
      function: 'generate_images',
      template: 'Photo: {{prompt}}, {{style}}',
      global: true,
    });
    expect(saved.statusCode).toBe(200);
    expect(await effective(owner, 'generate_images')).toMatchObject({
      source: 'global',
      template: 'Photo: {{prompt}}, {{style}}',
    });
  });

  it('only admins change prompts', async () => {
    const editor = await addMember(t.app, owner, 'editor');
    expect((await save(editor, { function: 'auto_cluster', template: '{{keywords}}' })).statusCode).toBe(403);
  });
});
