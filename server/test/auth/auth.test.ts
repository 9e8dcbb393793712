import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createApiKey, registerOwner } from '../helpers/users.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ ACCESS_TOKEN_TTL_SECONDS: '30' });
});
afterAll(() => t?.close());

describe('register, login, me', () => {
  it('registers an account with its owner and signs them in', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'Ada@Example.com ', password: 'a long enough password', name: 'Ada', accountName: 'Ada Media' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.success).toBe(true);
    expect(body.data.session.user.email).toBe('ada@example.com');
    expect(body.data.session.role).toBe('owner');
    expect(body.data.session.account.name).toBe('Ada Media');
    expect(body.data.tokens.tokenType).toBe('Bearer');

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${body.data.tokens.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().data.user.email).toBe('ada@example.com');
  });

  it('refuses a second registration with the same email, whatever its case', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'ADA@example.com', password: 'a long enough password', name: 'Ada 2', accountName: 'X' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ success: false, code: 'EMAIL_TAKEN' });
    expect(await t.db.prisma.account.count({ where: { name: 'X' } })).toBe(0);
  });

  it('logs in with the right password only, stores no password in clear', async () => {
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ada@example.com', password: 'a long enough password' },
    });
    expect(ok.statusCode).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ada@example.com', password: 'wrong password!' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong password!' },
    });
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(user.passwordHash).not.toContain('a long enough password');
  });

  it('answers 422 naming each bad field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'not-an-email', password: 'short', name: '', accountName: 'A' },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['email', 'name', 'password']);
    expect(body.requestId).toBeTruthy();
  });
});

describe('refresh token rotation', () => {
  it('rotates, and reuse of a rotated token revokes the whole family', async () => {
    const owner = await registerOwner(t.app);
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const second = first.json().data.refreshToken as string;
    expect(second).not.toBe(owner.refreshToken);

    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('REFRESH_TOKEN_REUSED');

    // The legitimate newest token was revoked with its family.
    const afterReuse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: second },
    });
    expect(afterReuse.statusCode).toBe(401);
    expect(afterReuse.json().code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('logout ends the sign-in', async () => {
    const owner = await registerOwner(t.app);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refreshToken: owner.refreshToken },
    });
    expect(out.statusCode).toBe(200);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    expect(refresh.json().code).toBe('REFRESH_TOKEN_INVALID');
  });
});

describe('access tokens', () => {
  it('rejects a forged token, a token signed with another algorithm, and an expired one', async () => {
    const owner = await registerOwner(t.app);
    const [header, payload] = owner.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [forged, noneAlg, 'garbage']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
    }
    const expired = t.app.jwt.sign({ sub: owner.userId, acc: owner.accountId }, { expiresIn: -10 } as never);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_EXPIRED');
  });

  it('answers 401 without a credential', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/sites' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
  });
});

describe('API keys', () => {
  it('authenticates with a key, enforces scopes, and stops working once revoked', async () => {
    const owner = await registerOwner(t.app);
    const key = await createApiKey(t.app, owner, ['sites:read']);
    expect(key).toMatch(/^igny8_[A-Za-z0-9]{12}_/);
    const stored = await t.db.prisma.apiKey.findFirstOrThrow({ where: { accountId: owner.accountId } });
    expect(stored.keyHash).not.toContain(key.slice(6));
    const headers = { authorization: `Bearer ${key}` };

    const read = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers });
    expect(read.statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers,
      payload: { name: 'Blog', url: 'https://blog.example.com' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('INSUFFICIENT_SCOPE');
    // Keys cannot manage keys.
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers });
    expect(keys.statusCode).toBe(403);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: owner.headers });
    const listed = list.json().data[0];
    expect(listed).not.toHaveProperty('key');
    expect(listed.lastUsedAt).not.toBeNull();
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${listed.id}`,
      headers: owner.headers,
    });
    expect(revoke.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('API_KEY_REVOKED');
  });

  it('rejects a well-formed but unknown key', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer igny8_AAAAAAAAAAAA_${'B'.repeat(43)}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('API_KEY_INVALID');
  });
});

describe('trial credits at sign-up (SIGNUP_CREDITS)', () => {
  it('grants them once, in the ledger, as a grant the owner can see', async () => {
    const trial = await createTestApp({ SIGNUP_CREDITS: '2500' });
    try {
      const res = await trial.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: 'trial@example.com', password: 'a long enough password', name: 'T', accountName: 'Trial' },
      });
      expect(res.statusCode).toBe(201);
      const headers = { authorization: `Bearer ${res.json().data.tokens.accessToken}` };
      const balance = await trial.app.inject({ method: 'GET', url: '/api/v1/billing/balance', headers });
      expect(balance.json().data.balance).toBe(2500);
      const entries = (await trial.app.inject({ method: 'GET', url: '/api/v1/billing/transactions', headers })).json()
        .data.items;
      expect(entries).toEqual([
        expect.objectContaining({ kind: 'grant', amount: 2500, note: 'Trial credits for a new account' }),
      ]);
      // A refused sign-up (the email is taken) grants nothing.
      const again = await trial.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: 'trial@example.com', password: 'a long enough password', name: 'T', accountName: 'Other' },
      });
      expect(again.statusCode).toBe(409);
      expect(await trial.db.prisma.creditLedgerEntry.count()).toBe(1);
    } finally {
      await trial.close();
    }
  });

  it('grants nothing by default', async () => {
    const owner = await registerOwner(t.app);
    const balance = await t.app.inject({ method: 'GET', url: '/api/v1/billing/balance', headers: owner.headers });
    expect(balance.json().data.balance).toBe(0);
  });
});
