import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createApiKey, registerOwner } from '../helpers/users.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('system', () => {
  it('reports database, queue and workers without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data.database).toMatchObject({ status: 'ok', mode: 'postgres' });
    expect(data.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(data.queue).toMatchObject({ status: 'ok', queued: 0 });
    expect(data.worker).toMatchObject({ status: 'none', workers: 0 });
  });

  it('lists accounts to operators only; API keys never reach operator routes', async () => {
    const owner = await registerOwner(t.app);
    const denied = await t.app.inject({ method: 'GET', url: '/api/v1/system/accounts', headers: owner.headers });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('OPERATOR_REQUIRED');

    await t.db.prisma.user.update({ where: { id: owner.userId }, data: { isOperator: true } });
    const allowed = await t.app.inject({ method: 'GET', url: '/api/v1/system/accounts', headers: owner.headers });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: owner.accountId, members: 1, sites: 0 })]),
    );

    const key = await createApiKey(t.app, owner, ['sites:read']);
    const viaKey = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/accounts',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaKey.statusCode).toBe(403);
  });
});
