import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../../../test/helpers/app.ts';
import { registerOwner } from '../../../test/helpers/users.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

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
    expect(res.json().data).toEqual({ balance: 880 });
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/billing/balance', headers: b.headers });
    expect(other.json().data).toEqual({ balance: 7 });
  });
});
