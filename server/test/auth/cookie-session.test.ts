import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner } from '../helpers/users.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ SESSION_ALLOWED_ORIGINS: 'http://localhost:5173' });
});
afterAll(() => t?.close());

const OWN = 'http://igny8.test';
const browser = { 'x-igny8-session': 'cookie', origin: OWN };
let counter = 0;

interface SetCookie {
  value: string;
  attributes: string;
}

/** The igny8_refresh cookie the answer sets (value and attributes), if any. */
function refreshCookie(res: { headers: Record<string, unknown> }): SetCookie | undefined {
  const header = [res.headers['set-cookie'] ?? []].flat() as string[];
  const line = header.find((h) => h.startsWith('igny8_refresh='));
  if (!line) return undefined;
  const [pair, ...rest] = line.split(';');
  return { value: pair!.slice('igny8_refresh='.length), attributes: rest.join(';') };
}

async function signUp() {
  const email = `cookie${++counter}.${Date.now()}@example.com`;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    headers: browser,
    payload: { email, password: 'correct horse battery', name: 'Cookie', accountName: 'Cookie Co' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { res, email };
}

const refresh = (headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers, ...(payload ? { payload } : {}) });

describe('browser session: the refresh token in a cookie', () => {
  it('sets an httpOnly, SameSite=Strict cookie scoped to the auth routes instead of answering the token', async () => {
    const { res } = await signUp();
    const body = res.json().data;
    expect(body.tokens.refreshToken).toBeUndefined();
    expect(body.tokens.accessToken).toBeTruthy();
    const cookie = refreshCookie(res)!;
    expect(cookie.value).toMatch(/^rt_/);
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(cookie.attributes).toMatch(/Path=\/api\/v1\/auth(;|$)/);
    expect(cookie.attributes).toMatch(new RegExp(`Max-Age=${30 * 86_400}`));
    // Plain http (tests): not Secure; behind https it is (next test).
    expect(cookie.attributes).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const https = await createTestApp({ TRUST_PROXY: 'true', PUBLIC_URL: 'https://igny8.test' });
    try {
      const res = await https.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        headers: { 'x-igny8-session': 'cookie', origin: 'https://igny8.test', 'x-forwarded-proto': 'https' },
        payload: { email: 'secure@example.com', password: 'correct horse battery', name: 'S', accountName: 'S' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(refreshCookie(res)!.attributes).toMatch(/Secure/);
    } finally {
      await https.close();
    }
  });

  it('refreshes from the cookie alone, rotating it; the old cookie then ends the sign-in', async () => {
    const { res } = await signUp();
    const first = refreshCookie(res)!.value;
    const r1 = await refresh({ origin: OWN, cookie: `igny8_refresh=${first}` });
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json().data.refreshToken).toBeUndefined();
    const second = refreshCookie(r1)!.value;
    expect(second).not.toBe(first);
    // Replaying the rotated cookie revokes the family and clears the cookie.
    const replay = await refresh({ origin: OWN, cookie: `igny8_refresh=${first}` });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('REFRESH_TOKEN_REUSED');
    expect(refreshCookie(replay)!.value).toBe('');
    const after = await refresh({ origin: OWN, cookie: `igny8_refresh=${second}` });
    expect(after.statusCode).toBe(401);
  });

  it('signs in with the cookie session too, and a body token still works the old way', async () => {
    const { email } = await signUp();
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: browser,
      payload: { email, password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().data.tokens.refreshToken).toBeUndefined();
    expect(refreshCookie(login)).toBeDefined();
    // Without the header: the token in the body, no cookie.
    const plain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'correct horse battery' },
    });
    expect(plain.json().data.tokens.refreshToken).toMatch(/^rt_/);
    expect(refreshCookie(plain)).toBeUndefined();
    const r = await refresh({}, { refreshToken: plain.json().data.tokens.refreshToken });
    expect(r.statusCode).toBe(200);
    expect(r.json().data.refreshToken).toMatch(/^rt_/);
  });

  it('refuses the cookie from another origin, from none, and accepts the allow-listed one', async () => {
    const { res } = await signUp();
    const cookie = `igny8_refresh=${refreshCookie(res)!.value}`;
    const evil = await refresh({ origin: 'https://evil.example', cookie });
    expect(evil.statusCode).toBe(403);
    expect(evil.json()).toMatchObject({ success: false, code: 'CSRF_ORIGIN_REFUSED' });
    expect(evil.json().error).toContain('https://evil.example');
    const none = await refresh({ cookie });
    expect(none.statusCode).toBe(403);
    expect(none.json().code).toBe('CSRF_ORIGIN_REFUSED');
    const badReferer = await refresh({ referer: 'https://evil.example/page', cookie });
    expect(badReferer.json().code).toBe('CSRF_ORIGIN_REFUSED');
    // A refused request changed nothing: the cookie still works from the app's own pages.
    const referer = await refresh({ referer: `${OWN}/app/sites`, cookie });
    expect(referer.statusCode, referer.body).toBe(200);
    const devServer = await refresh({
      origin: 'http://localhost:5173',
      cookie: `igny8_refresh=${refreshCookie(referer)!.value}`,
    });
    expect(devServer.statusCode, devServer.body).toBe(200);
  });

  it('refuses sign-in with the cookie session from another origin (no planted sign-in)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'x-igny8-session': 'cookie', origin: 'https://evil.example' },
      payload: { email: 'planted@example.com', password: 'correct horse battery', name: 'P', accountName: 'P' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_ORIGIN_REFUSED');
    expect(refreshCookie(res)).toBeUndefined();
    expect(await t.db.prisma.user.count({ where: { email: 'planted@example.com' } })).toBe(0);
  });

  it('accepts the request origin itself (the address it came to) when PUBLIC_URL names another', async () => {
    const { res } = await signUp();
    const r = await refresh({
      host: 'localhost:3000',
      origin: 'http://localhost:3000',
      cookie: `igny8_refresh=${refreshCookie(res)!.value}`,
    });
    expect(r.statusCode, r.body).toBe(200);
  });

  it('logs out from the cookie and clears it; a missing token answers 401 and clears it too', async () => {
    const { res } = await signUp();
    const cookie = `igny8_refresh=${refreshCookie(res)!.value}`;
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { origin: 'https://evil.example', cookie },
    });
    expect(refused.json().code).toBe('CSRF_ORIGIN_REFUSED');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { origin: OWN, cookie } });
    expect(out.statusCode, out.body).toBe(200);
    const cleared = refreshCookie(out)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes).toMatch(/Path=\/api\/v1\/auth/);
    expect(cleared.attributes).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect((await refresh({ origin: OWN, cookie })).statusCode).toBe(401);
    const nothing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { origin: OWN } });
    expect(nothing.statusCode).toBe(401);
    expect(nothing.json().code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('accepts an invitation into the cookie session', async () => {
    const owner = await registerOwner(t.app);
    const invite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: owner.headers,
      payload: { email: 'invited-cookie@example.com', role: 'editor' },
    });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      headers: browser,
      payload: { token: invite.json().data.token, password: 'another good password', name: 'Ivy' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().data.tokens.refreshToken).toBeUndefined();
    expect(refreshCookie(accepted)!.attributes).toMatch(/Path=\/api\/v1\/auth/);
  });
});

describe('documentation', () => {
  it('documents the session header on the sign-in routes, and every new route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/register',
      '/api/v1/auth/refresh',
      '/api/v1/invitations/accept',
    ]) {
      const header = doc.paths[path].post.parameters.find((p: { name: string }) => p.name === 'x-igny8-session');
      expect(header, path).toMatchObject({ in: 'header' });
    }
    for (const path of [
      '/api/v1/auth/password-reset',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/auth/email-change',
      '/api/v1/auth/email-change/confirm',
      '/api/v1/auth/logout-everywhere',
    ]) {
      expect(doc.paths[path]?.post?.summary, path).toBeTruthy();
    }
  });
});

describe('sign out everywhere', () => {
  it('ends every sign-in of the user, cookie or not, in every account', async () => {
    const owner = await registerOwner(t.app);
    const cookieLogin = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: browser,
      payload: { email: owner.email, password: owner.password },
    });
    const cookie = `igny8_refresh=${refreshCookie(cookieLogin)!.value}`;
    const other = await registerOwner(t.app, 'Bystander');

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-everywhere',
      headers: owner.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ signInsEnded: 2 });
    expect(refreshCookie(res)!.value).toBe('');
    expect((await refresh({}, { refreshToken: owner.refreshToken })).statusCode).toBe(401);
    expect((await refresh({ origin: OWN, cookie })).statusCode).toBe(401);
    // Another user's sign-in is untouched.
    expect((await refresh({}, { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });

  it('needs a signed-in user: no credential 401, an API key 403', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-everywhere' });
    expect(anonymous.statusCode).toBe(401);
    const owner = await registerOwner(t.app);
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: owner.headers,
      payload: { name: 'k', scopes: ['sites:read'] },
    });
    const withKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-everywhere',
      headers: { authorization: `Bearer ${key.json().data.key}` },
    });
    expect(withKey.statusCode).toBe(403);
  });
});
