import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastDays } from '../../src/modules/billing/reports.ts';
import type { BillingService } from '../../src/modules/billing/service.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';

/** The usage page's data: credits per day by site or operation, the CSV export and the low-balance threshold. */
let t: TestContext;
let billing: BillingService;
beforeAll(async () => {
  t = await createTestApp();
  billing = t.services.billing;
});
afterAll(() => t?.close());

const DAY_MS = 86_400_000;
const get = (m: Member, url: string) => t.app.inject({ method: 'GET', url, headers: m.headers });

async function site(owner: Member, name: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: owner.headers,
    payload: { name, url: `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.com` },
  });
  return res.json().data.id;
}

/** Holds and settles `captured` credits for `operation` on `siteId`, dated `daysAgo` days back. */
async function used(owner: Member, operation: string, captured: number, siteId: string | null, daysAgo = 0) {
  const hold = await billing.hold({ accountId: owner.accountId, amount: captured + 5, operation, siteId });
  await billing.settle(hold.id, { captured });
  if (daysAgo) {
    await t.db.prisma.creditLedgerEntry.updateMany({
      where: { holdId: hold.id },
      data: { createdAt: new Date(Date.now() - daysAgo * DAY_MS) },
    });
  }
}

describe('credits per day', () => {
  it('lists the last 30 or 90 UTC days, today last, with days without usage as 0', () => {
    const now = new Date('2026-03-02T23:30:00Z');
    const days = lastDays(now, 30, 'UTC');
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toBe('2026-03-02');
    expect(days[0]).toBe('2026-02-01');
    expect(lastDays(now, 90, 'UTC')[0]).toBe('2025-12-03');
    // Another zone's calendar day, where it is already tomorrow.
    expect(lastDays(now, 1, 'Asia/Tokyo')).toEqual(['2026-03-03']);
  });

  it('groups by site and by operation; every number adds up to the ledger', async () => {
    const owner = await registerOwner(t.app);
    await billing.grant(owner.accountId, 10_000, 'test credits', owner.userId);
    const blog = await site(owner, 'Food blog');
    const shop = await site(owner, 'Shoe shop');
    await used(owner, 'generate_content', 120, blog);
    await used(owner, 'generate_images', 30, blog, 2);
    await used(owner, 'generate_content', 50, shop, 2);
    await used(owner, 'auto_cluster', 7, shop, 45);
    await used(owner, 'generate_ideas', 3, null, 100);

    const bySite = (await get(owner, '/api/v1/billing/usage/daily?days=30&groupBy=site')).json().data;
    expect(bySite.days).toHaveLength(30);
    expect(bySite.timeZone).toBe('UTC');
    expect(bySite.series.map((s: { label: string; total: number }) => [s.label, s.total])).toEqual([
      ['Food blog', 150],
      ['Shoe shop', 50],
    ]);
    const food = bySite.series[0];
    expect(food.credits).toHaveLength(30);
    expect(food.credits.at(-1)).toBe(120);
    expect(food.credits.at(-3)).toBe(30);
    expect(food.credits.filter((c: number) => c === 0)).toHaveLength(28);
    expect(bySite.totals.at(-3)).toBe(80);
    expect(bySite.total).toBe(200);

    const byOperation = (await get(owner, '/api/v1/billing/usage/daily?days=90&groupBy=operation')).json().data;
    expect(byOperation.days).toHaveLength(90);
    expect(
      byOperation.series.map((s: { key: string; label: string; total: number }) => [s.key, s.label, s.total]),
    ).toEqual([
      ['generate_content', 'Article writing', 170],
      ['generate_images', 'Images', 30],
      ['auto_cluster', 'Keyword clustering', 7],
    ]);
    expect(byOperation.total).toBe(207);
    // The same window through the totals report: the two agree.
    const from = new Date(Date.parse(`${byOperation.days[0]}T00:00:00Z`)).toISOString();
    const report = (await get(owner, `/api/v1/billing/usage?from=${from}&groupBy=operation`)).json().data;
    expect(report.total.credits).toBe(207);

    const oneSite = (await get(owner, `/api/v1/billing/usage/daily?siteId=${shop}`)).json().data;
    expect(oneSite.total).toBe(50);
  });

  it('refuses other windows with the field and what to do', async () => {
    const owner = await registerOwner(t.app);
    const res = await get(owner, '/api/v1/billing/usage/daily?days=7');
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/days/);
    expect(res.body).toMatch(/must be 30 or 90/);
  });
});

describe('transactions as CSV', () => {
  it('has every entry the filters match, newest first, and defuses formulas', async () => {
    const owner = await registerOwner(t.app);
    await billing.grant(owner.accountId, 500, '=HYPERLINK("https://evil.example","click")', owner.userId);
    const blog = await site(owner, 'Food blog');
    for (let i = 0; i < 3; i++) await used(owner, 'generate_content', 10 + i, blog);
    await billing.grant(owner.accountId, -20, '@SUM(1+1)', null, 'adjustment');

    const res = await get(owner, '/api/v1/billing/transactions.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="credit-transactions-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    const api = (await get(owner, '/api/v1/billing/transactions?limit=200')).json().data.items;
    expect(rows.map((r) => [r.date, r.kind, Number(r.amount)])).toEqual(
      api.map((e: { createdAt: string; kind: string; amount: number }) => [e.createdAt, e.kind, e.amount]),
    );
    expect(rows.find((r) => r.kind === 'grant')!.note).toBe(`'=HYPERLINK("https://evil.example","click")`);
    const adjustment = rows.find((r) => r.kind === 'adjustment')!;
    expect(adjustment.note).toBe(`'@SUM(1+1)`);
    expect(adjustment.amount).toBe('-20');

    const captures = parse((await get(owner, `/api/v1/billing/transactions.csv?kind=capture&siteId=${blog}`)).body, {
      columns: true,
    }) as Record<string, string>[];
    expect(captures.map((r) => Number(r.credits))).toEqual([12, 11, 10]);
  });
});

describe('the low-balance threshold', () => {
  it('is set by owners and admins, shown with the balance, and flags a balance under it', async () => {
    const owner = await registerOwner(t.app);
    await billing.grant(owner.accountId, 100, 'test credits', owner.userId);
    const before = (await get(owner, '/api/v1/billing/balance')).json().data;
    expect(before).toMatchObject({ lowBalanceThreshold: null, low: false });
    const patch = (m: Member, body: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/api/v1/billing/settings', headers: m.headers, payload: body as object });

    const viewer = await addMember(t.app, owner, 'viewer');
    expect((await patch(viewer, { lowBalanceThreshold: 50 })).statusCode).toBe(403);
    const editor = await addMember(t.app, owner, 'editor');
    expect((await patch(editor, { lowBalanceThreshold: 50 })).statusCode).toBe(403);
    const bad = await patch(owner, { lowBalanceThreshold: -1 });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/lowBalanceThreshold/);

    const admin = await addMember(t.app, owner, 'admin');
    const set = await patch(admin, { lowBalanceThreshold: 500 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().data).toEqual({ balance: before.balance, lowBalanceThreshold: 500, low: true });
    expect((await get(viewer, '/api/v1/billing/balance')).json().data).toMatchObject({ low: true });
    await patch(owner, { lowBalanceThreshold: 10 });
    expect((await get(owner, '/api/v1/billing/balance')).json().data).toMatchObject({ low: false });
    const cleared = await patch(owner, { lowBalanceThreshold: null });
    expect(cleared.json().data).toMatchObject({ lowBalanceThreshold: null, low: false });
  });
});
