import { randomUUID } from 'node:crypto';
import type { TCreditEntry } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createApiKey, registerOwner, type Member } from '../helpers/users.ts';
import { type BillingService } from '../../src/modules/billing/service.ts';

let t: TestContext;
let billing: BillingService;
beforeAll(async () => {
  t = await createTestApp();
  billing = t.services.billing;
});
afterAll(() => t?.close());

function get(member: Member | { authorization: string }, url: string) {
  const headers = 'headers' in member ? member.headers : member;
  return t.app.inject({ method: 'GET', url, headers });
}

/** Every page of the account's transactions, following nextCursor. */
async function allTransactions(member: Member, query = '', limit = 2): Promise<TCreditEntry[]> {
  const items: TCreditEntry[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(
      member,
      `/api/v1/billing/transactions?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json().data as { items: TCreditEntry[]; nextCursor: string | null };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Holds `amount` for an operation and settles it capturing `captured` (0: released as a failure). */
async function use(
  accountId: string,
  operation: string,
  amount: number,
  captured: number,
  extra: { siteId?: string; model?: string } = {},
) {
  const hold = await billing.hold({ accountId, amount, operation, siteId: extra.siteId ?? null });
  return captured > 0
    ? billing.settle(hold.id, { captured, ...(extra.model ? { model: extra.model } : {}) })
    : billing.release(hold.id);
}

describe('credit balance', () => {
  it('is the sum of the account ledger, and never another account’s', async () => {
    const a = await registerOwner(t.app);
    const b = await registerOwner(t.app);
    await t.db.prisma.creditLedgerEntry.createMany({
      data: [
        { accountId: a.accountId, kind: 'grant', amount: 1000 },
        { accountId: a.accountId, kind: 'hold', amount: -120 },
        { accountId: b.accountId, kind: 'grant', amount: 7 },
      ],
    });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/billing/balance', headers: a.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ balance: 880, low: false });
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/billing/balance', headers: b.headers });
    expect(other.json().data).toMatchObject({ balance: 7, low: false });
  });
});

describe('GET /billing/transactions', () => {
  it('pages through the ledger newest first, filters by kind, and API keys may read it', async () => {
    const owner = await registerOwner(t.app);
    for (let i = 1; i <= 4; i++) await billing.grant(owner.accountId, i * 10, `grant ${i}`, owner.userId);
    await use(owner.accountId, 'generate_content', 30, 12, { model: 'openai/gpt-4.1-mini' });

    const items = await allTransactions(owner);
    expect(items).toHaveLength(7); // 4 grants, hold, capture, release
    expect(new Set(items.map((i) => i.id)).size).toBe(7);
    const stored = await t.db.prisma.creditLedgerEntry.findMany({
      where: { accountId: owner.accountId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(items.map((i) => i.id)).toEqual(stored.map((s) => s.id));
    expect(items.slice(-4).map((i) => i.note)).toEqual(['grant 4', 'grant 3', 'grant 2', 'grant 1']);
    const capture = items.find((i) => i.kind === 'capture')!;
    expect(capture).toMatchObject({
      amount: 0,
      credits: 12,
      model: 'openai/gpt-4.1-mini',
      operation: 'generate_content',
    });
    expect(items.find((i) => i.kind === 'release')).toMatchObject({ amount: 18, credits: null });

    const holds = await allTransactions(owner, '&kind=hold', 1);
    expect(holds.map((h) => [h.kind, h.amount])).toEqual([['hold', -30]]);
    const grants = await allTransactions(owner, '&kind=grant', 3);
    expect(grants.map((g) => g.amount)).toEqual([40, 30, 20, 10]);

    const key = await createApiKey(t.app, owner, ['sites:read']);
    const viaKey = await get({ authorization: `Bearer ${key}` }, '/api/v1/billing/transactions?limit=50');
    expect(viaKey.statusCode, viaKey.body).toBe(200);
    expect(viaKey.json().data.items).toHaveLength(7);
  });

  it('refuses a bad cursor, kind or limit', async () => {
    const owner = await registerOwner(t.app);
    const cursor = await get(owner, '/api/v1/billing/transactions?cursor=nonsense');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'cursor' } });
    const kind = await get(owner, '/api/v1/billing/transactions?kind=gift');
    expect(kind.statusCode).toBe(422);
    expect(kind.json().details.fields[0]).toMatchObject({ in: 'query', field: 'kind' });
    expect((await get(owner, '/api/v1/billing/transactions?limit=0')).statusCode).toBe(422);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/billing/transactions' })).statusCode).toBe(401);
  });
});

describe('GET /billing/usage', () => {
  let owner: Member;
  const siteA = randomUUID();
  const siteB = randomUUID();

  beforeAll(async () => {
    owner = await registerOwner(t.app);
    await billing.grant(owner.accountId, 1000, 'start', null);
    await use(owner.accountId, 'generate_content', 50, 30, { siteId: siteA, model: 'openai/gpt-4.1-mini' });
    await use(owner.accountId, 'generate_content', 20, 25, { siteId: siteB, model: 'anthropic/claude-haiku-4-5' });
    await use(owner.accountId, 'generate_images', 40, 10, { siteId: siteA, model: 'openai/gpt-image-1' });
    await use(owner.accountId, 'generate_images', 40, 0, { siteId: siteB }); // failed: released, not used
    await use(owner.accountId, 'suggest_keywords', 5, 5); // no site, no model
  });

  it('groups the credits used by operation, site and model (the last 30 days by default)', async () => {
    const byOperation = await get(owner, '/api/v1/billing/usage');
    expect(byOperation.statusCode, byOperation.body).toBe(200);
    const report = byOperation.json().data;
    expect(report.groupBy).toBe('operation');
    expect(new Date(report.to).getTime() - new Date(report.from).getTime()).toBe(30 * 86_400_000);
    expect(Math.abs(new Date(report.to).getTime() - Date.now())).toBeLessThan(60_000);
    expect(report.total).toEqual({ credits: 65, count: 4 });
    expect(report.groups).toEqual([
      { key: 'generate_content', credits: 50, count: 2 },
      { key: 'generate_images', credits: 10, count: 1 },
      { key: 'suggest_keywords', credits: 5, count: 1 },
    ]);

    const bySite = (await get(owner, '/api/v1/billing/usage?groupBy=site')).json().data;
    expect(bySite.groups).toEqual([
      { key: siteA, credits: 40, count: 2 },
      { key: siteB, credits: 20, count: 1 },
      { key: null, credits: 5, count: 1 },
    ]);

    const byModel = (await get(owner, '/api/v1/billing/usage?groupBy=model')).json().data;
    expect(byModel.groups).toEqual([
      { key: 'openai/gpt-4.1-mini', credits: 30, count: 1 },
      { key: 'anthropic/claude-haiku-4-5', credits: 20, count: 1 },
      { key: 'openai/gpt-image-1', credits: 10, count: 1 },
      { key: null, credits: 5, count: 1 },
    ]);
  });

  it('groups by UTC day over [from, to)', async () => {
    const capture = (createdAt: string, credits: number) => ({
      accountId: owner.accountId,
      kind: 'capture' as const,
      amount: 0,
      operation: 'generate_content',
      usage: { credits },
      createdAt: new Date(createdAt),
    });
    await t.db.prisma.creditLedgerEntry.createMany({
      data: [
        capture('2024-03-01T23:30:00Z', 5),
        capture('2024-03-02T00:30:00+02:00', 7), // 2024-03-01 22:30 UTC
        capture('2024-03-02T12:00:00Z', 3),
        capture('2024-03-04T00:00:00Z', 100), // the end of the range is excluded
        capture('2024-02-29T23:59:59.999Z', 100), // before it
      ],
    });
    const res = await get(owner, '/api/v1/billing/usage?groupBy=day&from=2024-03-01&to=2024-03-04');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({
      from: '2024-03-01T00:00:00.000Z',
      to: '2024-03-04T00:00:00.000Z',
      groupBy: 'day',
      total: { credits: 15, count: 3 },
      groups: [
        { key: '2024-03-01', credits: 12, count: 2 },
        { key: '2024-03-02', credits: 3, count: 1 },
      ],
    });
    const withTimes = await get(
      owner,
      `/api/v1/billing/usage?groupBy=day&from=${encodeURIComponent('2024-03-02T00:00:00+01:00')}&to=2024-03-02T13:00:00Z`,
    );
    expect(withTimes.json().data.groups).toEqual([
      { key: '2024-03-01', credits: 5, count: 1 }, // 23:30 UTC is after 23:00 UTC
      { key: '2024-03-02', credits: 3, count: 1 }, // 22:30 UTC of the day before is not
    ]);
  });

  it('refuses bad ranges with 422 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2024-03-05&to=2024-03-01', 'from'],
      ['from=2024-03-01&to=2024-03-01', 'from'],
      ['from=2023-01-01&to=2024-03-01', 'to'],
      [`from=${new Date(Date.now() - 400 * 86_400_000).toISOString()}`, 'to'],
      ['from=yesterday', 'from'],
      ['to=2024-13-45', 'to'],
      ['groupBy=week', 'groupBy'],
    ];
    for (const [query, field] of cases) {
      const res = await get(owner, `/api/v1/billing/usage?${query}`);
      expect(res.statusCode, query).toBe(422);
      expect(res.json(), query).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
      expect(
        res.json().details.fields.map((f: { field: string }) => f.field),
        query,
      ).toEqual([field]);
    }
    // Exactly 366 days is fine.
    expect((await get(owner, '/api/v1/billing/usage?from=2023-03-01&to=2024-03-01')).statusCode).toBe(200);
  });
});

describe('POST /billing/grants', () => {
  it('lets an operator add credits to any account', async () => {
    const operator = await registerOwner(t.app, 'Operator');
    await t.db.prisma.user.update({ where: { id: operator.userId }, data: { isOperator: true } });
    const customer = await registerOwner(t.app, 'Customer');
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/v1/billing/grants', headers: operator.headers, payload });

    const granted = await post({ accountId: customer.accountId, amount: 500, note: 'Welcome credits' });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json().data).toMatchObject({
      balance: 500,
      entry: { kind: 'grant', amount: 500, note: 'Welcome credits' },
    });
    const purchase = await post({ accountId: customer.accountId, amount: 250, kind: 'purchase', note: 'Invoice 42' });
    expect(purchase.json().data).toMatchObject({ balance: 750, entry: { kind: 'purchase' } });
    const stored = await t.db.prisma.creditLedgerEntry.findFirst({ where: { note: 'Invoice 42' } });
    expect(stored).toMatchObject({ accountId: customer.accountId, createdById: operator.userId });
    expect((await get(customer, '/api/v1/billing/balance')).json().data).toMatchObject({ balance: 750, low: false });
    expect((await get(operator, '/api/v1/billing/balance')).json().data).toMatchObject({ balance: 0, low: false });

    const unknown = await post({ accountId: randomUUID(), amount: 5, note: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    for (const payload of [
      { accountId: customer.accountId, amount: 0, note: 'x' },
      { accountId: customer.accountId, amount: 10_000_001, note: 'x' },
      { accountId: customer.accountId, amount: 1.5, note: 'x' },
      { accountId: customer.accountId, amount: 5, note: ' ' },
      { accountId: customer.accountId, amount: 5, note: 'x', kind: 'refund' },
      { accountId: 'nope', amount: 5, note: 'x' },
    ]) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
    }
  });

  it('refuses normal owners and API keys', async () => {
    const owner = await registerOwner(t.app);
    const payload = { accountId: owner.accountId, amount: 1000, note: 'free money' };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/billing/grants', headers: owner.headers, payload });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('OPERATOR_REQUIRED');
    const key = await createApiKey(t.app, owner, ['sites:write']);
    const viaKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/billing/grants',
      headers: { authorization: `Bearer ${key}` },
      payload,
    });
    expect(viaKey.statusCode).toBe(403);
    expect(await billing.balance(owner.accountId)).toBe(0);
  });
});

describe('cross-account isolation', () => {
  it('transactions and usage never show another account’s rows', async () => {
    const alice = await registerOwner(t.app, 'Alice');
    const bob = await registerOwner(t.app, 'Bob');
    await billing.grant(alice.accountId, 100, 'alice', null);
    await billing.grant(bob.accountId, 1000, 'bob', null);
    await use(alice.accountId, 'generate_content', 20, 15);
    await use(bob.accountId, 'generate_content', 300, 250);
    await use(bob.accountId, 'generate_images', 100, 90);

    const aliceItems = await allTransactions(alice, '', 50);
    const bobIds = new Set(
      (await t.db.prisma.creditLedgerEntry.findMany({ where: { accountId: bob.accountId } })).map((e) => e.id),
    );
    expect(aliceItems).toHaveLength(4);
    expect(aliceItems.filter((i) => bobIds.has(i.id))).toEqual([]);
    expect(aliceItems.map((i) => i.note)).not.toContain('bob');

    for (const groupBy of ['operation', 'site', 'model', 'day']) {
      const report = (await get(alice, `/api/v1/billing/usage?groupBy=${groupBy}`)).json().data;
      expect(report.total, groupBy).toEqual({ credits: 15, count: 1 });
    }
    expect((await get(bob, '/api/v1/billing/usage')).json().data.total).toEqual({ credits: 340, count: 2 });
    expect((await get(alice, '/api/v1/billing/balance')).json().data).toMatchObject({ balance: 85, low: false });
  });
});

describe('documentation', () => {
  it('describes the billing routes in OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    for (const path of ['balance', 'transactions', 'usage', 'grants']) {
      expect(paths[`/api/v1/billing/${path}`], path).toBeDefined();
    }
    const params = paths['/api/v1/billing/usage'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['from', 'to', 'groupBy']));
  });
});
